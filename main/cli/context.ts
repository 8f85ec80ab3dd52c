import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';

import {
  createLogger,
  logFilePath,
  rotatingFileSink,
  type Logger,
  type LogSink,
} from '../log/logger.ts';
import { loadOrganisationFile, parseOrganisation } from '../org/load-organisation.ts';
import type { OrganisationFile } from '../org/schema.ts';
import {
  checkDataDir,
  dataDirFailure,
  dataDirSource,
  resolveDataDir,
} from '../storage/data-dir.ts';
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

/**
 * Resolves and checks the data directory and opens its log file. Raises a DataDirError naming
 * the path, and whether it came from --data-dir or VPN_ONBOARD_HOME, when it cannot be used.
 */
export function createContext(options: CommonOptions): CommandContext {
  const dataDir = resolveDataDir(options.dataDir);
  const source = dataDirSource(options.dataDir);
  checkDataDir(dataDir, source);

  let sink: LogSink;
  try {
    sink = rotatingFileSink(logFilePath(dataDir));
  } catch (error) {
    throw dataDirFailure(dataDir, source, error);
  }
  const log = createLogger({ sinks: [sink], scope: 'cli' });
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

  const enrolled = await findEnrolledOrganisation(dataDir);
  if (enrolled.organisation !== undefined) return enrolled.organisation;
  if (enrolled.problem === 'none') {
    throw new UsageError(
      `Missing --org FILE: no organisation is enrolled in ${dataDir} yet. Pass the organisation file your administrator gave you.`,
    );
  }
  throw new UsageError(
    `Missing --org FILE: ${dataDir} contains several organisations (${enrolled.ids.join(', ')}); pass --org to pick one.`,
  );
}

/** The organisation enrolled in a data directory, or why there is not exactly one. */
export type EnrolledOrganisation =
  | { organisation: OrganisationFile; problem?: undefined }
  | { organisation?: undefined; problem: 'none' }
  | { organisation?: undefined; problem: 'several'; ids: string[] };

/**
 * Reads the copy of the organisation file that enrolling kept in the data directory, when there
 * is exactly one. A copy that does not parse raises, because the data directory is damaged.
 */
export async function findEnrolledOrganisation(dataDir: string): Promise<EnrolledOrganisation> {
  const directory = join(dataDir, 'organisations');
  let names: string[];
  try {
    names = (await readdir(directory)).filter((name) => name.endsWith('.json'));
  } catch {
    names = [];
  }

  if (names.length === 0) return { problem: 'none' };
  if (names.length > 1) {
    return { problem: 'several', ids: names.map((name) => name.replace(/\.json$/, '')) };
  }

  const path = join(directory, names[0]!);
  const organisation = parseOrganisation(await readFile(path, 'utf8'), {
    name: path,
    format: 'json',
  });
  return { organisation };
}

/** Prints a result as JSON on stdout, for --json. */
export function printJson(context: Pick<CommandContext, 'out'>, value: unknown): void {
  context.out.write(JSON.stringify(value, null, 2) + '\n');
}
