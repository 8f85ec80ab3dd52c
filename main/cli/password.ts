import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';

import { UsageError } from './cli-error.ts';

/** Where the EST password comes from; it is never taken from the command line itself. */
export interface PasswordSource {
  passwordFile?: string;
  passwordStdin?: boolean;
}

/**
 * Reads the EST password from a file, standard input, VPN_ONBOARD_EST_PASSWORD, or a prompt
 * without echo on a terminal. Arguments are visible to other users in the process list, so
 * there is no --password option.
 */
export async function readPassword(source: PasswordSource, prompt: string): Promise<string> {
  if (source.passwordFile !== undefined && source.passwordStdin) {
    throw new UsageError('Pass either --password-file or --password-stdin, not both.');
  }
  const password = await readPasswordFrom(source, prompt);
  if (password === '') {
    throw new UsageError(
      'The EST password is empty; check --password-file, standard input or VPN_ONBOARD_EST_PASSWORD.',
    );
  }
  return password;
}

async function readPasswordFrom(source: PasswordSource, prompt: string): Promise<string> {
  if (source.passwordFile !== undefined) {
    try {
      return firstLine(await readFile(source.passwordFile, 'utf8'));
    } catch (error) {
      throw new UsageError(
        `Failed to read --password-file ${source.passwordFile}: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}.`,
      );
    }
  }

  if (source.passwordStdin) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
    return firstLine(Buffer.concat(chunks).toString('utf8'));
  }

  const fromEnvironment = process.env.VPN_ONBOARD_EST_PASSWORD;
  if (fromEnvironment !== undefined && fromEnvironment !== '') return fromEnvironment;

  if (!process.stdin.isTTY) {
    throw new UsageError(
      'Missing EST password: pass --password-file FILE, --password-stdin, or set VPN_ONBOARD_EST_PASSWORD.',
    );
  }
  return promptHidden(prompt);
}

function firstLine(text: string): string {
  return text.split(/\r?\n/)[0] ?? '';
}

function promptHidden(prompt: string): Promise<string> {
  return new Promise((resolve) => {
    const terminal = createInterface({
      input: process.stdin,
      output: process.stderr,
      terminal: true,
    });
    const output = terminal as unknown as { _writeToOutput: (text: string) => void };
    let prompted = false;
    // readline echoes what is typed through this method; after the prompt, print nothing.
    output._writeToOutput = (text: string) => {
      if (!prompted) {
        process.stderr.write(text);
        prompted = true;
      }
    };
    terminal.question(prompt, (answer) => {
      terminal.close();
      process.stderr.write('\n');
      resolve(answer);
    });
  });
}
