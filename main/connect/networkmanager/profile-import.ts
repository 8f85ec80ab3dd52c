import { createHash, randomBytes } from 'node:crypto';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';

import type { Logger } from '../../log/logger.ts';
import { parseProfile, type ParsedProfile } from '../../profile/profile-parser.ts';
import {
  NetworkManagerRecordError,
  parseNetworkManagerRecord,
  writeNetworkManagerRecord,
  type NetworkManagerRecord,
} from './connection-record.ts';
import { checkImport, type DroppedDirective, type ImportCheck } from './import-check.ts';
import type { NmcliClient } from './nmcli-client.ts';
import { describeNmcliFailure, PLUGIN_MISSING_MESSAGE } from './nmcli-errors.ts';
import { NmcliError } from './nmcli-runner.ts';

/** Raised when a profile cannot be imported, or the import lost something the tunnel needs. */
export class ProfileImportError extends Error {
  override name = 'ProfileImportError';

  constructor(
    message: string,
    /** The directives the import lost; empty when the import itself failed. */
    readonly dropped: readonly DroppedDirective[] = [],
  ) {
    super(message);
  }
}

export interface ImportOptions {
  client: NmcliClient;
  profilePath: string;
  recordPath: string;
  /** The record of the earlier import, whose connection the new one replaces. */
  previous: NetworkManagerRecord | undefined;
  /** The user NetworkManager lets use the connection (`connection.permissions`). */
  userName: string;
  /**
   * The folder network-manager-openvpn writes the inline blocks to: `~/.cert/nm-openvpn` of the
   * user who runs nmcli.
   */
  certificateFolder: string;
  log: Logger;
  readText?: (path: string) => Promise<string>;
}

// The same ids as the profile store accepts, which names profiles <id>.ovpn.
const ORGANISATION_ID = /^[a-z0-9][a-z0-9-]{0,62}$/;

/** Returns the NetworkManager connection name for a profile, e.g. vpn-onboard-example-corp. */
export function connectionNameFor(profilePath: string): string {
  const id = basename(profilePath, '.ovpn');
  if (!profilePath.endsWith('.ovpn') || !ORGANISATION_ID.test(id)) {
    throw new ProfileImportError(
      `${profilePath} is not an installed profile (expected <data dir>/profiles/<organisation id>.ovpn); enroll again to install one.`,
    );
  }
  return `vpn-onboard-${id}`;
}

/** Returns the SHA-256 of a profile's text, hex-encoded. */
export function profileDigest(text: string): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Imports the profile under a fresh temporary name, reads the connection back and compares it
 * with the profile. When the import lost anything the tunnel needs, the new connection and its
 * files are deleted and the earlier import stays as it was. Otherwise the new connection gets
 * the stable name and is limited to this user, and then the earlier connection (by its UUID)
 * and its files are deleted. Returns the new record.
 */
export async function importProfile(options: ImportOptions): Promise<NetworkManagerRecord> {
  const { client, profilePath, log } = options;
  const text = await readFile(profilePath, 'utf8');
  const profile = parseProfile(text);
  const name = connectionNameFor(profilePath);
  // The importer names the connection and its files after the file, so a fresh name keeps the
  // earlier import's files untouched until the new one has passed the check.
  const importName = `${name}-${randomBytes(4).toString('hex')}`;

  const uuid = await runImport(client, text, importName, profilePath);
  const connection = await client.readConnection(uuid);
  if (connection === undefined) {
    throw new ProfileImportError(
      `NetworkManager reported the import of ${profilePath} as connection ${uuid}, but has no such connection; connect again.`,
    );
  }

  const check = await checkImport(profile, connection, options.readText);
  if (check.dropped.length > 0) {
    await discard(options, uuid, importName);
    throw droppedError(profilePath, check.dropped);
  }
  // The record is checked before it is written, so a later read finds it valid.
  let record: NetworkManagerRecord;
  try {
    record = parseNetworkManagerRecord(
      newRecord(uuid, name, importName, profilePath, text, profile, check),
      options.certificateFolder,
    );
  } catch (error) {
    if (!(error instanceof NetworkManagerRecordError)) throw error;
    await discard(options, uuid, importName);
    throw new ProfileImportError(
      `NetworkManager's import of ${profilePath} is not what VPN Onboard expects (${error.message}), so it was deleted. Update network-manager-openvpn and connect again.`,
    );
  }
  if (check.notCarried.length > 0) {
    log.warn('NetworkManager does not apply some tuning directives of the profile', {
      directives: check.notCarried.join(' '),
      connection: uuid,
    });
  }

  await client.modify(uuid, [
    ['connection.id', name],
    ['connection.permissions', `user:${options.userName}`],
    ['connection.autoconnect', 'no'],
  ]);

  await writeNetworkManagerRecord(options.recordPath, record);
  log.info('Imported the profile into NetworkManager', { connection: uuid, name });

  const previous = options.previous;
  if (previous !== undefined && previous.uuid !== uuid) {
    await client.delete(previous.uuid);
    await removeImporterFiles(previous.importName, options.certificateFolder);
    log.info('Deleted the earlier NetworkManager connection', { connection: previous.uuid });
  }
  return record;
}

