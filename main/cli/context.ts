import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { createLogger, logFilePath, rotatingFileSink, type Logger } from '../log/logger.ts';
import { loadOrganisationFile, parseOrganisation } from '../org/load-organisation.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { resolveDataDir } from '../storage/data-dir.ts';
import { UsageError } from './cli-error.ts';

/** Options every command takes. */
export interface CommonOptions {
  org?: string;
  dataDir?: string;
  json?: boolean;
}

/** What a command runs with: the data directory, a logger writing to its log file, and output. */
export interface CommandContext {
  dataDir: string;
  json: boolean;
  log: Logger;
  out: NodeJS.WriteStream;
  err: NodeJS.WriteStream;
}

let activeLog: Logger | undefined;

export function createContext(options: CommonOptions): CommandContext {
  const dataDir = resolveDataDir(options.dataDir);
  const log = createLogger({ sinks: [rotatingFileSink(logFilePath(dataDir))], scope: 'cli' });
  activeLog = log;
  return { dataDir, json: options.json === true, log, out: process.stdout, err: process.stderr };
}

/** Returns the logger of the command that is running, so a failure can be logged where it ends. */
export function activeLogger(): Logger | undefined {
  return activeLog;
}

/**
 * Loads the organisation from --org, or else the one organisation already enrolled in the data
 * directory, so follow-up commands such as import-cert need no --org.
 */
export async function resolveOrganisation(
  option: string | undefined,
  dataDir: string,
): Promise<OrganisationFile> {
  if (option !== undefined) return loadOrganisationFile(option);

  const directory = join(dataDir, 'organisations');
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.json'));
  } catch {
    names = [];
  }

  if (names.length === 0) {
    throw new UsageError(
      `Missing --org FILE: no organisation is enrolled in ${dataDir} yet. Pass the organisation file your administrator gave you.`,
    );
  }
  if (names.length > 1) {
    const ids = names.map((name) => name.replace(/\.json$/, '')).join(', ');
    throw new UsageError(
      `Missing --org FILE: ${dataDir} contains several organisations (${ids}); pass --org to pick one.`,
    );
  }

  const path = join(directory, names[0]!);
  return parseOrganisation(await readFile(path, 'utf8'), { name: path, format: 'json' });
}

/** Prints a result as JSON on stdout, for --json. */
export function printJson(context: Pick<CommandContext, 'out'>, value: unknown): void {
  context.out.write(JSON.stringify(value, null, 2) + '\n');
}
