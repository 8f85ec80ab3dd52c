import { constants } from 'node:fs';
import { lstat, open, type FileHandle } from 'node:fs/promises';
import { basename, dirname, isAbsolute, join, normalize } from 'node:path';

import { checkHelperProfile } from './profile-allowlist.ts';
import { SYSTEM_OPENVPN_PATHS } from './helper-paths.ts';

/** The user who ran pkexec, as the helper trusts it: from PKEXEC_UID and the user database. */
export interface HelperCaller {
  uid: number;
  name: string;
  home: string;
}

/** The openvpn start the app requested, after the arguments passed their checks. */
export interface HelperRequest {
  openvpnPath: string;
  profilePath: string;
  extraArguments: string[];
}

/** Raised for a request the helper rejects; the message names what was wrong. */
export class HelperRequestError extends Error {
  override name = 'HelperRequestError';
}

/** openvpn options the app may add after its fixed ones (the lab runs without ovpn-dco). */
const ALLOWED_EXTRA_ARGUMENTS = new Set(['--disable-dco']);

const ORGANISATION_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** The largest profile the helper reads; the profile builder writes a few kilobytes. */
export const MAX_PROFILE_BYTES = 1024 * 1024;
const PRIVATE_FILE_MODE = 0o600;
const PRIVATE_DIRECTORY_MODE = 0o700;

/**
 * Parses the helper's arguments: `OPENVPN --config PROFILE`, then allowlisted extra options.
 * Anything else, in any other order, is rejected. The helper picks the management socket
 * itself, so the caller has no say in where root creates it.
 */
export function parseHelperArguments(argv: readonly string[]): HelperRequest {
  const [openvpnPath, config, profilePath, ...extra] = argv;

  if (openvpnPath === undefined || !SYSTEM_OPENVPN_PATHS.includes(openvpnPath)) {
    throw new HelperRequestError(
      `The first argument must be the system openvpn (${SYSTEM_OPENVPN_PATHS.join(', ')}), not ${JSON.stringify(openvpnPath ?? '')}.`,
    );
  }
  const expected = ['--config', 'PROFILE'];
  const actual = [config, profilePath];
  for (const [index, word] of expected.entries()) {
    const value = actual[index];
    const fixed = word === word.toLowerCase();
    if (value === undefined || (fixed && value !== word)) {
      throw new HelperRequestError(
        `Expected ${expected.join(' ')} after the openvpn path; argument ${index + 2} is ${JSON.stringify(value ?? '')} instead of ${word}.`,
      );
    }
  }

  const seen = new Set<string>();
  for (const argument of extra) {
    if (!ALLOWED_EXTRA_ARGUMENTS.has(argument) || seen.has(argument)) {
      throw new HelperRequestError(
        `Unexpected argument ${JSON.stringify(argument)}; the helper accepts only ${[...ALLOWED_EXTRA_ARGUMENTS].join(', ')}, once each, after the fixed ones.`,
      );
    }
    seen.add(argument);
  }

  return {
    openvpnPath,
    profilePath: checkedPath(profilePath!, 'profile'),
    extraArguments: [...extra],
  };
}

function checkedPath(path: string, what: string): string {
  if (!isAbsolute(path) || normalize(path) !== path || path.includes('\0')) {
    throw new HelperRequestError(
      `The ${what} path ${JSON.stringify(path)} must be absolute and normalised (no "..", "." or doubled "/").`,
    );
  }
  return path;
}

/**
 * Returns the folder the helper accepts profiles from: the profiles folder of the desktop app's
 * default data folder in `home`, without XDG_CONFIG_HOME, which the helper does not trust.
 */
export function profileFolderOf(home: string): string {
  return join(home, '.config', 'VPN Onboard', 'profiles');
}

/**
 * Reads the caller's profile and checks it: it is `<id>.ovpn` in the caller's profile folder,
 * a regular file that is no symbolic link, owned by the caller, mode 0600, with one link, and
 * its text passes the profile allowlist. Returns the text that was checked, so the helper hands
 * openvpn a copy of those bytes rather than a file the caller could change afterwards.
 */
