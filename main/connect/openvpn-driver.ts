import { randomUUID } from 'node:crypto';
import { readFile, rm } from 'node:fs/promises';

import { silentLogger, type Logger } from '../log/logger.ts';
import { CertificateCheckError } from '../pki/certificate-check.ts';
import { checkProfileCertificate, ProfileReadError } from './certificate-gate.ts';
import { ConnectError, waitForConnectedState } from './connect-wait.ts';
import {
  canConnect,
  canReconnect,
  describeState,
  DISCONNECTED,
  type ConnectionErrorKind,
  type ConnectionState,
} from './connection-state.ts';
import type { ByteCount, ConnectionDriver } from './driver.ts';
import { ManagementClient } from './management-client.ts';
import type { ManagementNotification } from './management-parser.ts';
import {
  launchOpenvpn,
  locateOpenvpn,
  OpenvpnLaunchError,
  spawnOpenvpn,
  type OpenvpnLauncher,
} from './openvpn-launch.ts';
import { reconnectReason, stateAfter } from './openvpn-states.ts';
import {
  isRecordedOpenvpn,
  processRecordPath,
  readProcessRecord,
  removeProcessRecord,
  waitForExit,
  type ProcessRecord,
} from './process-record.ts';
import { signalOpenvpn, unstoppableMessage, type SignalFunction } from './process-signal.ts';
import { DEFAULT_RESTART_POLICY, type RestartPolicy } from './restart-policy.ts';
import { RestartSupervisor } from './restart-supervisor.ts';
import type { TunnelCheck } from './tunnel-check.ts';
import type { ProbeTarget } from './tunnel-probe.ts';
import { TunnelVerifier } from './tunnel-verifier.ts';

export interface OpenvpnDriverOptions {
  /** The app's data directory; the process record and openvpn's log go below it. */
  dataDir: string;
  /** The openvpn executable; found on PATH, /usr/sbin or /sbin when omitted. */
  openvpnPath?: string;
  /** Command that openvpn runs under, e.g. `['ip', 'netns', 'exec', 'lab-client']`. */
  commandPrefix?: string[];
  /** openvpn options added after the profile, e.g. `['--disable-dco']` in the test lab. */
  extraArguments?: string[];
  /**
   * Starts the openvpn process, by default with `spawnOpenvpn`, a direct spawn under
   * `commandPrefix`. Another launcher can start it with privileges, e.g. through pkexec.
   * `OpenvpnLauncher` states the contract.
   */
  launcher?: OpenvpnLauncher;
  /** Milliseconds a connect or reconnect may take before it fails; default 30 000. */
  connectTimeoutMs?: number;
  /** Milliseconds openvpn gets to exit after SIGTERM before it is killed; default 5 000. */
  stopTimeoutMs?: number;
  /** Sends signals to openvpn; `process.kill` by default. Tests pass one that raises EPERM. */
  signalProcess?: SignalFunction;
  /** The clock for the certificate gate. */
  now?: () => Date;
  /**
   * Backoff for restarts after openvpn exits, 5 attempts by default. `maxAttempts` also bounds
   * the restarts in a row of a tunnel that passes nothing.
   */
  restartPolicy?: RestartPolicy;
  /**
   * Hosts in the organisation's networks that must accept a TCP connection through the tunnel
   * after each CONNECTED. A tunnel that fails the check is degraded and gets restarted. Without
   * targets the tunnel is not checked.
   */
  probeTargets?: ProbeTarget[];
  /** Milliseconds each probe waits for the connection; default 3 000. */
  probeTimeoutMs?: number;
  log?: Logger;
}

export interface RecoverOptions {
  /**
   * Whether to stop an openvpn whose management interface does not accept this process; true by
   * default. The CLI passes false because another of its processes may hold the interface.
   */
  stopUnresponsive?: boolean;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 30_000;
const DEFAULT_STOP_TIMEOUT_MS = 5_000;
const DEFAULT_PROBE_TIMEOUT_MS = 3_000;
// openvpn reports byte counters every second, so a check waits a little longer for the next one.
const BYTE_COUNT_WAIT_MS = 2_500;
const KEPT_LOG_LINES = 20;
const SECRET_LOG_LINE = /auth-token|password/i;

/**
 * Runs openvpn directly (this process needs CAP_NET_ADMIN, or a command prefix that grants it)
 * and drives it through its management interface on a unix socket in a private directory.
 * openvpn starts with `--management-hold`, so the driver is attached before anything happens.
 * It runs in its own process group and outlives a crash of the app, and `recover` finds it
 * again through the process record.
 */
export class OpenvpnDriver implements ConnectionDriver {
  readonly name = 'openvpn';

