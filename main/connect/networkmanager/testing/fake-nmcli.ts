// A stand-in for nmcli, so the NetworkManager driver can be tested without NetworkManager. It
// keeps its connections in the JSON file named by FAKE_NMCLI_STATE, appends each call's
// arguments as a JSON line to FAKE_NMCLI_STATE.calls, and prints what nmcli 1.42
// prints with LC_ALL=C for the commands the driver uses, in the same --terse layouts. The import
// writes the inline blocks to $HOME/.cert/nm-openvpn/<name>-<tag>.pem as
// network-manager-openvpn 1.10.2 does. Variables pick the hard cases:
//   FAKE_NMCLI_DROP=tls-crypt,cipher  the import leaves these vpn.data keys out
//   FAKE_NMCLI_EMPTY_FILE=key         the import writes an empty file for this block
//   FAKE_NMCLI_IMPORT=no-plugin       the import fails as without network-manager-openvpn
//   FAKE_NMCLI_UP=timeout|secrets|plugin|no-source|activating  how `connection up` ends
//   FAKE_NMCLI_RUNNING=no             every command fails as with NetworkManager stopped
//   FAKE_NMCLI_SYS=DIR                `connection up` creates DIR/tun0/statistics counters
// Usage: node main/connect/networkmanager/testing/fake-nmcli.ts [nmcli arguments]
// Plain Node runs it (type stripping), which starts much faster than tsx for each call.
import { randomUUID } from 'node:crypto';
import { appendFileSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';

export interface FakeConnection {
  uuid: string;
  id: string;
  type: string;
  vpnData: Record<string, string>;
  ipv4Routes: string[];
  ipv6Routes: string[];
  permissions: string;
  autoconnect: string;
  active?: { vpnState: number; address?: string };
}

export interface FakeNmcliState {
  connections: FakeConnection[];
}

const TUNNEL_ADDRESS = '192.168.102.2/23';
const SERVICE_TYPE = 'org.freedesktop.NetworkManager.openvpn';

const statePath = process.env.FAKE_NMCLI_STATE ?? '';
const state = readState();
const argv = process.argv.slice(2);
appendFileSync(`${statePath}.calls`, JSON.stringify(argv) + '\n');
let changed = false;

// Keys that keep the profile's directive name and its arguments joined by a space.
const SAME_KEY = [
  'cipher',
  'data-ciphers',
  'auth',
  'tls-cipher',
  'tls-version-max',
  'remote-cert-tls',
  'dev',
  'ping',
  'ping-restart',
  'float',
  'mssfix',
];

function readState(): FakeNmcliState {
  try {
    return JSON.parse(readFileSync(statePath, 'utf8')) as FakeNmcliState;
  } catch {
    return { connections: [] };
  }
}

// Only commands that change a connection write the file, so a test that edits it while the
// driver polls does not lose its edit to a read-only call.
function finish(code: number, stdout = '', stderr = ''): never {
  if (changed) writeFileSync(statePath, JSON.stringify(state, null, 2));
  if (stdout !== '') process.stdout.write(stdout);
  if (stderr !== '') process.stderr.write(stderr);
  process.exit(code);
}

function find(uuid: string | undefined): FakeConnection | undefined {
  return state.connections.find((connection) => connection.uuid === uuid);
}

function escapeVpnValue(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll(',', '\\,');
}

function escapeTerse(value: string): string {
  return value.replaceAll('\\', '\\\\').replaceAll(':', '\\:');
}

function vpnDataText(data: Record<string, string>): string {
  return Object.keys(data)
    .sort()
    .map((key) => `${key} = ${escapeVpnValue(data[key]!)}`)
    .join(', ');
}

/** Splits a profile line into words, with double quotes grouping a word. */
function words(line: string): string[] {
  return [...line.matchAll(/"([^"]*)"|(\S+)/g)].map((match) => match[1] ?? match[2]!);
}

function importProfile(path: string): never {
  if (process.env.FAKE_NMCLI_IMPORT === 'no-plugin') {
    finish(1, '', `Error: failed to load VPN plugin: unknown VPN plugin "${SERVICE_TYPE}".\n`);
  }

  const name = basename(path).replace(/\.ovpn$/, '');
  const dropped = new Set((process.env.FAKE_NMCLI_DROP ?? '').split(',').filter(Boolean));
  const emptied = process.env.FAKE_NMCLI_EMPTY_FILE;
  const certificates = join(process.env.HOME ?? '/nonexistent', '.cert', 'nm-openvpn');
  const data: Record<string, string> = { 'connection-type': 'tls' };
  const remotes: string[] = [];
  const ipv4Routes: string[] = [];
  const lines = readFileSync(path, 'utf8').split('\n');

  for (let index = 0; index < lines.length; index++) {
    const line = lines[index]!.trim();
    const block = /^<([a-z-]+)>$/.exec(line);
    if (block !== null) {
      const tag = block[1]!;
      const end = lines.indexOf(`</${tag}>`, index);
      const content = lines.slice(index + 1, end).join('\n') + '\n';
      const file = join(certificates, `${name}-${tag}.pem`);
      mkdirSync(certificates, { recursive: true, mode: 0o755 });
      writeFileSync(file, tag === emptied ? '' : content, { mode: 0o600 });
      data[tag] = file;
      index = end;
      continue;
    }

    const [directive, ...args] = words(line);
    if (directive === undefined || directive.startsWith('#')) continue;
    if (directive === 'remote') remotes.push(args.join(':'));
    if (directive === 'verify-x509-name') data[directive] = `${args[1] ?? 'subject'}:${args[0]}`;
    if (directive === 'server-poll-timeout') data['connect-timeout'] = args[0]!;
    if (directive === 'tls-version-min') data[directive] = args[0]!;
    if (directive === 'route') ipv4Routes.push(`${args[0]}/24`);
    if (SAME_KEY.includes(directive)) data[directive] = args.join(' ') || 'yes';
  }
  if (remotes.length > 0) data.remote = remotes.join(', ');
  for (const key of dropped) delete data[key];

  const connection: FakeConnection = {
    uuid: randomUUID(),
    id: name,
    type: 'vpn',
    vpnData: data,
    ipv4Routes,
    ipv6Routes: [],
    permissions: '',
    autoconnect: 'yes',
  };
  state.connections.push(connection);
  changed = true;
  finish(0, `Connection '${name}' (${connection.uuid}) successfully added.\n`);
}

function showConnection(fields: string[], uuid: string | undefined): never {
  const connection = find(uuid);
  if (connection === undefined) finish(10, '', `Error: ${uuid} - no such connection profile.\n`);

  const values: Record<string, string> = {
    'connection.id': connection.id,
    'connection.uuid': connection.uuid,
    'connection.type': connection.type,
    'connection.permissions': connection.permissions,
    'ipv4.routes': connection.ipv4Routes.join(', '),
    'ipv4.never-default': 'no',
    'ipv4.ignore-auto-routes': 'no',
    'ipv6.routes': connection.ipv6Routes.join(', '),
    'vpn.service-type': SERVICE_TYPE,
    'vpn.data': vpnDataText(connection.vpnData),
  };
  // Property lists are not escaped, as in nmcli.
  const output = fields.map((field) => `${field}:${values[field] ?? ''}\n`).join('');
  finish(0, output);
}

function showActive(uuid: string | undefined): never {
  const connection = find(uuid);
  if (connection === undefined) finish(10, '', `Error: ${uuid} - no such connection profile.\n`);
  const active = connection.active;
  if (active === undefined) finish(0);

  const activated = active.vpnState === 5;
  const lines = [
    `connection.id:${connection.id}`,
    `connection.uuid:${connection.uuid}`,
    `vpn.data:${vpnDataText(connection.vpnData)}`,
    `GENERAL.NAME:${connection.id}`,
    `GENERAL.UUID:${connection.uuid}`,
    'GENERAL.DEVICES:eth0',
    `GENERAL.STATE:${activated ? 'activated' : 'activating'}`,
    'GENERAL.VPN:yes',
    ...(active.address === undefined ? [] : [`IP4.ADDRESS[1]:${active.address}`]),
    'VPN.TYPE:openvpn',
    `VPN.GATEWAY:${connection.vpnData.remote ?? ''}`,
    `VPN.VPN-STATE:${active.vpnState} - ${activated ? 'VPN connected' : 'VPN connecting'}`,
  ];
  finish(0, lines.map((line) => `${line}\n`).join(''));
}

function writeCounters(): void {
  const directory = process.env.FAKE_NMCLI_SYS;
  if (directory === undefined) return;

  const statistics = join(directory, 'tun0', 'statistics');
  mkdirSync(statistics, { recursive: true });
  writeFileSync(join(statistics, 'rx_bytes'), '4200\n');
  writeFileSync(join(statistics, 'tx_bytes'), '1700\n');
}

function up(uuid: string | undefined, waitSeconds: string): never {
  const connection = find(uuid);
  if (connection === undefined) finish(10, '', `Error: unknown connection '${uuid}'.\n`);
  if (connection.active !== undefined) {
    finish(
      4,
      '',
      `Error: Connection activation failed: Connection '${connection.id}' is already active\n`,
    );
  }

  const failure = (text: string) =>
    finish(
      4,
      '',
      `Error: Connection activation failed: ${text}\nHint: use 'journalctl -xe NM_CONNECTION=${connection.uuid} + NM_DEVICE=eth0' to get more details.\n`,
    );

  switch (process.env.FAKE_NMCLI_UP) {
    case 'timeout':
      connection.active = { vpnState: 3 };
      changed = true;
      finish(3, '', `Error: Timeout expired (${waitSeconds} seconds)\n`);
      break;
    case 'activating':
      // nmcli returns, but NetworkManager has not finished yet.
      connection.active = { vpnState: 4 };
      changed = true;
      finish(
        0,
        'Connection successfully activated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/4)\n',
      );
      break;
    case 'secrets':
      failure('No valid secrets');
      break;
    case 'plugin':
      failure(`The VPN service '${SERVICE_TYPE}' was not installed.`);
      break;
    case 'no-source':
      failure('Could not find source connection.');
      break;
  }

  connection.active = { vpnState: 5, address: TUNNEL_ADDRESS };
  changed = true;
  writeCounters();
  finish(
    0,
    'Connection successfully activated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/4)\n',
  );
}

function down(uuid: string | undefined): never {
  const connection = find(uuid);
  if (connection?.active === undefined) {
    finish(
      10,
      '',
      `Error: '${uuid}' is not an active connection.\nError: no active connection provided.\n`,
    );
  }
  delete connection.active;
  changed = true;
  finish(
    0,
    `Connection '${connection.id}' successfully deactivated (D-Bus active path: /org/freedesktop/NetworkManager/ActiveConnection/4)\n`,
  );
}

function modify(uuid: string | undefined, settings: string[]): never {
  const connection = find(uuid);
  if (connection === undefined) finish(10, '', `Error: unknown connection '${uuid}'.\n`);

  for (let index = 0; index + 1 < settings.length; index += 2) {
    const [key, value] = [settings[index]!, settings[index + 1]!];
    if (key === 'connection.id') connection.id = value;
    if (key === 'connection.permissions') connection.permissions = value;
    if (key === 'connection.autoconnect') connection.autoconnect = value;
  }
  changed = true;
  finish(0);
}

function remove(uuid: string | undefined): never {
  const connection = find(uuid);
  if (connection === undefined) {
    finish(
      10,
      '',
      `Error: unknown connection '${uuid}'.\nError: cannot delete unknown connection(s): '${uuid}'.\n`,
    );
  }
  state.connections = state.connections.filter((candidate) => candidate !== connection);
  changed = true;
  finish(0, `Connection '${connection.id}' (${connection.uuid}) successfully deleted.\n`);
}

function devices(): never {
  const rows = [
    ['lo', 'loopback'],
    ['eth0', 'ethernet'],
    ['we:ird\\dev', 'ethernet'],
  ];
  if (state.connections.some((connection) => connection.active?.address !== undefined)) {
    rows.push(['tun0', 'tun']);
  }
  finish(0, rows.map((row) => row.map(escapeTerse).join(':') + '\n').join(''));
}

function showDevice(device: string | undefined): never {
  if (device !== 'tun0') finish(10, '', `Error: Device '${device}' not found.\n`);
  const active = state.connections.find((connection) => connection.active?.address);
  finish(0, active === undefined ? '' : `IP4.ADDRESS[1]:${active.active!.address}\n`);
}

function main(): never {
  if (process.env.FAKE_NMCLI_RUNNING === 'no') {
    finish(8, '', 'Error: NetworkManager is not running.\n');
  }

  const args = [...argv];
  let fields: string[] = [];
  let waitSeconds = '90';
  while (args[0]?.startsWith('-')) {
    const option = args.shift()!;
    if (option === '--fields' || option === '-f') fields = (args.shift() ?? '').split(',');
    if (option === '--wait' || option === '-w') waitSeconds = args.shift() ?? '90';
  }

  const command = args.join(' ');
  if (command === 'general') finish(0, fields.includes('RUNNING') ? 'running\n' : '');
  if (command === 'device') devices();
  if (args[0] === 'device' && args[1] === 'show') showDevice(args[2]);
  if (args[0] !== 'connection')
    finish(2, '', `Error: the fake nmcli does not know "${command}".\n`);

  if (args[1] === 'import') importProfile(args[5] ?? '');

  // The driver names connections only as `uuid <UUID>`, so the fake accepts nothing else and a
  // lookup by name fails here.
  const active = args[2] === '--active';
  const [keyword, uuid, ...rest] = args.slice(active ? 3 : 2);
  if (keyword !== 'uuid') {
    finish(2, '', `Error: the fake nmcli expects "uuid <UUID>" in "${command}".\n`);
  }

  switch (args[1]) {
    case 'show':
      if (active) showActive(uuid);
      showConnection(fields, uuid);
      break;
    case 'up':
      up(uuid, waitSeconds);
      break;
    case 'down':
      down(uuid);
      break;
    case 'modify':
      modify(uuid, rest);
      break;
    case 'delete':
      remove(uuid);
      break;
  }
  finish(2, '', `Error: the fake nmcli does not know "${command}".\n`);
}

main();
