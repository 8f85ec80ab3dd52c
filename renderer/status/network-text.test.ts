import { describe, expect, it } from 'vitest';

import type { LayerView, NetworkStatusView } from '../../main/contract/status-state.ts';
import { changeNote, formatClockMinutes, headlineLatency, layerValue } from './network-text.ts';

function services(patch: Partial<LayerView>): LayerView {
  return { layer: 'service', label: 'Services', status: 'up', detail: '', ...patch };
}

function network(patch: Partial<NetworkStatusView> = {}): NetworkStatusView {
  return {
    networkId: 'legacy-peers',
    name: 'Legacy VPN peers',
    status: 'reachable',
    latencyMs: 4.2,
    explanation: '',
    changedAt: '2026-12-04T14:15:46.000Z',
    statusChanged: false,
    layers: [services({ latencyMs: 4.2, ports: { total: 2, refused: 0 } })],
    history: [],
    ...patch,
  };
}

describe('headline latency', () => {
  it('shows a reachable network as it is', () => {
    expect(headlineLatency(network(), true)).toEqual({ text: '4.2 ms', muted: false });
  });

  it('shows a dash before the first check', () => {
    expect(headlineLatency(network(), false)).toEqual({ text: '—', muted: false });
  });

  it('notes no answer without a latency', () => {
    const unreachable = network({ status: 'unreachable', latencyMs: undefined });

    expect(headlineLatency(unreachable, true)).toEqual({
      text: '—',
      muted: false,
      note: 'no answer',
    });
  });

  it('calls it ping when every port refuses', () => {
    const refusing = network({
      status: 'degraded',
      latencyMs: 0.4,
      layers: [services({ status: 'closed', ports: { total: 2, refused: 2 } })],
    });

    const headline = headlineLatency(refusing, true);

    expect(headline.text).toBe('ping 0.4 ms');
    expect(headline.muted).toBe(true);
    expect(headline.note).toMatch(/no service port accepts connections/);
  });

  it('mutes a degraded network whose ports partly accept', () => {
    const degraded = network({
      status: 'degraded',
      layers: [services({ status: 'closed', latencyMs: 4.2, ports: { total: 2, refused: 1 } })],
    });

    const headline = headlineLatency(degraded, true);

    expect(headline.text).toBe('4.2 ms');
    expect(headline.muted).toBe(true);
  });

  it('mutes without ping when no ports are probed', () => {
    const degraded = network({
      status: 'degraded',
      layers: [services({ status: 'unknown', latencyMs: undefined })],
    });

    expect(headlineLatency(degraded, true)).toMatchObject({ text: '4.2 ms', muted: true });
  });
});

describe('layer value', () => {
  it('shows the latency of a layer that is up', () => {
    expect(layerValue(services({ latencyMs: 2.7 }))).toBe('2.7 ms');
  });

  it('counts refused ports among several', () => {
    expect(layerValue(services({ status: 'closed', ports: { total: 3, refused: 2 } }))).toBe(
      '2 of 3 refused',
    );
  });

  it('says refused for a single port', () => {
    expect(layerValue(services({ status: 'closed', ports: { total: 1, refused: 1 } }))).toBe(
      'Refused',
    );
  });

  it('keeps down over refused', () => {
    expect(layerValue(services({ status: 'down', ports: { total: 2, refused: 1 } }))).toBe('Down');
  });
});

describe('change note', () => {
  it('says no change since the first check', () => {
    expect(changeNote(network(), 'UTC')).toEqual({ label: 'no change since', time: '14:15' });
  });

  it('gives the time of a real change to the second', () => {
    const changed = network({ statusChanged: true, changedAt: '2026-12-04T14:17:39.000Z' });

    expect(changeNote(changed, 'UTC')).toEqual({ label: 'changed', time: '14:17:39' });
  });

  it('formats minutes on a 24-hour clock', () => {
    expect(formatClockMinutes('2026-12-04T21:05:59.000Z', 'UTC')).toBe('21:05');
  });
});
