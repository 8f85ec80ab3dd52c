import {
  canConnect,
  canDisconnect,
  canReconnect,
  describeState,
  type ConnectionState,
} from '../connect/connection-state.ts';
import { formatLatency } from '../reach/judgement.ts';
import { NETWORK_STATUS_WORDS, type ReachabilitySummary } from '../reach/reachability.ts';

export const TRAY_ICONS = ['disconnected', 'connecting', 'connected', 'degraded', 'error'] as const;

/** The tray icon's state; each has its own shape in resources/tray. */
export type TrayIcon = (typeof TRAY_ICONS)[number];

export type TrayAction = 'connect' | 'disconnect' | 'reconnect' | 'open' | 'quit';

/** One tray menu line: a label, or a command the host wires to an action. */
export type TrayMenuItem =
  | { kind: 'label'; id: string; label: string }
  | { kind: 'separator' }
  | { kind: 'action'; action: TrayAction; label: string; enabled: boolean };

/** Everything the tray shows for one state. */
export interface TrayModel {
  icon: TrayIcon;
  tooltip: string;
  menu: TrayMenuItem[];
}

/**
 * Maps the connection state and the latest reachability summary to the tray's icon, tooltip and
 * menu. A degraded tunnel, and a connected one with any network not reachable, show as
 * degraded. Pure, so every combination is unit-tested and the Electron tray only renders the
 * result.
 */
export function trayModel(
  state: ConnectionState,
  summary: ReachabilitySummary | undefined,
  appName = 'VPN Onboard',
): TrayModel {
  const icon = iconFor(state, summary);
  const statusLine = statusLineFor(state, summary);
  const networkLines = (summary?.networks ?? []).map((network): TrayMenuItem => {
    const latency =
      network.status === 'reachable' && network.latencyMs !== undefined
        ? `, ${formatLatency(network.latencyMs)}`
        : '';
    return {
      kind: 'label',
      id: `network:${network.networkId}`,
      label: `${network.name}: ${NETWORK_STATUS_WORDS[network.status]}${latency}`,
    };
  });

  const connectItem: TrayMenuItem = canDisconnect(state)
    ? { kind: 'action', action: 'disconnect', label: 'Disconnect', enabled: true }
    : { kind: 'action', action: 'connect', label: 'Connect', enabled: canConnect(state) };

  const menu: TrayMenuItem[] = [
    { kind: 'label', id: 'status', label: statusLine },
    ...(networkLines.length > 0 ? [{ kind: 'separator' } as const, ...networkLines] : []),
    { kind: 'separator' },
    connectItem,
    { kind: 'action', action: 'reconnect', label: 'Reconnect', enabled: canReconnect(state) },
    { kind: 'separator' },
    { kind: 'action', action: 'open', label: `Open ${appName}`, enabled: true },
    { kind: 'action', action: 'quit', label: 'Quit', enabled: true },
  ];

  // The explanation of each problem goes in the tooltip, because menus show one short line each.
  const reason = state.status === 'degraded' ? [state.reason] : [];
  const tunnelUp = state.status === 'connected' || state.status === 'degraded';
  const problems = tunnelUp ? unhealthyNetworks(summary) : [];
  const tooltip = [
    `${appName}: ${statusLine}`,
    ...reason,
    ...problems.map((network) => network.explanation),
  ];
  return { icon, tooltip: tooltip.join('\n'), menu };
}

function iconFor(state: ConnectionState, summary: ReachabilitySummary | undefined): TrayIcon {
  switch (state.status) {
    case 'disconnected':
      return 'disconnected';
    case 'disconnecting':
      return 'disconnected';
    case 'connecting':
    case 'reconnecting':
      return 'connecting';
    case 'error':
      return 'error';
    case 'degraded':
      return 'degraded';
    case 'connected':
      return unhealthyNetworks(summary).length > 0 ? 'degraded' : 'connected';
  }
}

function statusLineFor(state: ConnectionState, summary: ReachabilitySummary | undefined): string {
  // The reason is a sentence of its own in the tooltip, so the menu line stays short.
  if (state.status === 'degraded') {
    return `Connected to ${state.endpoint.host}, but no traffic passes`;
  }
  if (state.status !== 'connected') return describeState(state);

  const networks = summary?.networks ?? [];
  const unhealthy = unhealthyNetworks(summary);
  if (networks.length === 0) return describeState(state);
  const noun = networks.length === 1 ? 'network' : 'networks';
  if (unhealthy.length === 0) return `Connected; ${networks.length} ${noun} reachable`;
  return `Connected; ${unhealthy.length} of ${networks.length} ${noun} with problems`;
}

function unhealthyNetworks(summary: ReachabilitySummary | undefined) {
  return (summary?.networks ?? []).filter(
    (network) => network.status !== 'reachable' && network.status !== 'unknown',
  );
}
