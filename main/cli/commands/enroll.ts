import { existsSync } from 'node:fs';

import type { Command } from 'commander';

import { EnrollmentStore } from '../../enroll/enrollment-store.ts';
import type { OrganisationFile } from '../../org/schema.ts';
import { profilePath } from '../../profile/profile-store.ts';

import { enroll } from '../../enroll/enrollment.ts';
import { withCancellation } from '../cancellation.ts';
import { UsageError } from '../cli-error.ts';
import { createContext, printJson, resolveOrganisation, type CommonOptions } from '../context.ts';
import { readPassword } from '../password.ts';
import { createProgress } from '../progress.ts';
import { printEnrollmentResult } from '../report.ts';
import {
  addCommonOptions,
  addIdentityOptions,
  identityFrom,
  type IdentityOptions,
} from './shared-options.ts';

interface EnrollCommandOptions extends CommonOptions, IdentityOptions {
  username?: string;
  passwordFile?: string;
  passwordStdin?: boolean;
  wait: boolean;
  restart?: boolean;
}

export function registerEnroll(program: Command): void {
  const command = program
    .command('enroll')
    .description(
      "Generate a key and CSR, have the organisation's CA sign it, check the certificate and install the profile. " +
        'Resumes a pending or interrupted request with the same key.',
    );
  addCommonOptions(command);
  addIdentityOptions(command);
  command
    .option(
      '--username <user>',
      'EST user name (default: from the organisation file, else your email address)',
    )
    .option('--password-file <file>', 'read the EST password from the first line of FILE')
    .option('--password-stdin', 'read the EST password from standard input')
    .option(
      '--no-wait',
      'return at once when the CA says the request is pending, instead of polling',
    )
    .option('--restart', 'discard a pending or installed request and start over with a new key')
    .action(async (options: EnrollCommandOptions) => {
      const context = createContext(options);
      const identity = identityFrom(options);
      const organisation = await resolveOrganisation(options.org, context.dataDir);

      let credentials: { username: string; password: string } | undefined;
      if (
        organisation.enrollment.method === 'est' &&
        !(await alreadyInstalled(context.dataDir, organisation, options))
      ) {
        const username = options.username ?? organisation.enrollment.username ?? identity?.email;
        if (username === undefined) {
          throw new UsageError('Missing EST user name: pass --username or --email.');
        }
        const password = await readPassword(options, `EST password for ${username}: `);
        credentials = { username, password };
      }

      const progress = createProgress(context.err, { quiet: context.json, polling: options.wait });
      progress.line(
        `Enrolling with ${organisation.organisation.name} (${describeMethod(organisation.enrollment)})`,
      );
      context.log.info('Enrollment started', {
        org: organisation.organisation.id,
        method: organisation.enrollment.method,
      });

      try {
        const result = await withCancellation((signal) =>
          enroll({
            organisation,
            dataDir: context.dataDir,
            identity,
            credentials,
            wait: options.wait,
            restart: options.restart,
            signal,
            onEvent: (event) => progress.event(event),
            log: context.log,
          }),
        );
        progress.stop();
        if (context.json) printJson(context, result);
        else printEnrollmentResult(context, result);
      } finally {
        progress.stop();
      }
    });
}

/** Tells whether enroll will only report the installed profile, so it needs no password. */
async function alreadyInstalled(
  dataDir: string,
  organisation: OrganisationFile,
  options: EnrollCommandOptions,
): Promise<boolean> {
  if (options.restart) return false;
  const state = await new EnrollmentStore(dataDir, organisation.organisation.id).readState();
  return (
    state?.phase === 'installed' && existsSync(profilePath(dataDir, organisation.organisation.id))
  );
}

function describeMethod(enrollment: { method: 'est'; url: string } | { method: 'manual' }): string {
  return enrollment.method === 'est' ? `EST at ${enrollment.url}` : 'signed by your administrator';
}
