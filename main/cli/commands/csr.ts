import { constants } from 'node:fs';
import { copyFile } from 'node:fs/promises';
import { resolve } from 'node:path';

import type { Command } from 'commander';

import { enroll } from '../../enroll/enrollment.ts';
import { UsageError } from '../cli-error.ts';
import { createContext, printJson, resolveOrganisation, type CommonOptions } from '../context.ts';
import { createProgress } from '../progress.ts';
import { printEnrollmentResult } from '../report.ts';
import {
  addCommonOptions,
  addIdentityOptions,
  identityFrom,
  type IdentityOptions,
} from './shared-options.ts';

interface CsrCommandOptions extends CommonOptions, IdentityOptions {
  out?: string;
  restart?: boolean;
}

export function registerCsr(program: Command): void {
  const command = program
    .command('csr')
    .description(
      "Write a signing request (CSR) for the manual method and print the organisation's instructions. " +
        'The private key stays in the data directory.',
    );
  addCommonOptions(command);
  addIdentityOptions(command);
  command
    .option('--out <file>', 'also copy the CSR (PEM) to FILE, e.g. to attach it to an email')
    .option('--restart', 'discard the current request and key and make new ones')
    .action(async (options: CsrCommandOptions) => {
      const context = createContext(options);
      const identity = identityFrom(options);
      const organisation = await resolveOrganisation(options.org, context.dataDir);
      const progress = createProgress(context.err, { quiet: context.json });

      const result = await enroll({
        organisation,
        dataDir: context.dataDir,
        identity,
        restart: options.restart,
        requestOnly: true,
        onEvent: (event) => progress.event(event),
        log: context.log,
      });
      progress.stop();

      if (result.status === 'awaiting-certificate' && options.out !== undefined) {
        // COPYFILE_EXCL refuses an existing file or symbolic link, so --out cannot overwrite a
        // key or write through a link someone planted.
        try {
          await copyFile(result.csrPath, resolve(options.out), constants.COPYFILE_EXCL);
        } catch (error) {
          if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
          throw new UsageError(
            `--out ${options.out} already exists; choose a new file name or remove the old file first.`,
          );
        }
        result.csrPath = resolve(options.out);
      }

      if (context.json) printJson(context, result);
      else printEnrollmentResult(context, result);
    });
}
