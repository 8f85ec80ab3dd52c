import { readFile } from 'node:fs/promises';

import type { Command } from 'commander';

import { importCertificate } from '../../enroll/enrollment.ts';
import { UsageError } from '../cli-error.ts';
import { createContext, printJson, resolveOrganisation, type CommonOptions } from '../context.ts';
import { createProgress } from '../progress.ts';
import { printEnrollmentResult } from '../report.ts';
import { addCommonOptions } from './shared-options.ts';

export function registerImportCert(program: Command): void {
  const command = program
    .command('import-cert')
    .argument('<file>', 'the signed certificate: PEM, DER or PKCS#7; "-" reads standard input')
    .description(
      'Check a certificate signed from the CSR (chain, key, validity) and install the OpenVPN profile. ' +
        'A certificate that fails a check changes nothing.',
    );
  addCommonOptions(command);
  command.action(async (file: string, options: CommonOptions) => {
    const context = createContext(options);
    const organisation = await resolveOrganisation(options.org, context.dataDir);
    const certificate = await readInput(file);
    const progress = createProgress(context.err, { quiet: context.json });

    const result = await importCertificate({
      organisation,
      dataDir: context.dataDir,
      certificate,
      onEvent: (event) => progress.event(event),
      log: context.log,
    });
    progress.stop();

    if (context.json) printJson(context, result);
    else printEnrollmentResult(context, result);
  });
}

async function readInput(file: string): Promise<Buffer> {
  if (file === '-') {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return Buffer.concat(chunks);
  }

  try {
    return await readFile(file);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new UsageError(
      `Failed to read the certificate file ${file}: ${code === 'ENOENT' ? 'not found' : code}.`,
    );
  }
}
