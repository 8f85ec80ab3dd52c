import { chmod, chown, lstat, mkdir, unlink } from 'node:fs/promises';
import { connect } from 'node:net';
import { dirname } from 'node:path';

import { HELPER_RUN_FOLDER, helperSocketPath } from './helper-paths.ts';
import { HelperRequestError, type HelperCaller } from './helper-request.ts';

const RUN_FOLDER_MODE = 0o755;
const CALLER_FOLDER_MODE = 0o700;
const LISTENER_CHECK_MS = 1_000;

/**
 * Creates the folder for openvpn's management socket and returns the socket path,
 * `<runFolder>/<uid>/management.sock`. The run folder belongs to the helper's user (root) with
 * mode 755, so the caller cannot replace the caller's folder below it. That folder gets mode
 * 700 and belongs to the caller, so only the caller reaches the socket. openvpn 2.6.14 creates
 * the socket with mode 777 whatever the umask, and `--management-client-user` rejects every
 * other user. A stale socket is removed. A socket that accepts connections means an openvpn
 * runs already, which raises HelperRequestError.
 */
export async function prepareSocketFolder(
  caller: HelperCaller,
  runFolder: string = HELPER_RUN_FOLDER,
): Promise<string> {
  const owner = process.getuid!();
  await createFolder(runFolder, RUN_FOLDER_MODE);
  await checkRunFolder(runFolder, owner);

  const socketPath = helperSocketPath(caller.uid, runFolder);
  const folder = dirname(socketPath);
  await createFolder(folder, CALLER_FOLDER_MODE);
  // Only the helper's user can create entries in the run folder, so this folder is one the
  // helper made, now or at an earlier start, and no link can take its place after this check.
  const stats = await lstat(folder);
  if (!stats.isDirectory()) {
    throw new HelperRequestError(`${folder} is not a folder; remove it as root and try again.`);
  }
  await chown(folder, caller.uid, -1);
  await chmod(folder, CALLER_FOLDER_MODE);

  await removeStaleSocket(socketPath);
  return socketPath;
}

async function createFolder(path: string, mode: number): Promise<void> {
  try {
    await mkdir(path, { mode });
    // mkdir applies the umask, so the mode is set again.
    await chmod(path, mode);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
}

async function checkRunFolder(path: string, owner: number): Promise<void> {
  const stats = await lstat(path);
  if (stats.isSymbolicLink() || !stats.isDirectory()) {
    throw new HelperRequestError(`${path} is not a folder; remove it as root and try again.`);
  }
  if (stats.uid !== owner) {
    throw new HelperRequestError(
      `${path} is owned by user id ${stats.uid}, not by the helper's user (${owner}); remove it as root and try again.`,
    );
  }
  if ((stats.mode & 0o022) !== 0) {
    throw new HelperRequestError(
      `${path} has mode ${(stats.mode & 0o777).toString(8)}, so others could write it; it must be 755. Remove it as root and try again.`,
    );
  }
}

/**
 * Removes what a stopped openvpn, or the caller, left at the socket path. unlink removes a
 * symbolic link itself, never its target, and fails for a folder.
 */
async function removeStaleSocket(socketPath: string): Promise<void> {
  const stats = await lstat(socketPath).catch(() => undefined);
  if (stats === undefined) return;

  if (stats.isSocket() && (await acceptsConnections(socketPath))) {
    throw new HelperRequestError(
      `openvpn runs already with its management interface at ${socketPath}; disconnect it first.`,
    );
  }
  try {
    await unlink(socketPath);
  } catch (error) {
    throw new HelperRequestError(
      `${socketPath} cannot be removed (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}); remove it and try again.`,
    );
  }
}

function acceptsConnections(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath);
    socket.setTimeout(LISTENER_CHECK_MS, () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}
