import type { LayerView, NetworkStatusView } from '../../main/contract/status-state.ts';
import { formatLatency } from '../../main/reach/judgement.ts';
import { formatClockTime, LAYER_STATUS_LABELS } from './status-text.ts';

/** The latency in a network card's headline and how it reads. */
export interface HeadlineLatency {
  text: string;
  /**
   * True when the number is not a healthy round trip: the network is not reachable as a whole,
   * so the card shows the number in muted type.
   */
  muted: boolean;
  /** Words for screen readers and the tooltip, when the number alone would mislead. */
  note?: string;
}

/**
 * Picks the headline latency of a network card. A reachable network shows its latency as it
 * is. Any other status mutes it, and when no service port accepted a connection the number
 * comes from echo replies alone, so it reads "ping" and the note explains why.
 */
export function headlineLatency(network: NetworkStatusView, checked: boolean): HeadlineLatency {
  if (!checked) return { text: '—', muted: false };
  if (network.latencyMs === undefined) return { text: '—', muted: false, note: 'no answer' };

  const latency = formatLatency(network.latencyMs);
  if (network.status === 'reachable') return { text: latency, muted: false };

  const services = network.layers.find((layer) => layer.layer === 'service');
  const noPortAccepted = services?.ports !== undefined && services.latencyMs === undefined;
  if (!noPortAccepted) {
    return { text: latency, muted: true, note: 'from the targets that answer' };
  }
  return {
    text: `ping ${latency}`,
    muted: true,
    note: 'echo reply only; no service port accepts connections',
  };
}

/** Formats the value at the right of a layer row: its latency, its status, or refused ports. */
export function layerValue(layer: LayerView): string {
  if (layer.status === 'up' && layer.latencyMs !== undefined) return formatLatency(layer.latencyMs);

  const ports = layer.ports;
  if (layer.status === 'closed' && ports !== undefined && ports.total > 1) {
    return `${ports.refused} of ${ports.total} refused`;
  }
  return LAYER_STATUS_LABELS[layer.status];
}

/** The "changed …" line of a network card: its words and the time they refer to. */
export interface ChangeNote {
  label: string;
  time: string;
}

/**
 * Describes when a network's status last changed. Until it changes, `changedAt` is only the
 * first check after the app started, so the note reads "no change since" with the minute.
 */
export function changeNote(network: NetworkStatusView, timeZone?: string): ChangeNote {
  if (network.statusChanged) {
    return { label: 'changed', time: formatClockTime(network.changedAt, timeZone) };
  }
  return { label: 'no change since', time: formatClockMinutes(network.changedAt, timeZone) };
}

/** Formats an ISO time as a 24-hour clock time without seconds, "14:03". */
export function formatClockMinutes(iso: string, timeZone?: string): string {
  return new Intl.DateTimeFormat('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    hour12: false,
    timeZone,
  }).format(new Date(iso));
}
