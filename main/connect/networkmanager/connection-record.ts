import { readFile, rm } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';

import { z } from 'zod';

import { ensurePrivateDirectory, writePrivateFileAtomic } from '../../storage/secure-file.ts';

// NetworkManager writes connection UUIDs as lowercase RFC 4122 text.
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
// The names profile-import.ts gives: vpn-onboard-<organisation id>, and for the import itself
// that name with 8 random hex digits appended.
const CONNECTION_NAME = /^vpn-onboard-[a-z0-9][a-z0-9-]{0,62}$/;
const IMPORT_SUFFIX = /^-[0-9a-f]{8}$/;

const recordSchema = z.object({
  version: z.literal(1),
  /** The UUID of the connection this app imported; the only connection it ever changes. */
  uuid: z.string().regex(UUID, 'must be a lowercase connection UUID'),
  /** The connection's name in NetworkManager, e.g. vpn-onboard-example-corp. */
  name: z.string().regex(CONNECTION_NAME, 'must be vpn-onboard-<organisation id>'),
  /** The name the import used, which also starts the names of the importer's files. */
  importName: z.string(),
  profilePath: z.string(),
  /** SHA-256 of the imported profile, so an unchanged profile is not imported again. */
  profileSha256: z.string(),
  /** The profile's remotes in failover order. */
  endpoints: z.array(z.object({ host: z.string(), port: z.number().int() })),
  /** Files the importer wrote for the inline blocks (they contain the private key). */
  files: z.array(z.string()),
});

/** The connection this app imported into NetworkManager, kept in the data directory. */
export type NetworkManagerRecord = z.infer<typeof recordSchema>;

/** Raised for a record that names anything other than what this app's import created. */
export class NetworkManagerRecordError extends Error {
  override name = 'NetworkManagerRecordError';
}

/**
 * Checks a record against what the import creates: a connection UUID, the names the driver
 * gives, and importer files directly inside `certificateFolder` whose names start with the
 * import's name. A record that passes can never make the driver change another connection by
 * name or delete a file elsewhere. Raises NetworkManagerRecordError naming the first problem.
 */
export function parseNetworkManagerRecord(
  value: unknown,
  certificateFolder: string,
): NetworkManagerRecord {
  const parsed = recordSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new NetworkManagerRecordError(
      `Invalid NetworkManager record: ${issue?.path.join('.') || 'record'} ${issue?.message ?? 'is invalid'}.`,
    );
  }

  const record = parsed.data;
  const suffix = record.importName.slice(record.name.length);
  if (!record.importName.startsWith(record.name) || !IMPORT_SUFFIX.test(suffix)) {
    throw new NetworkManagerRecordError(
      `Invalid NetworkManager record: importName ${JSON.stringify(record.importName)} is not ${record.name}-<8 hex digits>.`,
    );
  }
  for (const file of record.files) {
    const inside =
      isAbsolute(file) &&
      normalize(file) === file &&
      dirname(file) === certificateFolder &&
      basename(file).startsWith(`${record.importName}-`);
    if (!inside) {
      throw new NetworkManagerRecordError(
        `Invalid NetworkManager record: file ${JSON.stringify(file)} is not an importer file of ${record.importName} in ${certificateFolder}.`,
      );
    }
  }
  return record;
}

/** Returns where the record of the imported connection is kept. */
export function networkManagerRecordPath(dataDir: string): string {
  return join(dataDir, 'connection', 'networkmanager.json');
}

/**
 * Reads the record, or returns undefined when there is none or it is unreadable or fails
 * `parseNetworkManagerRecord`.
 */
export async function readNetworkManagerRecord(
  path: string,
  certificateFolder: string,
): Promise<NetworkManagerRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }

  try {
    return parseNetworkManagerRecord(JSON.parse(text), certificateFolder);
  } catch {
    // A torn or foreign record names no connection this app can trust as its own.
    return undefined;
  }
}

/** Writes the record atomically with mode 0600. */
export async function writeNetworkManagerRecord(
  path: string,
  record: NetworkManagerRecord,
): Promise<void> {
  await ensurePrivateDirectory(dirname(path));
  await writePrivateFileAtomic(path, JSON.stringify(record, null, 2) + '\n');
}

export async function removeNetworkManagerRecord(path: string): Promise<void> {
  await rm(path, { force: true });
}