  private current: ConnectionState = DISCONNECTED;
  private profilePath: string | undefined;
  private client: ManagementClient | undefined;
  private record: ProcessRecord | undefined;
  private stopping = false;
  private holdReleased = false;
  private pendingStop: Promise<void> | undefined;
  private readonly recentLog: string[] = [];
  private fatal: string | undefined;
  private connectionId = '';
  /** True once the tunnel got to CONNECTED after the last connect; exits restart only then. */
  private everConnected = false;
  private readonly restarts: RestartSupervisor;
  private readonly verifier: TunnelVerifier;
  private readonly checkListeners = new Set<(check: TunnelCheck) => void>();
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly byteListeners = new Set<(count: ByteCount) => void>();
  private readonly log: Logger;
  private readonly recordPath: string;
  private readonly sendSignal: SignalFunction;

  constructor(private readonly options: OpenvpnDriverOptions) {
    this.log = (options.log ?? silentLogger).child('openvpn');
    this.sendSignal = options.signalProcess ?? ((pid, signal) => process.kill(pid, signal));
    this.recordPath = processRecordPath(options.dataDir);

    const policy = options.restartPolicy ?? DEFAULT_RESTART_POLICY;
    const connectionId = () => this.connectionId;
    this.restarts = new RestartSupervisor(
      policy,
      {
        relaunch: () => this.relaunch(),
        isStopping: () => this.stopping,
        restartScheduled: (reason) => this.setState({ status: 'reconnecting', reason }),
        restartsExhausted: (message) =>
          this.setState({ status: 'error', kind: 'openvpn-exited', message }),
      },
      this.log,
      connectionId,
    );
    this.verifier = new TunnelVerifier(
      {
        state: () => this.current,
        setState: (state) => this.setState(state),
        nextByteCount: () => this.nextByteCount(),
        reportCheck: (check) => {
          for (const listener of this.checkListeners) listener(check);
        },
        restartTunnel: (reason) => this.restartTunnel(reason),
      },
      {
        targets: options.probeTargets ?? [],
        commandPrefix: options.commandPrefix ?? [],
        probeTimeoutMs: options.probeTimeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS,
        maxRestarts: policy.maxAttempts,
        log: this.log,
        connectionId,
      },
    );
  }

