import { readFile } from 'node:fs/promises';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';

import { silentLogger, type Logger } from '../../log/logger.ts';
import { CertificateCheckError } from '../../pki/certificate-check.ts';
import { parseProfile } from '../../profile/profile-parser.ts';
import { checkProfileCertificate, ProfileReadError } from '../certificate-gate.ts';
import { ConnectError, waitForConnectedState } from '../connect-wait.ts';
import {
  canConnect,
  canReconnect,
  describeState,
  DISCONNECTED,
  type ConnectionErrorKind,
  type ConnectionState,
} from '../connection-state.ts';
import type { ByteCount, ConnectionDriver } from '../driver.ts';
import { observeActive, type ActiveObservation } from './active-state.ts';
import {
  networkManagerRecordPath,
  readNetworkManagerRecord,
  type NetworkManagerRecord,
} from './connection-record.ts';
import { readByteCount, SYS_CLASS_NET } from './device-statistics.ts';
import { checkImport } from './import-check.ts';
import { NmcliClient } from './nmcli-client.ts';
import { describeNmcliFailure } from './nmcli-errors.ts';
import { NMCLI_EXIT, NmcliError, type NmcliOptions } from './nmcli-runner.ts';
import { importProfile, profileDigest, ProfileImportError } from './profile-import.ts';

export interface NetworkManagerDriverOptions {
  /** The app's data directory; the record of the imported connection goes below it. */
  dataDir: string;
  /** The nmcli command and environment; plain `nmcli` on PATH by default. */
  nmcli?: NmcliOptions;
  /** Milliseconds a connect or reconnect may take before it fails; default 30 000. */
  connectTimeoutMs?: number;
  /** Milliseconds a disconnect waits for NetworkManager to finish; default 10 000. */
  stopTimeoutMs?: number;
  /** Milliseconds between two looks at the active connection; default 1 000. */
  pollIntervalMs?: number;
  /** The kernel's folder of network devices and their counters; /sys/class/net by default. */
  sysClassNet?: string;
  /** The user NetworkManager lets use the connection; the user running the app by default. */
  userName?: string;
  /** The clock for the certificate gate and the connected-since time. */
  now?: () => Date;
  log?: Logger;
}

type ErrorState = Extract<ConnectionState, { status: 'error' }>;

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 10_000;
const DEFAULT_POLL_INTERVAL_MS = 1_000;
const STOP_POLL_STEP_MS = 100;

/**
 * Runs the tunnel through NetworkManager with nmcli, so the app needs no privileges of its own.
 * The profile is imported once (and again when it changes) and checked after each import;
 * connect and disconnect are `nmcli connection up/down` on the imported connection's UUID.
 * The state comes from polling the active connection, the byte counters from the tun device's
 * kernel counters.
 */
export class NetworkManagerDriver implements ConnectionDriver {
  readonly name = 'networkmanager';

  private current: ConnectionState = DISCONNECTED;
  private record: NetworkManagerRecord | undefined;
  private readonly client: NmcliClient;
  private readonly recordPath: string;
  /**
   * The folder network-manager-openvpn writes the inline blocks to: `~/.cert/nm-openvpn` of the
   * user who runs nmcli.
   */
  private readonly certificateFolder: string;
  private readonly log: Logger;
  /** True while this driver's own `nmcli connection up` runs. */
  private activating = false;
  private stopping = false;
  private pendingStop: Promise<void> | undefined;
  private pollTimer: NodeJS.Timeout | undefined;
  private pollGeneration = 0;
  private device: string | undefined;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly byteListeners = new Set<(count: ByteCount) => void>();

  constructor(private readonly options: NetworkManagerDriverOptions) {
    this.client = new NmcliClient(options.nmcli);
    this.recordPath = networkManagerRecordPath(options.dataDir);
    this.certificateFolder = join(options.nmcli?.env?.HOME ?? homedir(), '.cert', 'nm-openvpn');
    this.log = (options.log ?? silentLogger).child('networkmanager');
  }

  /**
   * Imports the profile into NetworkManager and checks the connection it made. An unchanged
   * profile whose connection still passes the check is not imported again.
   */
  async installProfile(profilePath: string): Promise<void> {
    try {
      await this.importIfChanged(profilePath);
    } catch (error) {
      if (!(error instanceof NmcliError)) throw error;
      throw new ProfileImportError(
        `Failed to import ${profilePath} into NetworkManager: ${describeNmcliFailure(error).message}`,
      );
    }
  }

