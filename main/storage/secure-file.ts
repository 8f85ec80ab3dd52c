import { randomBytes } from 'node:crypto';
import { chmod, lstat, mkdir, open, rename, rm } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';

const POSIX = process.platform !== 'win32';
const PRIVATE_DIRECTORY_MODE = 0o700;
const PRIVATE_FILE_MODE = 0o600;

/** Raised when a directory cannot be made private. `path` is the directory. */
export class PrivateDirectoryError extends Error {
  override name = 'PrivateDirectoryError';
  readonly path: string;

  constructor(path: string, message: string) {
    super(message);
    this.path = path;
  }
}

/**
 * Creates a directory (and missing parents) with mode 0700, or tightens an existing one to 0700
 * when group or others have any access. Rejects a path that is not a directory, is a symbolic
 * link, or is owned by another user, because files written there could be read or swapped by
 * someone else. On Windows only the directory is created: POSIX modes and owners do not apply.
 */
export async function ensurePrivateDirectory(path: string): Promise<void> {
  try {
    await mkdir(path, { recursive: true, mode: PRIVATE_DIRECTORY_MODE });
  } catch (error) {
    if (errorCode(error) === 'EEXIST' || errorCode(error) === 'ENOTDIR') {
      throw new PrivateDirectoryError(
        path,
        `${path} (or one of its parents) exists but is not a directory; move the file away or choose another data directory.`,
      );
    }
    throw error;
  }
  if (!POSIX) return;

  const stats = await lstat(path);
  if (stats.isSymbolicLink()) {
    throw new PrivateDirectoryError(
      path,
      `${path} is a symbolic link; replace it with a real directory or choose another data directory.`,
    );
  }
  if (!stats.isDirectory()) {
    throw new PrivateDirectoryError(
      path,
      `${path} is not a directory; move it away or choose another data directory.`,
    );
  }

  const uid = process.getuid?.();
  if (uid !== undefined && stats.uid !== uid) {
    throw new PrivateDirectoryError(
      path,
      `${path} is owned by user id ${stats.uid}, not by the current user (${uid}); change its owner or choose another data directory.`,
    );
  }

  if ((stats.mode & 0o077) !== 0) await chmod(path, PRIVATE_DIRECTORY_MODE);
}

/**
 * Writes a file atomically. The data goes to a temporary file in the same directory, created
 * with open flags `wx` and `mode` (default 0600, narrowed further by the umask). So the file has
 * its final mode from the first byte, and an existing file or symbolic link is never reused.
 * The temporary file is fsynced and renamed over the target, then the directory is fsynced.
 *
 * On failure before the rename, the temporary file is removed and the target is left as it
 * was. If only the directory fsync fails, the new content is already in place but may not
 * survive a power cut, and the error is raised.
 */
export async function writeFileAtomic(
  path: string,
  data: string | Uint8Array,
  options: { mode?: number } = {},
): Promise<void> {
  const mode = options.mode ?? PRIVATE_FILE_MODE;
  const directory = dirname(path);
  const temporary = join(directory, `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);

  const handle = await open(temporary, 'wx', mode);
  try {
    await handle.writeFile(data);
    await handle.sync();
    await handle.close();
    await rename(temporary, path);
  } catch (error) {
    // The handle is already closed when the rename fails, and a second close only rejects.
    await handle.close().catch(() => undefined);
    await rm(temporary, { force: true });
    throw error;
  }

  await syncDirectory(directory);
}

/** Writes a secret (key, profile, state) with mode 0600, atomically, into a private directory. */
export async function writePrivateFileAtomic(
  path: string,
  data: string | Uint8Array,
): Promise<void> {
  await ensurePrivateDirectory(dirname(path));
  await writeFileAtomic(path, data, { mode: PRIVATE_FILE_MODE });
}

/** Makes the rename durable. Skipped on Windows, where this has not been tried. */
async function syncDirectory(path: string): Promise<void> {
  if (!POSIX) return;

  const handle = await open(path, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | undefined)?.code;
}
