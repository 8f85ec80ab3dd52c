import { execFile } from 'node:child_process';
import { writeFile } from 'node:fs/promises';
import { join } from 'node:path';

import type { EnrollmentResult } from '../../main/enroll/enrollment-types.ts';
import { CLI_PATH } from './est-server.ts';
import type { Lab } from './lab-environment.ts';
import { labOrganisation } from './lab-profile.ts';

// Key generation, the node start and the EST round trip took under a second in the lab, and
// the limit leaves room for a loaded machine.
const ENROLL_TIMEOUT_MS = 90_000;

export const LAB_IDENTITY = { name: 'Jane Doe', email: 'jane.doe@example.org' };

/** The organisation file and the result of an enrollment in the lab. */
export interface LabEnrollment {
  organisationPath: string;
  result: EnrollmentResult;
}

/**
 * Writes the lab's organisation file into `dataDir` and runs `vpn-onboard enroll` inside the
 * client namespace, as a user would, against the EST server on fw1. The request goes over the
 * client's link to fw1, never through the host. Raises with the CLI's output when it fails.
 */
export async function enrollInLab(lab: Lab, dataDir: string): Promise<LabEnrollment> {
  const organisationPath = join(dataDir, 'lab-organisation.json');
  await writeFile(organisationPath, JSON.stringify(labOrganisation(lab)), { mode: 0o600 });

  const args = [
    'netns',
    'exec',
    lab.namespace('client'),
    process.execPath,
    CLI_PATH,
    'enroll',
    '--org',
    organisationPath,
    '--name',
    LAB_IDENTITY.name,
    '--email',
    LAB_IDENTITY.email,
    '--password-file',
    lab.est.passwordFile,
    '--data-dir',
    dataDir,
    '--json',
  ];
  const stdout = await new Promise<string>((resolve, reject) => {
    execFile(
      'ip',
      args,
      { encoding: 'utf8', timeout: ENROLL_TIMEOUT_MS },
      (error, output, errors) => {
        if (error === null) {
          resolve(output);
          return;
        }
        reject(
          new Error(
            `vpn-onboard enroll in ${lab.namespace('client')} failed (${error.message.split('\n')[0]}): ` +
              `${errors.trim() || output.trim()}; the EST server's log is ${lab.est.logPath}.`,
          ),
        );
      },
    );
  });

  return { organisationPath, result: JSON.parse(stdout) as EnrollmentResult };
}
