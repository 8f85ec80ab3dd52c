import { readFile } from 'node:fs/promises';
import { join } from 'node:path';

import { ensurePrivateDirectory, writePrivateFileAtomic } from '../storage/secure-file.ts';

// The organisation file schema allows the same ids. Checking again here keeps a path such as
// "../x" out of the data directory for every caller.
const ORGANISATION_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Returns where an organisation's profile is installed: `<dataDir>/profiles/<id>.ovpn`. */
export function profilePath(dataDir: string, organisationId: string): string {
  if (!ORGANISATION_ID.test(organisationId)) {
    throw new Error(
      `Invalid organisation id ${JSON.stringify(organisationId)}: expected lowercase letters, digits and dashes, such as example-corp.`,
    );
  }
  return join(dataDir, 'profiles', `${organisationId}.ovpn`);
}

/**
 * Installs a profile with mode 0600 in `<dataDir>/profiles` (0700), atomically, so the previous
 * profile stays whole until the new one replaces it. Returns the profile's path.
 */
export async function installProfile(
  dataDir: string,
  organisationId: string,
  text: string,
): Promise<string> {
  const path = profilePath(dataDir, organisationId);

  await ensurePrivateDirectory(dataDir);
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
