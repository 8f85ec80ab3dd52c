import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { toolPath } from '../testing/requirements.ts';

/** Exit status and output of openvpn after reading a config. */
export interface OpenvpnConfigCheck {
  status: number | null;
  output: string;
}

/**
 * Lets the installed openvpn read a config file and exit, for tests. With --show-digests,
 * OpenVPN reads the whole config, prints its digest list and exits: strace of OpenVPN 2.6.14
 * shows no socket call and no tun device opened. Status 0 means openvpn accepted the config.
 */
export function checkConfigWithOpenvpn(text: string): OpenvpnConfigCheck {
  const directory = mkdtempSync(join(tmpdir(), 'vpn-onboard-openvpn-'));
  const path = join(directory, 'client.ovpn');

  try {
    writeFileSync(path, text, { mode: 0o600 });
    const result = spawnSync(toolPath('openvpn'), ['--config', path, '--show-digests'], {
      encoding: 'utf8',
    });
    if (result.error !== undefined) throw result.error;

    const output = result.status === 0 ? '' : `${result.stdout}${result.stderr}`;
    return { status: result.status, output };
  } finally {
    rmSync(directory, { recursive: true, force: true });
  }
}