export async function readCallerProfile(
  request: HelperRequest,
  caller: HelperCaller,
): Promise<string> {
  const path = request.profilePath;
  const folder = profileFolderOf(caller.home);
  const id = basename(path, '.ovpn');
  if (dirname(path) !== folder || !path.endsWith('.ovpn') || !ORGANISATION_ID.test(id)) {
    throw new HelperRequestError(
      `${path} is not an installed VPN Onboard profile of ${caller.name} (expected ${folder}/<organisation id>.ovpn).`,
    );
  }
  await checkOwnedFolder(folder, caller, 'profile folder');

  let handle;
  try {
    // O_NOFOLLOW rejects a symbolic link, and O_NONBLOCK keeps a FIFO from blocking the open.
    handle = await open(path, constants.O_RDONLY | constants.O_NOFOLLOW | constants.O_NONBLOCK);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ELOOP')
      throw new HelperRequestError(`${path} is a symbolic link, not the profile itself.`);
    throw new HelperRequestError(`${path} cannot be opened (${code ?? (error as Error).message}).`);
  }

  try {
    const stats = await handle.stat();
    if (!stats.isFile()) throw new HelperRequestError(`${path} is not a regular file.`);
    if (stats.uid !== caller.uid) {
      throw new HelperRequestError(
        `${path} is owned by user id ${stats.uid}, not by ${caller.name} (${caller.uid}).`,
      );
    }
    if ((stats.mode & 0o777) !== PRIVATE_FILE_MODE) {
      throw new HelperRequestError(
        `${path} has mode ${(stats.mode & 0o777).toString(8)}; a profile must be 600. Enroll again to rewrite it.`,
      );
    }
    if (stats.nlink !== 1) {
      throw new HelperRequestError(`${path} has ${stats.nlink} hard links; a profile has one.`);
    }
    const text = await readAtMost(handle, MAX_PROFILE_BYTES, path);
    checkHelperProfile(text, path);
    return text;
  } finally {
    await handle.close();
  }
}

/**
 * Reads at most `limit` bytes from the start of the file, and raises when there are more. The
 * size from stat says nothing about what a read returns later, because the caller may append to
 * the file meanwhile, so the read itself stops at limit + 1 bytes.
 */
async function readAtMost(handle: FileHandle, limit: number, path: string): Promise<string> {
  const buffer = Buffer.alloc(limit + 1);
  let length = 0;
  while (length < buffer.length) {
    const { bytesRead } = await handle.read(buffer, length, buffer.length - length, length);
    if (bytesRead === 0) break;
    length += bytesRead;
  }
  if (length > limit) throw new HelperRequestError(`${path} is larger than ${limit} bytes.`);
  return buffer.subarray(0, length).toString('utf8');
}

async function checkOwnedFolder(folder: string, caller: HelperCaller, what: string): Promise<void> {
  let stats;
  try {
    stats = await lstat(folder);
  } catch (error) {
    throw new HelperRequestError(
      `The ${what} ${folder} cannot be read (${(error as NodeJS.ErrnoException).code ?? (error as Error).message}).`,
    );
  }

  if (stats.isSymbolicLink())
    throw new HelperRequestError(`The ${what} ${folder} is a symbolic link.`);
  if (!stats.isDirectory()) throw new HelperRequestError(`The ${what} ${folder} is not a folder.`);
  if (stats.uid !== caller.uid) {
    throw new HelperRequestError(
      `The ${what} ${folder} is owned by user id ${stats.uid}, not by ${caller.name} (${caller.uid}).`,
    );
  }
  if ((stats.mode & 0o777) !== PRIVATE_DIRECTORY_MODE) {
    throw new HelperRequestError(
      `The ${what} ${folder} has mode ${(stats.mode & 0o777).toString(8)}; it must be 700.`,
    );
  }
}

/**
 * Returns the caller from pkexec's PKEXEC_UID and the user database line `getent passwd UID`
 * printed (`name:x:uid:gid:gecos:home:shell`).
 */
export function callerFrom(pkexecUid: string | undefined, passwdLine: string): HelperCaller {
  if (pkexecUid === undefined || !/^\d{1,10}$/.test(pkexecUid)) {
    throw new HelperRequestError(
      'PKEXEC_UID is missing or not a number; start the helper through pkexec, not directly.',
    );
  }

  const fields = passwdLine.trim().split(':');
  const [name, , uid, , , home] = fields;
  if (fields.length !== 7 || uid !== pkexecUid || name === undefined || home === undefined) {
    throw new HelperRequestError(`User id ${pkexecUid} is not in the user database.`);
  }
  if (!isAbsolute(home)) {
    throw new HelperRequestError(
      `The home folder of ${name}, ${JSON.stringify(home)}, is not absolute.`,
    );
  }
  return { uid: Number(pkexecUid), name, home };
}

/**
 * Returns the arguments the helper gives openvpn. The checked copy of the profile replaces the
 * caller's file, and the socket goes in the folder the helper prepared, where the app finds
 * openvpn again. `--management-client-user` lets only the caller attach.
 */
export function openvpnArguments(
  request: HelperRequest,
  profileCopyPath: string,
  socketPath: string,
  caller: HelperCaller,
): string[] {
  return [
    '--config',
    profileCopyPath,
    '--management',
    socketPath,
    'unix',
    '--management-hold',
    '--management-client-user',
    caller.name,
    ...request.extraArguments,
  ];
}
