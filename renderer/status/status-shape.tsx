import type { ReactElement } from 'react';

import type { ConnectionState } from '../../main/connect/connection-state.ts';
import type { LayerStatus } from '../../main/contract/status-state.ts';
import type { NetworkStatus } from '../../main/reach/reachability.ts';

/**
 * The look of a status. Each tone has its own shape (circle, triangle, square, slashed circle,
 * dashed circle, ring), so the status reads without colour too.
 */
export type Tone = 'ok' | 'warn' | 'bad' | 'blocked' | 'unknown' | 'busy';

export const NETWORK_TONES: Record<NetworkStatus, Tone> = {
  reachable: 'ok',
  degraded: 'warn',
  unreachable: 'bad',
  'no-route': 'blocked',
  unknown: 'unknown',
};

export const LAYER_TONES: Record<LayerStatus, Tone> = {
  up: 'ok',
  closed: 'warn',
  down: 'bad',
  'no-route': 'blocked',
  unknown: 'unknown',
};

/** Picks the tone of a connection state; a tunnel with an endpoint that is not connected warns. */
export function connectionTone(state: ConnectionState): Tone {
  if (state.status === 'connected') return 'ok';
  if (state.status === 'error') return 'bad';
  if (state.status === 'disconnected') return 'unknown';
  if ('endpoint' in state) return 'warn';
  return 'busy';
}

/** Draws the shape of `tone`; decorative, so the text beside it must name the status. */
export function StatusShape({ tone, size = 14 }: { tone: Tone; size?: number }) {
  return (
    <svg
      className={`shape shape-${tone}`}
      width={size}
      height={size}
      viewBox="0 0 16 16"
      aria-hidden="true"
      focusable="false"
    >
      {SHAPES[tone]}
    </svg>
  );
}

const SHAPES: Record<Tone, ReactElement> = {
  ok: (
    <>
      <circle className="shape-fill" cx="8" cy="8" r="7.5" />
      <path className="shape-mark" d="M4.6 8.3l2.3 2.3 4.5-4.8" />
    </>
  ),
  warn: (
    <>
      <path className="shape-fill" d="M8 0.8l7.6 13.7H0.4z" />
      <path className="shape-mark" d="M8 5.6v4.2M8 11.9v0.2" />
    </>
  ),
  bad: (
    <>
      <rect className="shape-fill" x="0.8" y="0.8" width="14.4" height="14.4" rx="2.5" />
      <path className="shape-mark" d="M5.2 5.2l5.6 5.6M10.8 5.2l-5.6 5.6" />
    </>
  ),
  blocked: (
    <>
      <circle className="shape-line" cx="8" cy="8" r="6.5" />
      <path className="shape-line" d="M3.4 12.6l9.2-9.2" />
    </>
  ),
  unknown: <circle className="shape-line shape-dashed" cx="8" cy="8" r="6.5" />,
  busy: (
    <>
      <circle className="shape-line shape-faint" cx="8" cy="8" r="6.5" />
      <path className="shape-line shape-spin" d="M8 1.5a6.5 6.5 0 0 1 6.5 6.5" />
    </>
  ),
};
