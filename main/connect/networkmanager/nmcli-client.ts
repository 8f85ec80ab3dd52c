import type { ImportedConnection } from './import-check.ts';
import {
  checkExit,
  NMCLI_EXIT,
  NmcliError,
  NmcliRunner,
  type NmcliOptions,
} from './nmcli-runner.ts';
import {
  numberedValues,
  parseTerseProperties,
  parseTerseTable,
  parseVpnData,
  splitList,
  TerseOutputError,
} from './terse-output.ts';

// The properties the import check reads back. --show-secrets is left out on purpose: the
// profile's key goes into a file, not into vpn.secrets, so secrets would only risk printing a
// password of someone else's making.
const READ_BACK_FIELDS = [
  'connection.id',
  'connection.uuid',
  'vpn.service-type',
  'vpn.data',
  'ipv4.routes',
  'ipv4.never-default',
  'ipv4.ignore-auto-routes',
  'ipv6.routes',
];

const UUID = /\(([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12})\)/i;

/**
 * The nmcli commands the NetworkManager driver uses, with their output parsed. Connections are
 * always named as `uuid <UUID>`, because a bare argument also matches a connection's name.
 */
export class NmcliClient {
  private readonly runner: NmcliRunner;

  constructor(options: NmcliOptions = {}) {
    this.runner = new NmcliRunner(options);
  }

  /** Tells whether NetworkManager runs; false when nmcli is missing or cannot reach it. */
  async isRunning(): Promise<boolean> {
    try {
      const { stdout } = await this.runner.run(
        ['--terse', '--fields', 'RUNNING', 'general'],
        5_000,
      );
      return stdout.trim() === 'running';
    } catch {
      return false;
    }
  }

  /** Imports an OpenVPN profile and returns the new connection's UUID. */
  async importOpenvpn(profilePath: string): Promise<string> {
    const args = ['connection', 'import', 'type', 'openvpn', 'file', profilePath];
    const { stdout } = await this.runner.run(args);

    const match = UUID.exec(stdout);
    if (match === null) {
      throw new NmcliError(
        args,
        0,
        `no connection UUID in its output ${JSON.stringify(stdout.trim())}`,
      );
    }
    return match[1]!.toLowerCase();
  }

  /** Reads a connection's settings, or returns undefined when no connection has this UUID. */
  async readConnection(uuid: string): Promise<ImportedConnection | undefined> {
    const args = [
      '--terse',
      '--fields',
      READ_BACK_FIELDS.join(','),
      'connection',
      'show',
      'uuid',
      uuid,
    ];
    const result = await this.runner.call(args);
    if (result.exitCode === NMCLI_EXIT.notFound) return undefined;
    checkExit(args, result);

    const properties = parseTerseProperties(result.stdout);
    const property = (name: string) => {
      const value = properties.get(name);
      if (value === undefined) {
        throw new TerseOutputError(`nmcli connection show ${uuid} printed no ${name}.`);
      }
      return value;
    };

    return {
      uuid: property('connection.uuid'),
      id: property('connection.id'),
      serviceType: property('vpn.service-type'),
      vpnData: parseVpnData(property('vpn.data')),
      ipv4Routes: splitList(property('ipv4.routes')),
      ipv6Routes: splitList(property('ipv6.routes')),
      ipv4NeverDefault: property('ipv4.never-default') === 'yes',
      ipv4IgnoreAutoRoutes: property('ipv4.ignore-auto-routes') === 'yes',
    };
  }

  /** Sets connection properties, e.g. `[['connection.id', 'vpn-onboard-example']]`. */
  async modify(uuid: string, settings: readonly (readonly [string, string])[]): Promise<void> {
    await this.runner.run(['connection', 'modify', 'uuid', uuid, ...settings.flat()]);
  }

  /** Deletes a connection; returns false when there was none with this UUID. */
  async delete(uuid: string): Promise<boolean> {
    const args = ['connection', 'delete', 'uuid', uuid];
    const result = await this.runner.call(args);
    if (result.exitCode === NMCLI_EXIT.notFound) return false;
    checkExit(args, result);
    return true;
  }

  /** Activates a connection and waits up to `waitSeconds` for NetworkManager to finish. */
  async up(uuid: string, waitSeconds: number): Promise<void> {
    // The runner's own limit comes after nmcli's --wait, so nmcli reports the timeout itself.
    await this.runner.run(
      ['--wait', String(waitSeconds), 'connection', 'up', 'uuid', uuid],
      (waitSeconds + 10) * 1000,
    );
  }

  /** Deactivates a connection; returns false when it was not active. */
  async down(uuid: string): Promise<boolean> {
    const args = ['connection', 'down', 'uuid', uuid];
    const result = await this.runner.call(args);
    if (result.exitCode === NMCLI_EXIT.notFound) return false;
    checkExit(args, result);
    return true;
  }

  /**
   * Returns the properties of the active connection with this UUID (GENERAL.STATE,
   * IP4.ADDRESS[1], VPN.VPN-STATE and the rest), or undefined when it is not active.
   * nmcli 1.42 rejects VPN.VPN-STATE in --fields because it takes "vpn" for the setting, so
   * the call requests every field.
   */
  async activeProperties(uuid: string): Promise<Map<string, string> | undefined> {
    const args = ['--terse', 'connection', 'show', '--active', 'uuid', uuid];
    const result = await this.runner.call(args);
    // An inactive connection prints nothing; a deleted one fails with "no such connection".
    if (result.exitCode === NMCLI_EXIT.notFound) return undefined;
    const { stdout } = checkExit(args, result);
    if (stdout.trim() === '') return undefined;
    return parseTerseProperties(stdout);
  }

  /** Returns the names of the tun devices NetworkManager lists. */
  async tunDevices(): Promise<string[]> {
    const { stdout } = await this.runner.run(['--terse', '--fields', 'DEVICE,TYPE', 'device']);
    return parseTerseTable(stdout, ['DEVICE', 'TYPE'] as const)
      .filter((row) => row.TYPE === 'tun')
      .map((row) => row.DEVICE);
  }

  /** Returns a device's IPv4 addresses with their prefix length, e.g. `192.168.102.2/23`. */
  async deviceAddresses(device: string): Promise<string[]> {
    const args = ['--terse', '--fields', 'IP4.ADDRESS', 'device', 'show', device];
    const result = await this.runner.call(args);
    if (result.exitCode === NMCLI_EXIT.notFound) return [];
    checkExit(args, result);
    return numberedValues(parseTerseProperties(result.stdout), 'IP4.ADDRESS');
  }
}
