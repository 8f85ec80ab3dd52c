import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const POSIX = process.platform !== 'win32';

/**
 * Creates a directory only its owner can enter (0700), or tightens an existing one to 0700.
 * Refuses a path that is not a directory, is a symbolic link, or belongs to another user, since
 * keys written there could then be read or swapped by someone else.
 */
export async function ensurePrivateDirectory(path: string): Promise<void> {
  await mkdir(path, { recursive: true, mode: 0o700 });
  if (!POSIX) return;

  const stats = await lstat(path);
  if (stats.isSymbolicLink() || !stats.isDirectory()) {
    throw new Error(`${path} is not a directory; choose another data directory (--data-dir).`);
  }
  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new Error(
      `${path} belongs to user id ${stats.uid}, not to you (${uid}); choose a data directory you own (--data-dir).`,
    );
  }
  if ((stats.mode & 0o077) !== 0) await chmod(path, 0o700);
}

/**
 * Writes a file atomically: a temporary file in the same directory, created with `mode` from
 * the first byte (flags wx, so it never reuses an existing file), written, fsynced, renamed over
 * the target, and the directory fsynced. On failure the previous file stays as it was and the
 * temporary file is removed.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const mode = options.mode ?? 0o600;
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }

  await syncDirectory(dirname(path));
}

/** Writes a secret (key, profile, state) 0600 and atomically into a private directory. */
export async function writePrivateFileAtomic(
  path: string,
  data: string | Uint8Array,
): Promise<void> {
  await ensurePrivateDirectory(dirname(path));
  await writeFileAtomic(path, data, { mode: 0o600 });
}

async function syncDirectory(path: string): Promise<void> {
  if (!POSIX) return;

  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
