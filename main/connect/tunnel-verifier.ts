import type { Logger } from '../log/logger.ts';
import type { ConnectionState } from './connection-state.ts';
import type { ByteCount } from './driver.ts';
import { checkTunnel, describeFailedCheck, type TunnelCheck } from './tunnel-check.ts';
import type { ProbeTarget } from './tunnel-probe.ts';

/** Callbacks into the driver whose tunnel the verifier checks. */
export interface VerifiedTunnel {
  state(): ConnectionState;
  setState(state: ConnectionState): void;
  /** Resolves with the next byte counters openvpn reports, or undefined when none come. */
  nextByteCount(): Promise<ByteCount | undefined>;
  /** Passes a finished check to the driver's check listeners. */
  reportCheck(check: TunnelCheck): void;
  /**
   * Moves to reconnecting with `reason` and restarts the tunnel in place (SIGUSR1). Returns
   * false, changing nothing, when no management connection is there to send the signal.
   */
  restartTunnel(reason: string): Promise<boolean>;
}

export interface TunnelVerifierOptions {
  /** Hosts that must accept a TCP connection through the tunnel; [] turns the check off. */
  targets: ProbeTarget[];
  /** Command that openvpn runs under, which the probes run under too. */
  commandPrefix: string[];
  /** Milliseconds each probe waits for the connection. */
  probeTimeoutMs: number;
  /** Restarts in a row of a tunnel that passes nothing, before the tunnel is left degraded. */
  maxRestarts: number;
  log: Logger;
  connectionId(): string;
}

/**
 * Checks each tunnel that reaches CONNECTED. One that passes nothing moves to degraded and is
 * restarted, up to `maxRestarts` times in a row. After that it stays degraded, so the state
 * shows the truth. A passed check resets the count.
 */
export class TunnelVerifier {
  private generation = 0;
  private failuresInRow = 0;

  constructor(
    private readonly tunnel: VerifiedTunnel,
    private readonly options: TunnelVerifierOptions,
  ) {}

  /** Starts counting failed checks afresh, for a new connect. */
  reset(): void {
    this.failuresInRow = 0;
  }

  /** Makes a check that runs now end without effect, because its tunnel is gone. */
  cancel(): void {
    this.generation++;
  }

  /**
   * Checks the connected tunnel and acts on the result. Does nothing without targets, and
   * drops the result when a later `verify` or `cancel` came, or the tunnel left connected while
   * the check ran. A check takes one to two seconds plus the probes, because openvpn reports
   * byte counters about once a second.
   */
  async verify(): Promise<void> {
    if (this.options.targets.length === 0) return;

    const generation = ++this.generation;
    const check = await checkTunnel({
      targets: this.options.targets,
      commandPrefix: this.options.commandPrefix,
      timeoutMs: this.options.probeTimeoutMs,
      nextByteCount: () => this.tunnel.nextByteCount(),
    });
    const connected = this.tunnel.state();
    if (generation !== this.generation || connected.status !== 'connected') return;

    const connection = this.options.connectionId();
    if (check.healthy) {
      this.failuresInRow = 0;
      this.options.log.info('Tunnel check passed', { connection, durationMs: check.durationMs });
      this.tunnel.reportCheck(check);
      return;
    }

    const reason = describeFailedCheck(check);
    this.tunnel.setState({
      status: 'degraded',
      endpoint: connected.endpoint,
      tunnelAddress: connected.tunnelAddress,
      since: new Date().toISOString(),
      reason,
    });
    this.tunnel.reportCheck(check);
    await this.restart(reason);
  }

  private async restart(reason: string): Promise<void> {
    const connection = this.options.connectionId();
    const maxRestarts = this.options.maxRestarts;
    this.failuresInRow += 1;
    if (this.failuresInRow > maxRestarts) {
      this.options.log.error('Tunnel passes no traffic; gave up restarting it', {
        connection,
        attempts: maxRestarts,
        reason,
      });
      return;
    }

    // A check listener may have disconnected or reconnected the tunnel meanwhile.
    if (this.tunnel.state().status !== 'degraded') return;

    this.options.log.warn('Tunnel passes no traffic; restarting it', {
      connection,
      attempt: this.failuresInRow,
      reason,
    });
    const restarted = await this.tunnel.restartTunnel(
      `the tunnel passed no traffic; restart ${this.failuresInRow} of ${maxRestarts}. ${reason}`,
    );
    if (!restarted) {
      this.options.log.warn('Failed to restart the tunnel: no management connection', {
        connection,
      });
    }
  }
}
