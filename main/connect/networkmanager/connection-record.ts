import { readFile, rm } from 'node:fs/promises';
import { dirname, join } from 'node:path';

import { z } from 'zod';

import { ensurePrivateDirectory, writePrivateFileAtomic } from '../../storage/secure-file.ts';

const recordSchema = z.object({
  version: z.literal(1),
  /** The UUID of the connection this app imported; the only connection it ever changes. */
  uuid: z.string(),
  /** The connection's name in NetworkManager, e.g. vpn-onboard-example-corp. */
  name: z.string(),
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

/** Returns where the record of the imported connection is kept. */
export function networkManagerRecordPath(dataDir: string): string {
  return join(dataDir, 'connection', 'networkmanager.json');
}

/** Reads the record, or returns undefined when there is none or it is unreadable. */
export async function readNetworkManagerRecord(
  path: string,
): Promise<NetworkManagerRecord | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }

  try {
    return recordSchema.parse(JSON.parse(text));
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
