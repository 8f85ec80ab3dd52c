import type { Logger } from '../log/logger.ts';
import { restartDelay, type RestartPolicy } from './restart-policy.ts';

/** Callbacks into the driver whose openvpn the supervisor restarts. */
export interface RestartTarget {
  /**
   * Starts openvpn again and releases its start-up hold, then resolves with the new PID. On
   * failure it removes what the attempt left behind and raises.
   */
  relaunch(): Promise<number | undefined>;
  /** True once a disconnect started, so a restart that is due does nothing. */
  isStopping(): boolean;
  /** Reports a scheduled restart with a `reason` that already names the attempt and the delay. */
  restartScheduled(reason: string): void;
  /** Reports that the last allowed restart failed with `message`. */
  restartsExhausted(message: string): void;
}

/**
 * Restarts openvpn after it exited or its management interface stopped responding, with the
 * policy's backoff. The count of attempts goes back to 0 when the tunnel connects again.
 */
export class RestartSupervisor {
  private attempt = 0;
  private timer: NodeJS.Timeout | undefined;
  private pending: Promise<void> | undefined;

  constructor(
    private readonly policy: RestartPolicy,
    private readonly target: RestartTarget,
    private readonly log: Logger,
    private readonly connectionId: () => string,
  ) {}

  /** Restarts scheduled since the tunnel last connected. */
  get attempts(): number {
    return this.attempt;
  }

  get maxAttempts(): number {
    return this.policy.maxAttempts;
  }

  /** Starts counting afresh, after a connect or once the tunnel is connected again. */
  reset(): void {
    this.attempt = 0;
  }

  /**
   * Schedules the next restart with backoff and reports it through `restartScheduled`. Returns
   * false when the policy's attempts are used up, so the caller reports the error.
   */
  schedule(reason: string): boolean {
    this.attempt += 1;
    if (this.attempt > this.policy.maxAttempts) {
      this.log.error('Gave up restarting openvpn', {
        connection: this.connectionId(),
        attempts: this.policy.maxAttempts,
        reason,
      });
      return false;
    }

    const delayMs = restartDelay(this.attempt, this.policy);
    this.log.warn('Restarting openvpn', {
      connection: this.connectionId(),
      attempt: this.attempt,
      maxAttempts: this.policy.maxAttempts,
      delayMs,
      reason,
    });
    this.target.restartScheduled(
      `${reason}; restart ${this.attempt} of ${this.policy.maxAttempts} in ${delayMs} ms`,
    );
    // A newer failure replaces a restart that is still waiting, so only one runs.
    clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.pending = this.restart(reason).finally(() => (this.pending = undefined));
    }, delayMs);
    return true;
  }

  /** Cancels a scheduled restart and waits for one that already runs. */
  async cancel(): Promise<void> {
    clearTimeout(this.timer);
    this.timer = undefined;
    await this.pending;
  }

  private async restart(reason: string): Promise<void> {
    if (this.target.isStopping()) return;

    try {
      const pid = await this.target.relaunch();
      this.log.info('Restarted openvpn', {
        connection: this.connectionId(),
        attempt: this.attempt,
        pid,
      });
    } catch (error) {
      this.log.warn('Failed to restart openvpn', {
        connection: this.connectionId(),
        attempt: this.attempt,
        error: (error as Error).message,
      });
      if (this.target.isStopping()) return;
      if (!this.schedule(reason)) {
        this.target.restartsExhausted(
          `openvpn could not be restarted after ${this.attempt - 1} attempts: ${(error as Error).message}`,
        );
      }
    }
  }
}
