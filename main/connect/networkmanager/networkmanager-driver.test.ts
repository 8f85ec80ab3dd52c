import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

import { afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';

import { createDemoCa, type DemoCa } from '../../demo-ca/certificate-authority.ts';
import { generateStaticKey } from '../../demo/static-key.ts';
import { installProfile } from '../../profile/profile-store.ts';
import type { ConnectionState } from '../connection-state.ts';
import type { ByteCount } from '../driver.ts';
import { issueTestClient, minimalProfile, type TestClientCredentials } from '../test-profile.ts';
import { networkManagerRecordPath, readNetworkManagerRecord } from './connection-record.ts';
import { NetworkManagerDriver, type NetworkManagerDriverOptions } from './networkmanager-driver.ts';
import type { FakeConnection, FakeNmcliState } from './testing/fake-nmcli.ts';

const FAKE_NMCLI = fileURLToPath(new URL('./testing/fake-nmcli.ts', import.meta.url));
const HOUR_MS = 60 * 60 * 1000;
const ORGANISATION = 'example-corp';
const REMOTES = ['remote 198.18.0.1 1194 udp', 'remote 198.18.1.1 1194 udp'];
const SERVER_CHECKS = ['remote-cert-tls server', 'verify-x509-name vpn.example.org name'];

let ca: DemoCa;
let credentials: TestClientCredentials;
let tlsCryptKey: string;
let directory: string;
let dataDir: string;
let home: string;
let statePath: string;
let sysClassNet: string;
let driver: NetworkManagerDriver | undefined;

beforeAll(async () => {
  ca = await createDemoCa({ commonName: 'NetworkManager Test CA', keyBits: 2048 });
  credentials = await issueTestClient(ca, 'nm-user');
  tlsCryptKey = generateStaticKey();
});

beforeEach(async () => {
  directory = await mkdtemp(join(tmpdir(), 'vpn-onboard-nm-test-'));
  dataDir = join(directory, 'data');
  home = join(directory, 'home');
  statePath = join(directory, 'nmcli-state.json');
  sysClassNet = join(directory, 'sys-class-net');
});

afterEach(async () => {
  driver?.detach();
  driver = undefined;
  // A poll that was under way may still write the fake's state file.
  await rm(directory, { recursive: true, force: true, maxRetries: 10, retryDelay: 100 });
});

function profileText(extra: string[] = [], client = credentials): string {
  return minimalProfile(client, [...REMOTES, ...SERVER_CHECKS, ...extra], tlsCryptKey);
}

function installText(text: string): Promise<string> {
  return installProfile(dataDir, ORGANISATION, text);
}

/** Creates a driver whose nmcli is the fake, with `fakeEnv` picking the fake's behaviour. */
function newDriver(
  fakeEnv: Record<string, string> = {},
  options: Partial<NetworkManagerDriverOptions> = {},
): NetworkManagerDriver {
  driver = new NetworkManagerDriver({
    dataDir,
    nmcli: {
      command: [process.execPath, FAKE_NMCLI],
      env: { FAKE_NMCLI_STATE: statePath, HOME: home, FAKE_NMCLI_SYS: sysClassNet, ...fakeEnv },
    },
    sysClassNet,
    userName: 'jane',
    pollIntervalMs: 200,
    // Generous, because every fake nmcli call starts a node process and CI machines are loaded.
    connectTimeoutMs: 15_000,
    stopTimeoutMs: 2_000,
    ...options,
  });
  return driver;
}

async function fakeState(): Promise<FakeNmcliState> {
  return JSON.parse(await readFile(statePath, 'utf8')) as FakeNmcliState;
}

function certificateFolder(): string {
  return join(home, '.cert', 'nm-openvpn');
}

/** Returns the arguments of every call the fake nmcli got, in order. */
async function fakeCalls(): Promise<string[][]> {
  const lines = (await readFile(`${statePath}.calls`, 'utf8')).trim().split('\n');
  return lines.map((line) => JSON.parse(line) as string[]);
}

async function changeFakeState(change: (state: FakeNmcliState) => void): Promise<void> {
  const state = await fakeState();
  change(state);
  // The driver's polls read the file meanwhile, so it is replaced whole and never seen half-written.
  await writeFile(`${statePath}.next`, JSON.stringify(state));
  await rename(`${statePath}.next`, statePath);
}

async function callsOf(command: string): Promise<string[][]> {
  const calls = await fakeCalls();
  return calls.filter((call) => call.includes(command) && call.includes('connection'));
}

function waitForState(
  target: NetworkManagerDriver,
  matches: (state: ConnectionState) => boolean,
): Promise<ConnectionState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(
      () => reject(new Error(`No matching state; last ${JSON.stringify(target.state())}`)),
      15_000,
    );
    const unsubscribe = target.onState((state) => {
      if (!matches(state)) return;
      clearTimeout(timer);
      unsubscribe();
      resolve(state);
    });
  });
}

