import { describe, expect, it } from 'vitest';

import {
  certificateNeedsAttention,
  formatBytes,
  formatClockTime,
  formatDay,
  formatDaysLeft,
  isMacPlatform,
  isReconnectShortcut,
  reconnectShortcut,
} from './status-text.ts';

describe('byte formatting', () => {
  it.each([
    [0, '0 B'],
    [512, '512 B'],
    [1023, '1023 B'],
    [1024, '1 KiB'],
    [1536, '1.5 KiB'],
    [10 * 1024, '10 KiB'],
    [12.6 * 1024 * 1024, '13 MiB'],
    [3.25 * 1024 ** 3, '3.3 GiB'],
  ])('formats %d bytes as %s', (bytes, text) => {
    expect(formatBytes(bytes)).toBe(text);
  });

  it('moves to the next unit when rounding reaches 1024', () => {
    expect(formatBytes(1024 * 1024 - 1)).toBe('1 MiB');
  });

  it('treats a negative count as zero', () => {
    expect(formatBytes(-5)).toBe('0 B');
  });
});

describe('days left', () => {
  it.each([
    [365, '365 days left'],
    [2, '2 days left'],
    [1, '1 day left'],
    [0, 'less than a day left'],
    [-1, 'expired'],
  ])('formats %d as %s', (days, text) => {
    expect(formatDaysLeft(days)).toBe(text);
  });

  it('warns under 14 days', () => {
    expect(certificateNeedsAttention(13)).toBe(true);
    expect(certificateNeedsAttention(14)).toBe(false);
  });

  it('warns once expired', () => {
    expect(certificateNeedsAttention(-3)).toBe(true);
  });
});

describe('time formatting', () => {
  it('formats a clock time with seconds', () => {
    expect(formatClockTime('2026-12-04T09:05:07.250Z', 'UTC')).toBe('09:05:07');
  });

  it('formats a day', () => {
    expect(formatDay('2027-12-04T14:00:00.000Z', 'en-GB', 'UTC')).toBe('4 December 2027');
  });
});

describe('reconnect shortcut', () => {
  const press = (key: string, modifiers: Partial<KeyboardEvent> = {}) => ({
    key,
    ctrlKey: false,
    metaKey: false,
    shiftKey: false,
    altKey: false,
    ...modifiers,
  });

  it('is Ctrl+Shift+R outside macOS', () => {
    expect(isReconnectShortcut(press('R', { ctrlKey: true, shiftKey: true }), false)).toBe(true);
  });

  it('is Cmd+Shift+R on macOS', () => {
    expect(isReconnectShortcut(press('r', { metaKey: true, shiftKey: true }), true)).toBe(true);
  });

  it('ignores Ctrl+R without Shift', () => {
    expect(isReconnectShortcut(press('r', { ctrlKey: true }), false)).toBe(false);
  });

  it('ignores Ctrl+Shift+R on macOS', () => {
    expect(isReconnectShortcut(press('R', { ctrlKey: true, shiftKey: true }), true)).toBe(false);
  });

  it('ignores an extra Alt', () => {
    const event = press('R', { ctrlKey: true, shiftKey: true, altKey: true });
    expect(isReconnectShortcut(event, false)).toBe(false);
  });

  it('names the keys for aria-keyshortcuts', () => {
    expect(reconnectShortcut(false).aria).toBe('Control+Shift+R');
    expect(reconnectShortcut(true).aria).toBe('Meta+Shift+R');
  });

  it('recognises macOS platforms', () => {
    expect(isMacPlatform('MacIntel')).toBe(true);
    expect(isMacPlatform('Linux x86_64')).toBe(false);
  });
});