  async installProfile(profilePath: string): Promise<void> {
    await readFile(profilePath, { encoding: 'utf8', flag: 'r' });
    this.profilePath = profilePath;
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

  /**
   * Subscribes to the result of each tunnel check after CONNECTED and returns the unsubscribe.
   * A failed check is reported after the driver moved to degraded and before it restarts.
   */
  onTunnelCheck(listener: (check: TunnelCheck) => void): () => void {
    this.checkListeners.add(listener);
    return () => this.checkListeners.delete(listener);
  }

  /** The PID of the running openvpn, if any. */
  get pid(): number | undefined {
    return this.record?.pid;
  }

  async connect(): Promise<ConnectionState> {
    // An openvpn that an earlier disconnect failed to stop gets another stop first.
    const kept = this.record;
    if (kept !== undefined && canConnect(this.current)) {
      this.stopping = true;
      await this.stop(kept);
    }

    // An openvpn left by an earlier run of the app is taken over instead of starting a second one.
    if (this.record === undefined && canConnect(this.current)) {
      const recovered = await this.recover();
      if (recovered.status === 'connected') return recovered;
      if (recovered.status === 'connecting' || recovered.status === 'reconnecting') {
        return this.waitForConnected();
      }
    }

    if (!canConnect(this.current)) {
      throw new Error(`Cannot connect while the tunnel is ${describeState(this.current)}.`);
    }
    // A recorded openvpn that is still running keeps its tunnel and routes, so a second one must
    // not start. The record stays only while that openvpn could not be stopped.
    if (this.record !== undefined) this.fail('management', unstoppableMessage(this.record));

    const profilePath = this.profilePath;
    if (profilePath === undefined) {
      throw new Error('No profile is installed; enroll first, then connect.');
    }

    this.checkCertificate(profilePath, await readFile(profilePath, 'utf8'));
    const openvpnPath = this.openvpnPath();

    this.stopping = false;
    this.connectionId = randomUUID().slice(0, 8);
    this.restarts.reset();
    this.verifier.reset();
    this.setState({ status: 'connecting', phase: 'starting' });

    try {
      await this.launch(openvpnPath, profilePath);
    } catch (error) {
      const kind = error instanceof OpenvpnLaunchError ? error.kind : 'management';
      await this.stopAfterFailure(kind, (error as Error).message);
      throw new ConnectError(this.current as Extract<ConnectionState, { status: 'error' }>);
    }

    // When the release fails the socket has closed, and the exit handler moves to the error state.
    const connected = this.waitForConnected();
    if (this.client !== undefined) await this.release(this.client).catch(() => undefined);
    return connected;
  }

  /** Starts openvpn in its start-up hold and attaches to its management interface. */
  private async launch(openvpnPath: string, profilePath: string): Promise<void> {
    this.holdReleased = false;
    this.fatal = undefined;
    this.recentLog.length = 0;
    const launcher = this.options.launcher ?? spawnOpenvpn;
    const connectTimeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;

    const { record, client } = await launchOpenvpn({
      openvpnPath,
      profilePath,
      dataDir: this.options.dataDir,
      recordPath: this.recordPath,
      commandPrefix: this.options.commandPrefix ?? [],
      extraArguments: this.options.extraArguments ?? [],
      launcher,
      // A launcher that prompts for a password, such as pkexec, needs longer than the connect.
      timeoutMs: Math.max(connectTimeoutMs, launcher.attachTimeoutMs ?? 0),
      log: this.log,
    });
    this.record = record;
    this.attach(client);
    await this.subscribe(client);
  }

  async reconnect(): Promise<ConnectionState> {
    if (!canReconnect(this.current) || this.client === undefined) {
      throw new Error(`Cannot reconnect while the tunnel is ${describeState(this.current)}.`);
    }

    this.setState({ status: 'reconnecting', reason: reconnectReason('SIGUSR1') });
    const connected = this.waitForConnected();
    await this.client.signal('SIGUSR1').catch(() => undefined);
    return connected;
  }

  async disconnect(): Promise<void> {
    if (this.pendingStop !== undefined) return this.pendingStop;

    this.stopping = true;
    this.verifier.cancel();
    await this.restarts.cancel();

    const record = this.record;
    if (record === undefined) {
      this.setState(DISCONNECTED);
      return;
    }

    this.stopping = true;
    this.setState({ status: 'disconnecting' });
    this.pendingStop = this.stop(record).finally(() => (this.pendingStop = undefined));
    return this.pendingStop;
  }

  /**
   * Finds an openvpn that an earlier run of the app started, through the process record, and
   * reattaches to it. When it is running but its management interface does not reply, it is
   * stopped. Returns the state afterwards.
   */
  async recover(options: RecoverOptions = {}): Promise<ConnectionState> {
    const record = await readProcessRecord(this.recordPath);
    if (record === undefined) return this.current;

    if (!isRecordedOpenvpn(record)) {
      this.log.info('Recorded openvpn is gone; cleaning up', { pid: record.pid });
      await this.cleanUp(record);
      return this.current;
    }

    this.record = record;
    this.profilePath = record.profilePath;
    this.connectionId = randomUUID().slice(0, 8);
    try {
      const client = await ManagementClient.connect(record.socketPath, { log: this.log });
      this.attach(client);
      await this.subscribe(client);
      const now = await client.state();
      this.log.info('Reattached to openvpn', { pid: record.pid, state: now.name });
      this.onNotification(now);
      await this.release(client);
    } catch (error) {
      if (options.stopUnresponsive === false) {
        await this.detach();
        this.record = undefined;
        throw new Error(
          `openvpn (PID ${record.pid}) is running, but its management interface at ` +
            `${record.socketPath} did not accept this process (${(error as Error).message}). ` +
            'Another vpn-onboard process, such as "status --watch" or the app, may be attached; ' +
            'stop it and try again.',
          { cause: error },
        );
      }
      this.log.warn('Failed to reattach to openvpn; stopping it', {
        pid: record.pid,
        error: (error as Error).message,
      });
      this.stopping = true;
      await this.stop(record);
    }
    return this.current;
  }

  /** Closes the management connection and leaves openvpn running, as an app exit does. */
  async detach(): Promise<void> {
    this.verifier.cancel();
    const client = this.client;
    this.client = undefined;
    await client?.close();
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

  private openvpnPath(): string {
    const path = this.options.openvpnPath ?? locateOpenvpn();
    if (path !== undefined) return path;

    this.fail(
      'openvpn-missing',
      'openvpn was not found on PATH or in /usr/sbin or /sbin; install it ' +
        '(Debian and Ubuntu: apt install openvpn) and connect again.',
    );
  }

  private attach(client: ManagementClient): void {
    this.client = client;
    client.onNotification((notification) => this.onNotification(notification));
    client.onClose(() => void this.onManagementClosed(client));
  }

  private async subscribe(client: ManagementClient): Promise<void> {
    await client.stateOn();
    await client.logOn();
    await client.bytecount(1);
  }

  /**
   * Releases the start-up hold and turns the hold flag off. While the flag is set, openvpn 2.6.14
   * waits for `hold release` after every restart, so it would wait forever after an app crash.
   */
  private async release(client: ManagementClient): Promise<void> {
    this.holdReleased = true;
    await client.command('hold off');
    await client.holdRelease();
  }

  private onNotification(notification: ManagementNotification): void {
    switch (notification.kind) {
      case 'state':
        this.onOpenvpnState(notification);
        return;
      case 'bytecount':
        for (const listener of this.byteListeners) {
          listener({ bytesIn: notification.bytesIn, bytesOut: notification.bytesOut });
        }
        return;
      case 'log':
        // openvpn may print a pushed auth-token; such a line is neither logged nor shown.
        if (SECRET_LOG_LINE.test(notification.text)) return;
        this.recentLog.push(notification.text);
        if (this.recentLog.length > KEPT_LOG_LINES) this.recentLog.shift();
        this.log.debug(`openvpn: ${notification.text}`);
        return;
      case 'fatal':
        this.fatal = notification.text;
        this.log.error('openvpn reported a fatal error', { message: notification.text });
        return;
      case 'hold':
        // The start-up hold waits for connect. A later hold means the flag was still on, so release
        // it at once because openvpn must not wait for an app that may be gone.
        if (this.holdReleased && !this.stopping) {
          void this.client?.holdRelease().catch(() => undefined);
        }
        return;
      case 'password':
        // `>PASSWORD:Auth-Token:` carries a session token from the server, not a request.
        if (notification.text.startsWith('Auth-Token:')) return;

        // Profiles carry an unencrypted key, so a password request means a foreign profile.
        this.log.error('openvpn asked for a password', { request: notification.text });
        this.fatal = `openvpn asked for a password (${notification.text}), which this app never sets`;
        void this.client?.signal('SIGTERM').catch(() => undefined);
        return;
      default:
        return;
    }
  }

  private onOpenvpnState(state: Extract<ManagementNotification, { kind: 'state' }>): void {
    if (this.stopping) return;

    if (state.name === 'CONNECTED' && state.description !== 'SUCCESS') {
      this.log.warn('openvpn connected with errors', { description: state.description });
    }
    const next = stateAfter(this.current, state);
    if (next !== undefined) this.setState(next);
  }

  private async onManagementClosed(client: ManagementClient): Promise<void> {
    if (this.client !== client) return;
    this.client = undefined;

    const record = this.record;
    if (record === undefined) return;

    // The socket closes a moment before the process is gone.
    const exited = await waitForExit(
      record.pid,
      this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS,
    );
    if (this.record !== record) return;

    if (this.stopping) return;

    if (!exited) {
      await this.onManagementDropped(record);
      return;
    }

    const authFailed = this.recentLog.some((line) => line.includes('AUTH_FAILED'));
    const cause = this.fatal ?? this.recentLog.at(-1) ?? 'no message';
    const restartable = this.everConnected && !authFailed && this.fatal === undefined;
    this.log.error('openvpn exited unexpectedly', {
      connection: this.connectionId,
      pid: record.pid,
      cause,
    });
    await this.cleanUp(record);

    if (restartable && this.restarts.schedule(`openvpn exited unexpectedly (${cause})`)) return;

    const attempts = this.restarts.attempts;
    const gaveUp = restartable && attempts > 0 ? ` ${attempts - 1} restarts failed.` : '';
    this.setState({
      status: 'error',
      kind: authFailed ? 'auth-failed' : 'openvpn-exited',
      message: `openvpn exited unexpectedly: ${cause}.${gaveUp} Its log is in ${record.logPath}.`,
    });
  }

  /**
   * Handles a management connection that closed while openvpn keeps running: attaches again,
   * and when that fails, stops openvpn and starts a new one.
   * NOTE: no test closes the management connection under a running openvpn yet.
   */
  private async onManagementDropped(record: ProcessRecord): Promise<void> {
    this.log.warn('Management connection dropped while openvpn runs; attaching again', {
      connection: this.connectionId,
      pid: record.pid,
    });
    try {
      const client = await ManagementClient.connect(record.socketPath, { log: this.log });
      this.attach(client);
      await this.subscribe(client);
      this.onNotification(await client.state());
      return;
    } catch (error) {
      this.log.warn('Failed to attach again; restarting openvpn', {
        connection: this.connectionId,
        pid: record.pid,
        error: (error as Error).message,
      });
    }

    if (signalOpenvpn(record, 'SIGKILL', this.sendSignal) === 'not-permitted') {
      this.keepUnstoppable(record);
      return;
    }
    await waitForExit(record.pid, this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS);
    await this.cleanUp(record);
    if (!this.restarts.schedule('the management interface stopped responding')) {
      this.setState({
        status: 'error',
        kind: 'management',
        message: `The openvpn management interface at ${record.socketPath} stopped responding. Its log is in ${record.logPath}.`,
      });
    }
  }

  /**
   * Starts a new openvpn to replace one that exited, for the restart supervisor. On failure it
   * kills what started and removes its socket directory and record, then raises.
   */
  private async relaunch(): Promise<number | undefined> {
    const profilePath = this.profilePath;
    if (profilePath === undefined) {
      throw new Error('No profile is installed, so openvpn cannot be restarted.');
    }
    const kept = this.record;
    if (kept !== undefined && isRecordedOpenvpn(kept)) {
      this.keepUnstoppable(kept);
      throw new Error(unstoppableMessage(kept));
    }

    try {
      await this.launch(this.openvpnPath(), profilePath);
      if (this.client !== undefined) await this.release(this.client);
      return this.record?.pid;
    } catch (error) {
      const record = this.record;
      if (record === undefined) throw error;

      if (signalOpenvpn(record, 'SIGKILL', this.sendSignal) === 'not-permitted') {
        this.keepUnstoppable(record);
        throw new Error(unstoppableMessage(record), { cause: error });
      }
      await this.cleanUp(record);
      throw error;
    }
  }

  /** Restarts a tunnel that passes nothing, for the tunnel verifier. */
  private async restartTunnel(reason: string): Promise<boolean> {
    const client = this.client;
    if (client === undefined) return false;

    this.setState({ status: 'reconnecting', reason });
    await client.signal('SIGUSR1').catch(() => undefined);
    return true;
  }

  private nextByteCount(): Promise<ByteCount | undefined> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        unsubscribe();
        resolve(undefined);
      }, BYTE_COUNT_WAIT_MS);
      const unsubscribe = this.onBytes((count) => {
        clearTimeout(timer);
        unsubscribe();
        resolve(count);
      });
    });
  }

  /**
   * Stops openvpn with SIGTERM through the management interface, or as a signal when that
   * fails, and with SIGKILL after the stop timeout. This process may not signal an openvpn that
   * runs as root (started through pkexec), so such an openvpn stops through the management
   * interface or not at all. When it does not stop, the record stays and the driver moves to
   * an error state that names the PID.
   */
  private async stop(record: ProcessRecord, final: ConnectionState = DISCONNECTED): Promise<void> {
    const timeoutMs = this.options.stopTimeoutMs ?? DEFAULT_STOP_TIMEOUT_MS;
    const permitted = signalOpenvpn(record, 0, this.sendSignal) !== 'not-permitted';

    const sent = await this.sendManagementSigterm();
    if (!sent) {
      if (!permitted) {
        this.keepUnstoppable(record, final);
        return;
      }
      signalOpenvpn(record, 'SIGTERM', this.sendSignal);
    }

    if (!(await waitForExit(record.pid, timeoutMs))) {
      if (!permitted) {
        this.keepUnstoppable(record, final);
        return;
      }
      this.log.warn('openvpn did not exit after SIGTERM; killing it', {
        pid: record.pid,
        timeoutMs,
      });
      if (signalOpenvpn(record, 'SIGKILL', this.sendSignal) === 'not-permitted') {
        this.keepUnstoppable(record, final);
        return;
      }
      await waitForExit(record.pid, timeoutMs);
    }

    this.log.info('Stopped openvpn', { pid: record.pid });
    await this.cleanUp(record);
    this.setState(final);
  }

  private async sendManagementSigterm(): Promise<boolean> {
    const client = this.client;
    if (client === undefined) return false;
    try {
      await client.signal('SIGTERM');
      return true;
    } catch (error) {
      this.log.warn('Failed to send SIGTERM through the management interface', {
        error: (error as Error).message,
      });
      return false;
    }
  }

  /**
   * Keeps the record of an openvpn that did not stop and that this process may not signal, so
   * no second openvpn starts beside it, and moves to an error state that says how to stop it.
   */
  private keepUnstoppable(record: ProcessRecord, final: ConnectionState = DISCONNECTED): void {
    this.log.error('openvpn did not stop, and this process may not signal it', {
      connection: this.connectionId,
      pid: record.pid,
    });
    this.stopping = true;
    this.record = record;
    const cause = final.status === 'error' ? `${final.message} ` : '';
    this.setState({
      status: 'error',
      kind: 'management',
      message: cause + unstoppableMessage(record),
    });
  }

  private async stopAfterFailure(kind: ConnectionErrorKind, message: string): Promise<void> {
    const failure: ConnectionState = { status: 'error', kind, message };
    const record = this.record;
    if (record === undefined) {
      this.setState(failure);
      return;
    }
    this.stopping = true;
    await this.stop(record, failure);
  }

  private async cleanUp(record: ProcessRecord): Promise<void> {
    if (this.record === record) this.record = undefined;
    const client = this.client;
    this.client = undefined;
    await client?.close();
    if (record.ownsSocketDirectory) {
      await rm(record.socketDirectory, { recursive: true, force: true });
    }
    await removeProcessRecord(this.recordPath);
  }

  private waitForConnected(): Promise<ConnectionState> {
    const timeoutMs = this.options.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;

    return waitForConnectedState(
      (listener) => this.onState(listener),
      timeoutMs,
      async () => {
        const lastLine = this.recentLog.at(-1);
        const message =
          `No VPN server completed the connection within ${timeoutMs / 1000} s; check the ` +
          'network, or ask your administrator whether the VPN servers are up.' +
          (lastLine === undefined ? '' : ` openvpn's last message: ${lastLine}`);
        await this.stopAfterFailure('timeout', message);
        return new ConnectError(this.current as Extract<ConnectionState, { status: 'error' }>);
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
        connection: this.connectionId,
        from: previous.status,
        to: state.status,
      });
    }
    if (state.status === 'connected') {
      this.restarts.reset();
      this.everConnected = true;
      void this.verifier.verify().catch((error: unknown) => {
        this.log.error('Tunnel check failed to run', {
          connection: this.connectionId,
          error: error instanceof Error ? error.message : String(error),
        });
      });
    }
    if (state.status === 'disconnected' || state.status === 'error') this.everConnected = false;
    for (const listener of this.stateListeners) listener(state);
  }
}
