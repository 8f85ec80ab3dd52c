import { open } from 'node:fs/promises';

import type { Command } from 'commander';

import { importCertificate } from '../../enroll/enrollment.ts';
import { MAX_INPUT_BYTES } from '../../pki/certificate-reader.ts';
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
  if (file === '-') return readStandardInput();

  let handle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new Error(`Failed to read the certificate file ${file}: ${describeError(error)}.`, {
      cause: error,
    });
  }

  try {
    const stats = await handle.stat();
    if (!stats.isFile()) {
      throw new Error(`Failed to read the certificate file ${file}: it is not a regular file.`);
    }
    if (stats.size > MAX_INPUT_BYTES) {
      throw new Error(
        `The certificate file ${file} is ${Math.round(stats.size / 1024)} KiB; a certificate is a few KiB, so check that it is the right file.`,
      );
    }
    return await handle.readFile();
  } finally {
    await handle.close();
  }
}

async function readStandardInput(): Promise<Buffer> {
  if (process.stdin.isTTY) {
    process.stderr.write('Paste the certificate, then press Ctrl-D:\n');
  }

  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of process.stdin) {
    size += (chunk as Buffer).length;
    if (size > MAX_INPUT_BYTES) {
      throw new Error(
        'The certificate on standard input is over 1 MiB; a certificate is a few KiB.',
      );
    }
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function describeError(error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (code === 'ENOENT') return 'not found';
  if (code === 'EACCES') return 'permission denied';
  if (code === 'EISDIR') return 'it is a directory';
  return (error as Error).message;
}
