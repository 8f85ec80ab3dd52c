import { open, readFile, rename, rm } from 'node:fs/promises';
import { basename, join } from 'node:path';

import { z } from 'zod';

import type { OrganisationFile } from '../org/schema.ts';
import { ensurePrivateDirectory, writePrivateFileAtomic } from '../storage/secure-file.ts';

/** How far one enrollment attempt has come; each phase is written before the next step starts. */
export const ENROLLMENT_PHASES = [
  'key-generated',
  'csr-created',
  'submitted',
  'pending',
  'issued',
  'installed',
] as const;

export type EnrollmentPhase = (typeof ENROLLMENT_PHASES)[number];

const stateSchema = z.object({
  version: z.literal(1),
  organisationId: z.string(),
  method: z.enum(['est', 'manual']),
  phase: z.enum(ENROLLMENT_PHASES),
  identity: z.object({ name: z.string(), email: z.string() }).optional(),
  csrFingerprint: z.string().optional(),
  retryAt: z.string().optional(),
  certificateFingerprint: z.string().optional(),
  notAfter: z.string().optional(),
  profilePath: z.string().optional(),
  updatedAt: z.string(),
});

/** The persisted record of one organisation's enrollment attempt. */
export type EnrollmentState = z.infer<typeof stateSchema>;

/** Raised when the stored state cannot be read; the message says how to start over. */
export class EnrollmentStateError extends Error {
  override name = 'EnrollmentStateError';
}

/**
 * The files of one enrollment attempt, in `<dataDir>/enrollment/<organisation id>/`: the
 * private key, the CSR, the issued certificate and the state record. The directory is 0700 and
 * every file is written 0600 and atomically, so a crash at any point leaves either the old or
 * the new version of each file, never a torn one.
 */
export class EnrollmentStore {
  readonly directory: string;
  readonly keyPath: string;
  readonly csrPath: string;
  readonly certificatePath: string;
  readonly statePath: string;

  constructor(
    readonly dataDir: string,
    readonly organisationId: string,
  ) {
    this.directory = join(dataDir, 'enrollment', organisationId);
    this.keyPath = join(this.directory, 'key.pem');
    this.csrPath = join(this.directory, 'request.csr');
    this.certificatePath = join(this.directory, 'certificate.pem');
    this.statePath = join(this.directory, 'state.json');
  }

  /** Creates the private directories this store writes to. */
  async prepare(): Promise<void> {
    await ensurePrivateDirectory(this.dataDir);
    await ensurePrivateDirectory(join(this.dataDir, 'enrollment'));
    await ensurePrivateDirectory(this.directory);
  }

  /**
   * Takes the attempt's lock, so two processes never submit the same request or write the same
   * files at once. A lock left by a process that no longer runs is taken over.
   */
  async lock(): Promise<() => Promise<void>> {
    const path = join(this.directory, 'lock');

    for (let attempt = 0; attempt < 2; attempt++) {
      try {
        const handle = await open(path, 'wx', 0o600);
        await handle.writeFile(String(process.pid));
        await handle.close();
        return () => rm(path, { force: true });
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
      }

      const owner = Number((await readOptional(path)) ?? '');
      if (Number.isInteger(owner) && owner > 0 && processRuns(owner)) {
        throw new EnrollmentStateError(
          `Another VPN Onboard process (PID ${owner}) is enrolling in ${this.directory}; wait for it to finish, then try again.`,
        );
      }
      await rm(path, { force: true });
    }
    throw new EnrollmentStateError(`Failed to lock ${this.directory}; try again.`);
  }

  async readState(): Promise<EnrollmentState | undefined> {
    const text = await readOptional(this.statePath);
    if (text === undefined) return undefined;

    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      throw new EnrollmentStateError(
        `The enrollment state in ${this.statePath} is damaged (not JSON). Run the command again with --restart to start a new request.`,
      );
    }

    const result = stateSchema.safeParse(parsed);
    if (!result.success) {
      throw new EnrollmentStateError(
        `The enrollment state in ${this.statePath} is damaged (${result.error.issues[0]?.message}). Run the command again with --restart to start a new request.`,
      );
    }
    return result.data;
  }

  async writeState(
    state: Omit<EnrollmentState, 'version' | 'organisationId' | 'updatedAt'>,
  ): Promise<EnrollmentState> {
    const record: EnrollmentState = {
      version: 1,
      organisationId: this.organisationId,
      ...state,
      updatedAt: new Date().toISOString(),
    };
    await writePrivateFileAtomic(this.statePath, JSON.stringify(record, null, 2) + '\n');
    return record;
  }

  readKey(): Promise<string | undefined> {
    return readOptional(this.keyPath);
  }

  writeKey(pem: string): Promise<void> {
    return writePrivateFileAtomic(this.keyPath, pem);
  }

  readCsr(): Promise<string | undefined> {
    return readOptional(this.csrPath);
  }

  writeCsr(pem: string): Promise<void> {
    return writePrivateFileAtomic(this.csrPath, pem);
  }

  readCertificate(): Promise<string | undefined> {
    return readOptional(this.certificatePath);
  }

  writeCertificate(pem: string): Promise<void> {
    return writePrivateFileAtomic(this.certificatePath, pem);
  }

  /**
   * Sets the attempt aside in `previous/` (key, CSR, certificate and state), so a new request
   * can start while a failed renewal still loses nothing. The installed profile is a separate
   * file and stays usable until a new one replaces it.
   */
  async archive(): Promise<void> {
    const previous = join(this.directory, 'previous');
    await rm(previous, { recursive: true, force: true });
    await ensurePrivateDirectory(previous);

    for (const path of [this.statePath, this.csrPath, this.certificatePath, this.keyPath]) {
      try {
        await rename(path, join(previous, basename(path)));
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      }
    }
  }

  /** Removes the attempt set aside by `archive`, once a new certificate is installed. */
  async discardArchive(): Promise<void> {
    await rm(join(this.directory, 'previous'), { recursive: true, force: true });
  }
}

/** Stores the organisation file the enrollment was made with, so later commands need no --org. */
export async function saveOrganisation(
  dataDir: string,
  organisation: OrganisationFile,
): Promise<string> {
  const directory = join(dataDir, 'organisations');
  await ensurePrivateDirectory(dataDir);
  await ensurePrivateDirectory(directory);

  const path = join(directory, `${organisation.organisation.id}.json`);
  await writePrivateFileAtomic(path, JSON.stringify(organisation, null, 2) + '\n');
  return path;
}

async function readOptional(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

function processRuns(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
