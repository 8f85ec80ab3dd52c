import type { ConnectionState } from '../connect/connection-state.ts';
import { isUsable, type NetworkVerdict, type ReachabilitySummary } from '../reach/reachability.ts';

/** The inputs the tray and its notifications are computed from. */
export interface TrayInputs {
  state: ConnectionState;
  summary?: ReachabilitySummary;
}

/** A desktop notification. `key` groups notices about the same thing for rate limiting. */
export interface Notice {
  key: string;
  title: string;
  body: string;
}

/**
 * Lists the changes between two inputs that deserve a desktop notification: the tunnel coming
 * up, passing no traffic, dropping, failing over or failing, and a network becoming unreachable or reachable again
 * while connected. A disconnect the user asked for (it passes through `disconnecting`) and the
 * first inputs after start are not news, so they give no notice.
 */
export function noticesBetween(previous: TrayInputs | undefined, next: TrayInputs): Notice[] {
  if (previous === undefined) return [];

  const notices: Notice[] = [];
  const connection = connectionNotice(previous.state, next.state);
  if (connection !== undefined) notices.push(connection);

  if (previous.state.status === 'connected' && next.state.status === 'connected') {
    notices.push(...networkNotices(previous.summary, next.summary));
  }
  return notices;
}

function connectionNotice(previous: ConnectionState, next: ConnectionState): Notice | undefined {
  if (previous.status === next.status) return failoverNotice(previous, next);

  if (next.status === 'connected') {
    const verb = previous.status === 'reconnecting' ? 'Reconnected' : 'Connected';
    return {
      key: 'connection',
      title: `${verb} to the VPN`,
      body: `${next.endpoint.host}:${next.endpoint.port}, address ${next.tunnelAddress}`,
    };
  }
  if (next.status === 'degraded') {
    return {
      key: 'connection',
      title: 'VPN connected but passing no traffic',
      body: next.reason,
    };
  }
  if (next.status === 'reconnecting' && previous.status === 'connected') {
    return { key: 'connection', title: 'VPN connection lost, reconnecting', body: next.reason };
  }
  if (next.status === 'error') {
    return { key: 'connection', title: 'VPN connection failed', body: next.message };
  }
  if (next.status === 'disconnected' && previous.status !== 'disconnecting') {
    return {
      key: 'connection',
      title: 'VPN disconnected',
      body: 'The tunnel stopped without a disconnect request. Use Connect to start it again.',
    };
  }
  return undefined;
}

/** Returns a notice when a connected tunnel moved to another server with no state in between. */
function failoverNotice(previous: ConnectionState, next: ConnectionState): Notice | undefined {
  if (previous.status !== 'connected' || next.status !== 'connected') return undefined;

  const sameEndpoint =
    previous.endpoint.host === next.endpoint.host && previous.endpoint.port === next.endpoint.port;
  if (sameEndpoint) return undefined;
  return {
    key: 'connection',
    title: 'VPN moved to another server',
    body: `${next.endpoint.host}:${next.endpoint.port}, address ${next.tunnelAddress}`,
  };
}

function networkNotices(
  previous: ReachabilitySummary | undefined,
  next: ReachabilitySummary | undefined,
): Notice[] {
  if (previous === undefined || next === undefined) return [];

  const before = new Map(previous.networks.map((network) => [network.networkId, network]));
  return next.networks.flatMap((network): Notice[] => {
    const earlier = before.get(network.networkId);
    if (earlier === undefined) return [];
    if (wentDown(earlier, network)) {
      return [
        {
          key: `network:${network.networkId}`,
          title: `${network.name} is unreachable`,
          body: network.explanation,
        },
      ];
    }
    if (cameBack(earlier, network)) {
      return [
        {
          key: `network:${network.networkId}`,
          title: `${network.name} is reachable again`,
          body: network.explanation,
        },
      ];
    }
    return [];
  });
}

// `unknown` means the round did not judge the network, so changes to or from it are not news.
function wentDown(earlier: NetworkVerdict, now: NetworkVerdict): boolean {
  return isUsable(earlier.status) && !isUsable(now.status) && now.status !== 'unknown';
}

function cameBack(earlier: NetworkVerdict, now: NetworkVerdict): boolean {
  return !isUsable(earlier.status) && earlier.status !== 'unknown' && isUsable(now.status);
}