async function runImport(
  client: NmcliClient,
  text: string,
  importName: string,
  profilePath: string,
): Promise<string> {
  const directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-nm-'));
  try {
    const copy = join(directory, `${importName}.ovpn`);
    await writeFile(copy, text, { mode: 0o600, flag: 'wx' });
    return await client.importOpenvpn(copy);
  } catch (error) {
    if (!(error instanceof NmcliError)) throw error;

    // A missing plugin, a stopped NetworkManager or a denied permission has its own advice.
    const failure = describeNmcliFailure(error);
    if (failure.kind === 'openvpn-missing') throw new ProfileImportError(PLUGIN_MISSING_MESSAGE);
    if (failure.kind === 'management') throw new ProfileImportError(failure.message);
    throw new ProfileImportError(
      `NetworkManager could not import the profile ${profilePath}: ${error.detail}. ` +
        'Enroll again to rebuild the profile; if that does not help, update network-manager-openvpn.',
    );
  } finally {
    await rm(directory, { recursive: true, force: true });
  }
}

async function discard(options: ImportOptions, uuid: string, importName: string): Promise<void> {
  const { client, log } = options;
  try {
    await client.delete(uuid);
  } catch (error) {
    log.error('Failed to delete an incomplete import', {
      connection: uuid,
      error: (error as Error).message,
    });
  }
  await removeImporterFiles(importName, options.certificateFolder);
}

/**
 * Removes the files the importer wrote for one import: every file in the importer's folder
 * whose name starts with that import's name. The name carries a random part, so a file of
 * another connection is never touched, and a file the importer wrote but left out of
 * `vpn.data` is found too. Files elsewhere are left alone, because a record that names them
 * fails its check before it gets here.
 */
async function removeImporterFiles(importName: string, certificateFolder: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(certificateFolder);
  } catch {
    return;
  }
  for (const name of names) {
    if (name.startsWith(`${importName}-`)) await rm(join(certificateFolder, name), { force: true });
  }
}

function droppedError(
  profilePath: string,
  dropped: readonly DroppedDirective[],
): ProfileImportError {
  const list = dropped.map((item) => `${item.directive} (${item.detail})`).join('; ');
  return new ProfileImportError(
    `NetworkManager's import of ${profilePath} lost what the tunnel needs: ${list}. The ` +
      'incomplete import was deleted and any earlier one is unchanged. Update ' +
      'network-manager-openvpn (Debian and Ubuntu: apt install --only-upgrade ' +
      'network-manager-openvpn) and connect again, or ask your administrator to connect as root.',
    dropped,
  );
}

function newRecord(
  uuid: string,
  name: string,
  importName: string,
  profilePath: string,
  text: string,
  profile: ParsedProfile,
  check: ImportCheck,
): NetworkManagerRecord {
  const endpoints = profile.directives
    .filter((directive) => directive.name === 'remote')
    .map((directive) => ({
      host: directive.args[0] ?? '',
      port: Number(directive.args[1] ?? 1194),
    }));

  return {
    version: 1,
    uuid,
    name,
    importName,
    profilePath,
    profileSha256: profileDigest(text),
    endpoints,
    files: check.files,
  };
}
