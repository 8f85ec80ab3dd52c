import type { Notice } from './tray-notices.ts';

export interface NoticeLimits {
  /** Minimum milliseconds between two notices with the same key; default 60 000. */
  perKeyGapMs?: number;
  /** Maximum notices in any `windowMs`, whatever their keys; default 3. */
  maxPerWindow?: number;
  /** Length of the sliding window for `maxPerWindow`, in milliseconds; default 30 000. */
  windowMs?: number;
}

const DEFAULT_PER_KEY_GAP_MS = 60_000;
const DEFAULT_MAX_PER_WINDOW = 3;
const DEFAULT_WINDOW_MS = 30_000;

/**
 * Rate-limits desktop notifications, so a flapping network or a reconnect loop does not bury the
 * desktop in popups. A notice that is held back is counted, and the next one that goes out
 * states how many changes it covers, so nothing passes unmentioned. The connection's own notices
 * (key "connection") are only held back by the sliding window, because each one changes what the
 * user can do.
 */
export class NoticeLimiter {
  private readonly lastByKey = new Map<string, number>();
  private sentTimes: number[] = [];
  private held = 0;
  private readonly perKeyGapMs: number;
  private readonly maxPerWindow: number;
  private readonly windowMs: number;

  constructor(limits: NoticeLimits = {}) {
    this.perKeyGapMs = limits.perKeyGapMs ?? DEFAULT_PER_KEY_GAP_MS;
    this.maxPerWindow = limits.maxPerWindow ?? DEFAULT_MAX_PER_WINDOW;
    this.windowMs = limits.windowMs ?? DEFAULT_WINDOW_MS;
  }

  /** Returns the notice to show now, with a count of held-back ones, or undefined to hold it. */
  admit(notice: Notice, now: number): Notice | undefined {
    this.sentTimes = this.sentTimes.filter((time) => now - time < this.windowMs);

    const last = this.lastByKey.get(notice.key);
    const tooSoonForKey =
      notice.key !== 'connection' && last !== undefined && now - last < this.perKeyGapMs;
    if (tooSoonForKey || this.sentTimes.length >= this.maxPerWindow) {
      this.held += 1;
      return undefined;
    }

    this.lastByKey.set(notice.key, now);
    this.sentTimes.push(now);
    const held = this.held;
    this.held = 0;
    if (held === 0) return notice;

    const noun = held === 1 ? 'change' : 'changes';
    return {
      ...notice,
      body: `${notice.body}\n${held} earlier ${noun} not shown; open the window for details.`,
    };
  }
}
