import { NoticeLimiter, type NoticeLimits } from './notice-limiter.ts';
import { trayModel, type TrayModel } from './tray-model.ts';
import { noticesBetween, type Notice, type TrayInputs } from './tray-notices.ts';

export interface TrayPresenterOptions {
  /** Draws the model; on a desktop without a tray, the host passes a function that does nothing. */
  render: (model: TrayModel) => void;
  notify: (notice: Notice) => void;
  /** Minimum milliseconds between two renders; default 500. */
  minRenderIntervalMs?: number;
  noticeLimits?: NoticeLimits;
  appName?: string;
  now?: () => number;
}

const DEFAULT_MIN_RENDER_INTERVAL_MS = 500;

/**
 * Turns each change of the connection state and the reachability summary into a tray render and
 * desktop notifications. Renders are throttled, because byte counters and probe rounds change
 * the inputs often and some trays flicker when redrawn. The first change renders at once, later
 * ones within the interval merge into one render at its end, and a model equal to the one on
 * screen is not drawn again. Notices are computed from every change, so none is lost to the
 * throttle, and then rate-limited.
 */
export class TrayPresenter {
  private previous: TrayInputs | undefined;
  private pending: TrayInputs | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastRenderAt = Number.NEGATIVE_INFINITY;
  private lastRendered = '';
  private readonly limiter: NoticeLimiter;
  private readonly minInterval: number;
  private readonly now: () => number;

  constructor(private readonly options: TrayPresenterOptions) {
    this.limiter = new NoticeLimiter(options.noticeLimits);
    this.minInterval = options.minRenderIntervalMs ?? DEFAULT_MIN_RENDER_INTERVAL_MS;
    this.now = options.now ?? Date.now;
  }

  update(inputs: TrayInputs): void {
    for (const notice of noticesBetween(this.previous, inputs)) {
      const admitted = this.limiter.admit(notice, this.now());
      if (admitted !== undefined) this.options.notify(admitted);
    }
    this.previous = inputs;

    this.pending = inputs;
    if (this.timer !== undefined) return;

    const wait = this.lastRenderAt + this.minInterval - this.now();
    if (wait <= 0) {
      this.renderPending();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.renderPending();
    }, wait);
  }

  /** Cancels a scheduled render, for shutdown. */
  dispose(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.pending = undefined;
  }

  private renderPending(): void {
    const inputs = this.pending;
    this.pending = undefined;
    if (inputs === undefined) return;

    this.lastRenderAt = this.now();
    const model = trayModel(inputs.state, inputs.summary, this.options.appName);
    const serialised = JSON.stringify(model);
    if (serialised === this.lastRendered) return;
    this.lastRendered = serialised;
    this.options.render(model);
  }
}
