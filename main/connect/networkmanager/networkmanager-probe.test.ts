import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterEach, beforeEach, describe, expect, it } from 'vitest';

import { isOpenvpnPluginInstalled, OPENVPN_PLUGIN_FILE } from './networkmanager-probe.ts';

describe('isOpenvpnPluginInstalled', () => {
  let directory: string;
  let packaged: string;
  let administrator: string;

  beforeEach(async () => {
    directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-nm-plugin-'));
    packaged = join(directory, 'usr-lib');
    administrator = join(directory, 'etc');
    await mkdir(packaged);
    await mkdir(administrator);
  });

  afterEach(async () => {
    await rm(directory, { recursive: true, force: true });
  });

  it('finds the packaged plugin', async () => {
    await writeFile(join(packaged, OPENVPN_PLUGIN_FILE), '[VPN Connection]\n');

    expect(isOpenvpnPluginInstalled([packaged, administrator])).toBe(true);
  });

  it("finds the administrator's plugin", async () => {
    await writeFile(join(administrator, OPENVPN_PLUGIN_FILE), '[VPN Connection]\n');

    expect(isOpenvpnPluginInstalled([packaged, administrator])).toBe(true);
  });

  it('reports a missing plugin beside other plugins', async () => {
    await writeFile(join(packaged, 'nm-wireguard-service.name'), '[VPN Connection]\n');

    expect(isOpenvpnPluginInstalled([packaged, administrator])).toBe(false);
  });

  it('reports missing folders as no plugin', () => {
    expect(isOpenvpnPluginInstalled([join(directory, 'missing')])).toBe(false);
  });
});
