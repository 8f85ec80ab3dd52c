import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ensurePrivateDirectory, writePrivateFileAtomic } from '../storage/secure-file.ts';

/** Returns where an organisation's profile is installed: `<dataDir>/profiles/<id>.ovpn`. */
export function profilePath(dataDir: string, organisationId: string): string {
  return join(dataDir, 'profiles', `${organisationId}.ovpn`);
}

/** Installs a profile 0600 and atomically, so the previous one stays whole until replaced. */
export async function installProfile(
  dataDir: string,
  organisationId: string,
  text: string,
): Promise<string> {
  await ensurePrivateDirectory(dataDir);
  const path = profilePath(dataDir, organisationId);
  await writePrivateFileAtomic(path, text);
  return path;
}

/** Reads the installed profile, or returns undefined when there is none. */
export async function readInstalledProfile(
  dataDir: string,
  organisationId: string,
): Promise<string | undefined> {
  try {
    return await readFile(profilePath(dataDir, organisationId), 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
