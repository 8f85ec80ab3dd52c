import { existsSync } from 'node:fs';
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { afterAll, beforeAll, beforeEach, expect, it, onTestFailed } from 'vitest';

import type { ByteCount } from '../../main/connect/driver.ts';
import {
  networkManagerRecordPath,
  readNetworkManagerRecord,
  type NetworkManagerRecord,
} from '../../main/connect/networkmanager/connection-record.ts';
import { NetworkManagerDriver } from '../../main/connect/networkmanager/networkmanager-driver.ts';
import { NmcliRunner } from '../../main/connect/networkmanager/nmcli-runner.ts';
import { parseTerseTable } from '../../main/connect/networkmanager/terse-output.ts';
import { issueTestClient, type TestClientCredentials } from '../../main/connect/test-profile.ts';
import { describeWith } from '../../main/testing/requirements.ts';
import { labDown, labUp, LAB_HTTP_PORT, type Lab } from './lab-environment.ts';
import { installLabProfile } from './lab-profile.ts';
import { startNetworkManager, type NetworkManagerSandbox } from './networkmanager-sandbox.ts';
import { LAB_ADDRESSES } from './topology.ts';

// Its own namespace prefix and folder, so this suite never meets another lab.
const PREFIX = 'nmh-';
const LAB_DIRECTORY = join(tmpdir(), 'vpn-onboard-nmh-lab');

let lab: Lab;
let sandbox: NetworkManagerSandbox;
let dataDir: string;
let profilePath: string;
let credentials: TestClientCredentials;
let driver: NetworkManagerDriver;

function newDriver(): NetworkManagerDriver {
  return new NetworkManagerDriver({
    dataDir,
    nmcli: sandbox.nmcli,
    sysClassNet: sandbox.sysClassNet,
    pollIntervalMs: 250,
    connectTimeoutMs: 20_000,
  });
}

function readRecord(): Promise<NetworkManagerRecord | undefined> {
  const certificateFolder = join(sandbox.home, '.cert', 'nm-openvpn');
  return readNetworkManagerRecord(networkManagerRecordPath(dataDir), certificateFolder);
}

async function connections(): Promise<{ NAME: string; UUID: string }[]> {
  const runner = new NmcliRunner(sandbox.nmcli);
  const { stdout } = await runner.run(['--terse', '--fields', 'NAME,UUID', 'connection', 'show']);
  return parseTerseTable(stdout, ['NAME', 'UUID'] as const);
}

/** Fetches the VLAN host's page from inside the client namespace. */
function fetchVlanHost(): Promise<string> {
  const script =
    `fetch('http://${LAB_ADDRESSES.vlanHost}:${LAB_HTTP_PORT}/', { signal: AbortSignal.timeout(3000) })` +
    '.then((response) => response.text()).then((text) => process.stdout.write(text))';
  return lab.exec('client', [process.execPath, '-e', script]);
}

async function tunDevices(): Promise<string[]> {
  const output = await lab.exec('client', ['ip', '-j', 'link', 'show', 'type', 'tun']);
  return (JSON.parse(output || '[]') as { ifname: string }[]).map((link) => link.ifname);
}

describeWith(
  ['root', 'openvpn', 'iproute2', 'nmcli', 'networkmanager', 'nm-openvpn', 'dbus'],
  'NetworkManager driver against a real NetworkManager in the lab',
  () => {
    beforeAll(async () => {
      lab = await labUp({ prefix: PREFIX, directory: LAB_DIRECTORY });
      sandbox = await startNetworkManager(
        lab.namespace('client'),
        join(LAB_DIRECTORY, 'networkmanager'),
      );
      dataDir = await mkdtemp(join(tmpdir(), 'vpn-onboard-nmh-data-'));
      credentials = await issueTestClient(lab.ca, 'nm-lab-user');
      profilePath = await installLabProfile(lab, dataDir, credentials);
    });

    beforeEach(() => {
      onTestFailed(async () => {
        const log = await readFile(sandbox.logPath, 'utf8').catch(() => '');
        console.error(`NetworkManager's last lines:\n${log.split('\n').slice(-40).join('\n')}`);
      });
    });

    afterAll(async () => {
      await driver?.disconnect().catch(() => undefined);
      driver?.detach();
      await labDown({ prefix: PREFIX, directory: LAB_DIRECTORY });
      if (dataDir !== undefined) await rm(dataDir, { recursive: true, force: true });
    });

    it('imports the lab profile with nothing lost', async () => {
      driver = newDriver();

      await driver.installProfile(profilePath);

      const record = await readRecord();
      expect(await connections()).toContainEqual({ NAME: 'vpn-onboard-lab', UUID: record?.uuid });
    });

    it('keeps the inline blocks in files of their own', async () => {
      const record = await readRecord();

      expect(record?.files).toHaveLength(4);
      expect(record?.files.every((file) => file.startsWith(sandbox.home))).toBe(true);
    });

    it('leaves other connections alone on a new import', async () => {
      const before = await readRecord();
      const changed = (await readFile(profilePath, 'utf8')).replace('verb 3', 'verb 4');
      await writeFile(profilePath, changed);

      await driver.installProfile(profilePath);

      const after = await readRecord();
      const names = (await connections()).map((connection) => connection.NAME).sort();
      expect(after?.uuid).not.toBe(before?.uuid);
      expect(names).toEqual(['nmh-uplink', 'to-fw2', 'vpn-onboard-lab']);
      expect(before?.files.some((file) => existsSync(file))).toBe(false);
    });

    it('rejects what network-manager-openvpn 1.10.2 drops', async () => {
      // The 1.10.2 importer leaves tls-cert-profile out of vpn.data without a word.
      const before = await connections();
      const other = join(dataDir, 'profiles', 'lab-strict.ovpn');
      const text = await readFile(profilePath, 'utf8');
      await writeFile(other, text.replace('verb 4', 'verb 4\ntls-cert-profile preferred'), {
        mode: 0o600,
      });

      await expect(newDriver().installProfile(other)).rejects.toThrow(/tls-cert-profile/);

      expect(await connections()).toEqual(before);
    });

    it('connects through NetworkManager', async () => {
      const state = await driver.connect();

      expect(state).toMatchObject({ status: 'connected', endpoint: { host: LAB_ADDRESSES.fw1 } });
      const tunnelAddress = state.status === 'connected' ? state.tunnelAddress : '';
      expect(tunnelAddress).toMatch(/^192\.168\.10[23]\./);
    });

    it('reaches the VLAN host through the tunnel', async () => {
      expect(await fetchVlanHost()).toBe('vlan');
    });

    it('reports byte counters of the tun device', async () => {
      const count = await new Promise<ByteCount>((resolve) => {
        const unsubscribe = driver.onBytes((next) => {
          unsubscribe();
          resolve(next);
        });
      });

      expect(count.bytesIn).toBeGreaterThan(0);
      expect(count.bytesOut).toBeGreaterThan(0);
    });

    it('takes over the active connection after a restart', async () => {
      driver.detach();
      driver = newDriver();

      expect(await driver.recover()).toMatchObject({ status: 'connected' });
    });

    it('reconnects', async () => {
      const state = await driver.reconnect();

      expect(state.status).toBe('connected');
      expect(await fetchVlanHost()).toBe('vlan');
    });

    it('disconnects with no tun device left', async () => {
      await driver.disconnect();

      expect(driver.state()).toEqual({ status: 'disconnected' });
      expect(await tunDevices()).toEqual([]);
    });
  },
);
