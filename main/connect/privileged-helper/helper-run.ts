import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import {
  openvpnArguments,
  parseHelperArguments,
  readCallerProfile,
  type HelperCaller,
} from './helper-request.ts';
import { prepareSocketFolder } from './socket-folder.ts';

/** An openvpn the helper started, and its exit code once it and the clean-up are done. */
export interface HelperRun {
  child: ChildProcess;
  exitCode: Promise<number>;
}

/**
 * Checks the request of `caller` and starts openvpn on a checked copy of the profile, in a
 * folder of root's own that the caller can neither read nor swap. Its management socket goes
 * into the caller's folder below `runFolder` (/run/vpn-onboard outside tests). The copy stays
 * until openvpn exits, because openvpn reads its configuration again on SIGHUP. Raises
 * HelperRequestError or ProfileRejectedError before anything runs.
 */
export async function runHelper(
  argv: readonly string[],
  caller: HelperCaller,
  runFolder?: string,
): Promise<HelperRun> {
  const request = parseHelperArguments(argv);
  const text = await readCallerProfile(request, caller);
  const socketPath = await prepareSocketFolder(caller, runFolder);

  const folder = await mkdtemp(join(tmpdir(), 'vpn-onboard-helper-'));
  const copy = join(folder, 'profile.ovpn');
  await writeFile(copy, text, { mode: 0o600, flag: 'wx' });

  const child = spawn(request.openvpnPath, openvpnArguments(request, copy, socketPath, caller), {
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const exitCode = new Promise<number>((resolve) => {
    child.once('error', (error) => {
      console.error(
        `vpn-onboard openvpn helper: ${request.openvpnPath} did not start: ${error.message}`,
      );
      resolve(1);
    });
    child.once('exit', (code, signal) => resolve(code ?? (signal === null ? 1 : 128)));
  }).then(async (code) => {
    await rm(folder, { recursive: true, force: true });
    return code;
  });

  return { child, exitCode };
}
