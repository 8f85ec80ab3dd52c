import type { LayerStatus } from '../../main/contract/status-state.ts';
import type { NetworkStatus } from '../../main/reach/reachability.ts';

/** Days before expiry from which the status window warns about the certificate. */
export const CERTIFICATE_WARNING_DAYS = 14;

const BYTE_UNITS = ['B', 'KiB', 'MiB', 'GiB', 'TiB'] as const;

/** Formats a byte count in binary units: "512 B", "1.5 KiB", "12 MiB". */
export function formatBytes(bytes: number): string {
  let value = Math.max(0, bytes);
  let unit = 0;
  while (value >= 1024 && unit < BYTE_UNITS.length - 1) {
    value /= 1024;
    unit += 1;
  }

  if (unit === 0) return `${Math.round(value)} B`;
  // One decimal below 10 keeps the text short while small values still move visibly.
  const rounded = value < 10 ? Math.round(value * 10) / 10 : Math.round(value);
  // Rounding can reach 1024, which reads better as 1 of the next unit.
  if (rounded >= 1024 && unit < BYTE_UNITS.length - 1) return `1 ${BYTE_UNITS[unit + 1]}`;
  return `${rounded} ${BYTE_UNITS[unit]}`;
}

/** Formats the whole days a certificate has left, from `certificateExpiry`'s `daysLeft`. */
export function formatDaysLeft(daysLeft: number): string {
  if (daysLeft < 0) return 'expired';
  if (daysLeft === 0) return 'less than a day left';
  if (daysLeft === 1) return '1 day left';
  return `${daysLeft} days left`;
}

/** Tells whether the certificate expires soon enough, or has expired, to warn about it. */
export function certificateNeedsAttention(daysLeft: number): boolean {
  return daysLeft < CERTIFICATE_WARNING_DAYS;
}

/** Formats an ISO time as a date, such as "4 December 2027" in British English. */
export function formatDay(iso: string, locale?: string, timeZone?: string): string {
  return new Date(iso).toLocaleDateString(locale, { dateStyle: 'long', timeZone });
}

/** Formats an ISO time as a 24-hour clock time with seconds, "14:03:09". */
export function formatClockTime(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    second: '2-digit',
    hour12: false,
    timeZone,
  }).format(new Date(iso));
}

export const NETWORK_STATUS_LABELS: Record<NetworkStatus, string> = {
  reachable: 'Reachable',
  degraded: 'Degraded',
  unreachable: 'Unreachable',
  'no-route': 'No route',
  unknown: 'Not checked',
};

export const LAYER_STATUS_LABELS: Record<LayerStatus, string> = {
  up: 'Up',
  closed: 'Refused',
  down: 'Down',
  'no-route': 'No route',
  unknown: 'Not checked',
};

/** The keyboard shortcut for Reconnect, as aria-keyshortcuts names it and as a button shows it. */
export interface Shortcut {
  aria: string;
  label: string;
}

/** Returns the reconnect shortcut: Cmd+Shift+R on macOS, Ctrl+Shift+R elsewhere. */
export function reconnectShortcut(isMac: boolean): Shortcut {
  return isMac
    ? { aria: 'Meta+Shift+R', label: '⇧⌘R' }
    : { aria: 'Control+Shift+R', label: 'Ctrl+Shift+R' };
}

type KeyPress = Pick<KeyboardEvent, 'key' | 'ctrlKey' | 'metaKey' | 'shiftKey' | 'altKey'>;

/** Tells whether a key press is the reconnect shortcut on this platform, and nothing more. */
export function isReconnectShortcut(event: KeyPress, isMac: boolean): boolean {
  const command = isMac ? event.metaKey && !event.ctrlKey : event.ctrlKey && !event.metaKey;
  return command && event.shiftKey && !event.altKey && event.key.toLowerCase() === 'r';
}

/** Tells whether a platform string, such as `navigator.platform`, names macOS. */
export function isMacPlatform(platform: string): boolean {
  return /^mac/i.test(platform);
}