const FOREIGN: FakeConnection = {
  uuid: '0c6d5f3e-1111-4222-8333-944455556666',
  id: 'vpn-onboard-example-corp',
  type: 'vpn',
  vpnData: { 'connection-type': 'tls', remote: '203.0.113.1:1194:udp' },
  ipv4Routes: [],
  ipv6Routes: [],
  permissions: '',
  autoconnect: 'yes',
};

describe('NetworkManager driver: installing the profile', () => {
  it('imports under the stable name for this user only', async () => {
    const path = await installText(profileText());

    await newDriver().installProfile(path);

    const [connection] = (await fakeState()).connections;
    expect(connection?.id).toBe('vpn-onboard-example-corp');
    expect(connection?.permissions).toBe('user:jane');
    expect(connection?.autoconnect).toBe('no');
  });

  it('records the imported connection by UUID', async () => {
    const path = await installText(profileText());

    await newDriver().installProfile(path);

    const record = await readNetworkManagerRecord(
      networkManagerRecordPath(dataDir),
      certificateFolder(),
    );
    const [connection] = (await fakeState()).connections;
    expect(record?.uuid).toBe(connection?.uuid);
    expect(record?.endpoints).toEqual([
      { host: '198.18.0.1', port: 1194 },
      { host: '198.18.1.1', port: 1194 },
    ]);
  });

  it('leaves no copy of the profile in the temporary folder', async () => {
    const path = await installText(profileText());
    const before = (await readdir(tmpdir())).filter((name) => name.startsWith('vpn-onboard-nm-'));

    await newDriver().installProfile(path);

    const after = (await readdir(tmpdir())).filter((name) => name.startsWith('vpn-onboard-nm-'));
    expect(after).toEqual(before);
  });

  it('does not import an unchanged profile again', async () => {
    const path = await installText(profileText());
    const nm = newDriver();

    await nm.installProfile(path);
    await nm.installProfile(path);

    expect(await callsOf('import')).toHaveLength(1);
  });

  it('imports again when the connection was edited', async () => {
    const path = await installText(profileText());
    await newDriver().installProfile(path);
    await changeFakeState((state) => {
      delete state.connections[0]!.vpnData['tls-crypt'];
    });

    await newDriver().installProfile(path);

    const state = await fakeState();
    expect(await callsOf('import')).toHaveLength(2);
    expect(state.connections).toHaveLength(1);
    expect(state.connections[0]?.vpnData['tls-crypt']).toBeDefined();
  });

  it.each([
    ['a connection name as UUID', { uuid: 'vpn-onboard-example-corp' }],
    ['a file outside the certificate folder', { files: ['VICTIM'] }],
    ['an importName of another connection', { importName: 'vpn-onboard-other-0000aaaa' }],
  ])('ignores a record with %s', async (_name, change) => {
    const victim = join(directory, 'victim.pem');
    await writeFile(victim, 'keep me');
    await writeFile(statePath, JSON.stringify({ connections: [FOREIGN] }));
    const hostile = {
      version: 1,
      uuid: FOREIGN.uuid,
      name: 'vpn-onboard-example-corp',
      importName: 'vpn-onboard-example-corp-0123abcd',
      profilePath: join(dataDir, 'profiles', 'example-corp.ovpn'),
      profileSha256: 'edited',
      endpoints: [],
      files: [join(certificateFolder(), 'vpn-onboard-example-corp-0123abcd-ca.pem')],
      ...change,
    };
    hostile.files = hostile.files.map((file) => (file === 'VICTIM' ? victim : file));
    await mkdir(join(dataDir, 'connection'), { recursive: true });
    await writeFile(networkManagerRecordPath(dataDir), JSON.stringify(hostile));

    await newDriver().installProfile(await installText(profileText()));

    const state = await fakeState();
    expect(state.connections.map((connection) => connection.uuid)).toContain(FOREIGN.uuid);
    expect(existsSync(victim)).toBe(true);
    expect(await callsOf('delete')).toEqual([]);
  });

  it('replaces its earlier import by UUID and nothing else', async () => {
    await writeFile(statePath, JSON.stringify({ connections: [FOREIGN] }));
    await newDriver().installProfile(await installText(profileText()));
    const first = (await fakeState()).connections[1]!;

    await newDriver().installProfile(await installText(profileText(['cipher AES-256-GCM'])));

    const state = await fakeState();
    expect(state.connections.map((connection) => connection.uuid)).toEqual([
      FOREIGN.uuid,
      expect.not.stringMatching(first.uuid),
    ]);
    expect(state.connections[0]).toEqual(FOREIGN);
  });

  it('removes the earlier import files', async () => {
    await newDriver().installProfile(await installText(profileText()));
    const firstFiles = Object.values((await fakeState()).connections[0]!.vpnData).filter((value) =>
      value.endsWith('.pem'),
    );

    await newDriver().installProfile(await installText(profileText(['cipher AES-256-GCM'])));

    expect(firstFiles).toHaveLength(4);
    expect(firstFiles.filter((file) => existsSync(file))).toEqual([]);
  });

  it('rejects an import that dropped tls-crypt', async () => {
    const path = await installText(profileText());

    const install = newDriver({ FAKE_NMCLI_DROP: 'tls-crypt' }).installProfile(path);

    await expect(install).rejects.toThrow(/<tls-crypt> \(vpn\.data names no file for it\)/);
    await expect(install).rejects.toThrow(/update network-manager-openvpn/i);
  });

  it('deletes an import that dropped tls-crypt', async () => {
    const path = await installText(profileText());

    await newDriver({ FAKE_NMCLI_DROP: 'tls-crypt' })
      .installProfile(path)
      .catch(() => undefined);

    expect((await fakeState()).connections).toEqual([]);
    expect(await readdir(join(home, '.cert', 'nm-openvpn'))).toEqual([]);
  });

  it('keeps the earlier import when a new one drops tls-crypt', async () => {
    await newDriver().installProfile(await installText(profileText()));
    const before = await fakeState();
    const record = await readNetworkManagerRecord(
      networkManagerRecordPath(dataDir),
      certificateFolder(),
    );

    const changed = await installText(profileText(['cipher AES-256-GCM']));
    await expect(
      newDriver({ FAKE_NMCLI_DROP: 'tls-crypt' }).installProfile(changed),
    ).rejects.toThrow(/tls-crypt/);

    expect((await fakeState()).connections).toEqual(before.connections);
    expect(
      await readNetworkManagerRecord(networkManagerRecordPath(dataDir), certificateFolder()),
    ).toEqual(record);
    const files = Object.values(before.connections[0]!.vpnData).filter((value) =>
      value.endsWith('.pem'),
    );
    expect(files.every((file) => existsSync(file))).toBe(true);
  });

  it('rejects an import whose key file is empty', async () => {
    const path = await installText(profileText());

    const install = newDriver({ FAKE_NMCLI_EMPTY_FILE: 'key' }).installProfile(path);

    await expect(install).rejects.toThrow(/<key> \(the file NetworkManager wrote for it/);
  });

  it('rejects an import that dropped the cipher', async () => {
    const path = await installText(profileText(['cipher AES-256-GCM']));

    const install = newDriver({ FAKE_NMCLI_DROP: 'cipher' }).installProfile(path);

    await expect(install).rejects.toThrow(/cipher \(vpn\.data has no cipher/);
  });

  it('explains a stopped NetworkManager', async () => {
    const path = await installText(profileText());

    const install = newDriver({ FAKE_NMCLI_RUNNING: 'no' }).installProfile(path);

    await expect(install).rejects.toThrow(/NetworkManager is not running; start it/);
  });

  it('names the missing plugin', async () => {
    const path = await installText(profileText());

    const install = newDriver({ FAKE_NMCLI_IMPORT: 'no-plugin' }).installProfile(path);

    await expect(install).rejects.toThrow(/install network-manager-openvpn/);
  });
});

describe('NetworkManager driver: connecting', () => {
  async function installed(fakeEnv: Record<string, string> = {}): Promise<NetworkManagerDriver> {
    const nm = newDriver(fakeEnv);
    await nm.installProfile(await installText(profileText()));
    return nm;
  }

  it('connects with the tunnel address', async () => {
    const nm = await installed();

    const state = await nm.connect();

    expect(state).toMatchObject({
      status: 'connected',
      endpoint: { host: '198.18.0.1', port: 1194 },
      tunnelAddress: '192.168.102.2',
    });
  });

  it('activates by UUID', async () => {
    const nm = await installed();

    await nm.connect();

    const state = await fakeState();
    expect((await callsOf('up')).at(-1)).toEqual([
      '--wait',
      '15',
      'connection',
      'up',
      'uuid',
      state.connections[0]!.uuid,
    ]);
  });

  it('reports byte counters of the tun device', async () => {
    const nm = await installed();
    const counts: ByteCount[] = [];
    nm.onBytes((count) => counts.push(count));

    await nm.connect();
    await waitForCount(counts);

    expect(counts[0]).toEqual({ bytesIn: 4200, bytesOut: 1700 });
  });

  it('disconnects', async () => {
    const nm = await installed();
    await nm.connect();

    await nm.disconnect();

    expect(nm.state()).toEqual({ status: 'disconnected' });
    expect((await fakeState()).connections[0]?.active).toBeUndefined();
  });

  it('reconnects by going down and up', async () => {
    const nm = await installed();
    await nm.connect();

    const state = await nm.reconnect();

    expect(state.status).toBe('connected');
    const commands = (await fakeCalls()).map((call) =>
      call.find((word) => word === 'up' || word === 'down'),
    );
    expect(commands.filter(Boolean).slice(-3)).toEqual(['up', 'down', 'up']);
  });

  it('waits for NetworkManager to finish', async () => {
    const nm = await installed({ FAKE_NMCLI_UP: 'activating' });

    const connecting = nm.connect();
    await waitForState(
      nm,
      (state) => state.status === 'connecting' && state.phase === 'assigning-address',
    );
    await changeFakeState((state) => {
      state.connections[0]!.active = { vpnState: 5, address: '192.168.104.7/23' };
    });

    expect(await connecting).toMatchObject({ status: 'connected', tunnelAddress: '192.168.104.7' });
  });

  it.each([
    ['secrets', 'auth-failed', /password or another secret/],
    ['plugin', 'openvpn-missing', /install network-manager-openvpn/],
    ['no-source', 'management', /connect to a network/],
    ['timeout', 'timeout', /in time/],
  ])('reports a failed activation (%s)', async (mode, kind, message) => {
    const nm = await installed({ FAKE_NMCLI_UP: mode });

    await expect(nm.connect()).rejects.toThrow(message);

    expect(nm.state()).toMatchObject({ status: 'error', kind });
  });

  it('stops a timed-out activation', async () => {
    const nm = await installed({ FAKE_NMCLI_UP: 'timeout' });

    await nm.connect().catch(() => undefined);

    expect((await fakeState()).connections[0]?.active).toBeUndefined();
  });

  it('reports a connection ended outside', async () => {
    const nm = await installed();
    await nm.connect();

    const ended = waitForState(nm, (state) => state.status === 'error');
    await changeFakeState((state) => {
      delete state.connections[0]!.active;
    });

    expect(await ended).toMatchObject({ kind: 'openvpn-exited' });
  });

  it('reports a new tunnel address', async () => {
    const nm = await installed();
    await nm.connect();

    const moved = waitForState(nm, (state) => state.status === 'connected');
    await changeFakeState((state) => {
      state.connections[0]!.active = { vpnState: 5, address: '192.168.104.9/23' };
    });

    expect(await moved).toMatchObject({ tunnelAddress: '192.168.104.9' });
  });

  it('imports again when the connection was deleted outside', async () => {
    const nm = await installed();
    await changeFakeState((state) => {
      state.connections = [];
    });

    const state = await nm.connect();

    expect(state.status).toBe('connected');
    expect(await callsOf('import')).toHaveLength(2);
  });

  it('takes over an active connection after a restart', async () => {
    const first = await installed();
    await first.connect();
    first.detach();

    const second = newDriver();

    expect(await second.recover()).toMatchObject({
      status: 'connected',
      tunnelAddress: '192.168.102.2',
    });
  });

  it('does not start with an expired certificate', async () => {
    const now = Date.now();
    const expired = await issueTestClient(ca, 'nm-expired', {
      notBefore: new Date(now - 48 * HOUR_MS),
      notAfter: new Date(now - HOUR_MS),
    });
    const nm = newDriver();
    await nm.installProfile(await installText(profileText([], expired)));

    await expect(nm.connect()).rejects.toThrow(/expired/);

    expect(nm.state()).toMatchObject({ status: 'error', kind: 'certificate' });
    expect(await callsOf('up')).toEqual([]);
  });

  it('says when NetworkManager is not running', async () => {
    const nm = await installed();
    const stopped = newDriver({ FAKE_NMCLI_RUNNING: 'no' });
    void nm;

    await expect(stopped.connect()).rejects.toThrow(/NetworkManager is not running/);

    expect(stopped.state()).toMatchObject({ status: 'error', kind: 'management' });
  });
});

async function waitForCount(counts: ByteCount[]): Promise<void> {
  const deadline = Date.now() + 3_000;
  while (counts.length === 0 && Date.now() < deadline) {
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