  private async importIfChanged(profilePath: string): Promise<void> {
    const previous =
      this.record ?? (await readNetworkManagerRecord(this.recordPath, this.certificateFolder));
    const text = await readFile(profilePath, 'utf8');

    if (
      previous !== undefined &&
      previous.profilePath === profilePath &&
      previous.profileSha256 === profileDigest(text)
    ) {
      const connection = await this.client.readConnection(previous.uuid);
      const check = connection && (await checkImport(parseProfile(text), connection));
      if (check !== undefined && check.dropped.length === 0) {
        this.record = previous;
        return;
      }
      this.log.warn('The imported connection changed or is gone; importing the profile again', {
        connection: previous.uuid,
      });
    }

    this.record = await importProfile({
      client: this.client,
      profilePath,
      recordPath: this.recordPath,
      previous,
      userName: this.options.userName ?? userInfo().username,
      certificateFolder: this.certificateFolder,
      log: this.log,
    });
  }

  state(): ConnectionState {
    return this.current;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onBytes(listener: (count: ByteCount) => void): () => void {
    this.byteListeners.add(listener);
    return () => this.byteListeners.delete(listener);
  }

  async connect(): Promise<ConnectionState> {
    // A tunnel left up by an earlier run of the app is taken over instead of started again.
    if (canConnect(this.current)) {
      const recovered = await this.recover().catch((error: unknown) => this.failWith(error));
      if (recovered.status === 'connected') return recovered;
      if (recovered.status === 'connecting') return this.waitForConnected();
    }

    if (!canConnect(this.current)) {
      throw new Error(`Cannot connect while the tunnel is ${describeState(this.current)}.`);
    }
    const record = this.record;
    if (record === undefined) {
      throw new Error('No profile is imported into NetworkManager; enroll first, then connect.');
    }

    this.checkCertificate(record.profilePath, await readFile(record.profilePath, 'utf8'));
    this.stopping = false;
    this.setState({ status: 'connecting', phase: 'starting' });
    await this.ensureImported(record).catch((error: unknown) => this.failWith(error));
    return this.activate();
  }

  async reconnect(): Promise<ConnectionState> {
    const record = this.record;
    if (!canReconnect(this.current) || record === undefined) {
      throw new Error(`Cannot reconnect while the tunnel is ${describeState(this.current)}.`);
    }

    this.stopping = false;
    this.setState({ status: 'reconnecting', reason: 'reconnect requested' });
    this.stopPolling();
    // nmcli refuses `up` for an active connection ("is already active"), so it goes down first.
    this.activating = true;
    try {
      await this.client.down(record.uuid);
    } catch (error) {
      this.activating = false;
      return this.failActivation(error);
    }
    return this.activate();
  }

  async disconnect(): Promise<void> {
    if (this.pendingStop !== undefined) return this.pendingStop;

    this.stopping = true;
    this.stopPolling();
    const record = this.record;
    if (record === undefined) {
      this.setState(DISCONNECTED);
      return;
    }

    this.setState({ status: 'disconnecting' });
    this.pendingStop = this.stop(record).finally(() => (this.pendingStop = undefined));
    return this.pendingStop;
  }

  /**
   * Finds the connection this app imported earlier, through its record, and takes over its
   * state when NetworkManager has it active. Returns the state afterwards.
   */
  async recover(): Promise<ConnectionState> {
    const record =
      this.record ?? (await readNetworkManagerRecord(this.recordPath, this.certificateFolder));
    if (record === undefined) return this.current;
    this.record = record;

    const observation = observeActive(await this.client.activeProperties(record.uuid));
    if (observation.kind === 'connected' || observation.kind === 'connecting') {
      this.log.info('Found the VPN connection active in NetworkManager', {
        connection: record.uuid,
        state: observation.kind,
      });
      this.stopping = false;
      this.apply(observation);
      this.startPolling();
    }
    return this.current;
  }

  /** Stops polling NetworkManager; the connection stays as it is, as an app exit leaves it. */
  detach(): void {
    this.stopPolling();
  }

  private async ensureImported(record: NetworkManagerRecord): Promise<void> {
    if ((await this.client.readConnection(record.uuid)) !== undefined) return;

    this.log.warn('The imported connection is gone from NetworkManager; importing it again', {
      connection: record.uuid,
    });
    await this.installProfile(record.profilePath);
  }

  /** Moves to the error state for a failed nmcli call or import, and raises it. */
  private failWith(error: unknown): never {
    if (error instanceof NmcliError) {
      const failure = describeNmcliFailure(error);
      this.fail(failure.kind, failure.message);
    }
    if (error instanceof ProfileImportError) this.fail('profile', error.message);
    throw error;
  }

  /** Runs `nmcli connection up` and resolves once the connection is active with an address. */
  private async activate(): Promise<ConnectionState> {
    const record = this.record!;
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;

    this.activating = true;
    this.startPolling();
    try {
      await this.client.up(record.uuid, Math.max(1, Math.ceil(timeoutMs / 1000)));
    } catch (error) {
      return this.failActivation(error);
    } finally {
      this.activating = false;
    }

    if (this.stopping) throw new Error('The tunnel was disconnected before it came up.');
    await this.poll();
    if (this.current.status === 'connected') return this.current;
    return this.waitForConnected();
  }

  private async failActivation(error: unknown): Promise<never> {
    if (this.stopping) throw new Error('The tunnel was disconnected before it came up.');
    if (!(error instanceof NmcliError)) throw error;

    this.stopPolling();
    this.log.error('NetworkManager failed to activate the VPN', {
      connection: this.record?.uuid,
      exitCode: error.exitCode,
      error: error.detail,
    });
    // After a timeout NetworkManager keeps trying in the background, so the driver stops it.
    if (error.exitCode === NMCLI_EXIT.timeout && this.record !== undefined) {
      await this.client.down(this.record.uuid).catch(() => undefined);
    }
    this.failWith(error);
  }

  private async stop(record: NetworkManagerRecord): Promise<void> {
    try {
      await this.client.down(record.uuid);
    } catch (error) {
      const failure =
        error instanceof NmcliError
          ? describeNmcliFailure(error).message
          : (error as Error).message;
      this.setState({ status: 'error', kind: 'management', message: failure });
      throw error;
    }

    const deadline = Date.now() + (this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    while (Date.now() < deadline) {
      const observation = observeActive(await this.client.activeProperties(record.uuid));
      if (observation.kind === 'inactive') break;
      await delay(STOP_POLL_STEP_MS);
    }

    this.device = undefined;
    this.log.info('Deactivated the VPN connection', { connection: record.uuid });
    this.setState(DISCONNECTED);
  }

  private startPolling(): void {
    this.stopPolling();
    const generation = ++this.pollGeneration;
    const interval = this.options.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;

    const next = () => {
      this.pollTimer = setTimeout(() => {
        void this.poll(generation).finally(() => {
          if (generation === this.pollGeneration) next();
        });
      }, interval);
      // Polling alone never keeps the process alive, as the tunnel outlives the app anyway.
      this.pollTimer.unref();
    };
    next();
  }

  private stopPolling(): void {
    this.pollGeneration++;
    clearTimeout(this.pollTimer);
    this.pollTimer = undefined;
  }

  /** Looks at the active connection once and moves the state to match. */
  private async poll(generation = this.pollGeneration): Promise<void> {
    const record = this.record;
    if (record === undefined) return;

    let observation: ActiveObservation;
    try {
      observation = observeActive(await this.client.activeProperties(record.uuid));
    } catch (error) {
      this.log.warn('Failed to read the VPN connection state', {
        connection: record.uuid,
        error: (error as Error).message,
      });
      return;
    }
    if (generation !== this.pollGeneration || this.stopping) return;

    this.apply(observation);
    if (this.current.status === 'connected') await this.reportBytes(this.current.tunnelAddress);
  }

  private apply(observation: ActiveObservation): void {
    const current = this.current;

    switch (observation.kind) {
      case 'connected':
        if (current.status === 'connected' && current.tunnelAddress === observation.tunnelAddress) {
          return;
        }
        this.device = undefined;
        this.setState({
          status: 'connected',
          // NOTE: nmcli does not show which remote the plugin reached, so this is the first one.
          endpoint: this.record?.endpoints[0] ?? { host: '', port: 0 },
          tunnelAddress: observation.tunnelAddress,
          since: (this.options.now?.() ?? new Date()).toISOString(),
        });
        return;
      case 'connecting':
        if (current.status === 'connected') {
          this.setState({
            status: 'reconnecting',
            reason: 'NetworkManager is reconnecting the VPN',
          });
        } else if (current.status === 'connecting' && current.phase !== observation.phase) {
          this.setState({ status: 'connecting', phase: observation.phase });
        }
        return;
      case 'deactivating':
        if (current.status === 'connected' || current.status === 'reconnecting') {
          this.setState({ status: 'disconnecting' });
        }
        return;
      case 'failed':
      case 'inactive':
        this.onEnded(observation);
        return;
    }
  }

  /** Handles a connection that NetworkManager ended while this driver did not stop it. */
  private onEnded(observation: Extract<ActiveObservation, { kind: 'failed' | 'inactive' }>): void {
    // While `nmcli connection up` runs, its own result reports a failure.
    if (this.activating) return;

    const status = this.current.status;
    if (status === 'disconnected' || status === 'error') return;

    this.stopPolling();
    this.device = undefined;
    if (status === 'disconnecting') {
      this.log.info('The VPN connection was deactivated outside the app', {
        connection: this.record?.uuid,
      });
      this.setState(DISCONNECTED);
      return;
    }

    const reason = observation.kind === 'failed' ? ` (${observation.reason})` : '';
    this.log.error('The VPN connection ended unexpectedly', {
      connection: this.record?.uuid,
      reason,
    });
    this.setState({
      status: 'error',
      kind: 'openvpn-exited',
      message:
        `The VPN connection ended outside VPN Onboard${reason}: it was stopped from the network ` +
        "menu, or openvpn stopped. Connect again; NetworkManager's log (journalctl -u " +
        'NetworkManager) has the details.',
    });
  }

  private async reportBytes(tunnelAddress: string): Promise<void> {
    if (this.byteListeners.size === 0) return;

    this.device ??= await this.findTunnelDevice(tunnelAddress);
    if (this.device === undefined) return;

    const count = await readByteCount(this.device, this.options.sysClassNet ?? SYS_CLASS_NET);
    if (count === undefined) {
      this.device = undefined;
      return;
    }
    for (const listener of this.byteListeners) listener(count);
  }

  /** Finds the tun device that carries the tunnel address. */
  private async findTunnelDevice(tunnelAddress: string): Promise<string | undefined> {
    try {
      for (const device of await this.client.tunDevices()) {
        const addresses = await this.client.deviceAddresses(device);
        if (addresses.some((address) => address.split('/')[0] === tunnelAddress)) return device;
      }
    } catch (error) {
      this.log.warn('Failed to find the tunnel device', { error: (error as Error).message });
    }
    return undefined;
  }

  private checkCertificate(profilePath: string, profileText: string): void {
    try {
      checkProfileCertificate(profileText, profilePath, this.options.now?.() ?? new Date());
    } catch (error) {
      if (error instanceof CertificateCheckError) this.fail('certificate', error.message);
      if (error instanceof ProfileReadError) this.fail('profile', error.message);
      throw error;
    }
  }

  private waitForConnected(): Promise<ConnectionState> {
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;

    return waitForConnectedState(
      (listener) => this.onState(listener),
      timeoutMs,
      async () => {
        this.stopPolling();
        const state: ErrorState = {
          status: 'error',
          kind: 'timeout',
          message:
            `NetworkManager did not finish the connection within ${timeoutMs / 1000} s; check ` +
            'the network, or ask your administrator whether the VPN servers are up.',
        };
        // NetworkManager keeps trying in the background, so the driver stops it first.
        const record = this.record;
        if (record !== undefined) await this.client.down(record.uuid).catch(() => false);
        this.setState(state);
        return new ConnectError(state);
      },
    );
  }

  private fail(kind: ConnectionErrorKind, message: string): never {
    const state = { status: 'error', kind, message } as const;
    this.setState(state);
    throw new ConnectError(state);
  }

  private setState(state: ConnectionState): void {
    const previous = this.current;
    this.current = state;
    if (previous.status !== state.status) {
      this.log.info('Connection state changed', {
        connection: this.record?.uuid,
        from: previous.status,
        to: state.status,
      });
    }
    for (const listener of this.stateListeners) listener(state);
  }
}

function delay(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
