import type { ConnectingPhase, ConnectionState } from './connection-state.ts';
import type { ManagementNotification } from './management-parser.ts';

// State names from the OpenVPN 2.6 management interface documentation (management-notes.txt).
const PHASES: Record<string, ConnectingPhase> = {
  CONNECTING: 'connecting',
  RESOLVE: 'resolving',
  TCP_CONNECT: 'connecting',
  WAIT: 'connecting',
  AUTH: 'authenticating',
  AUTH_PENDING: 'authenticating',
  GET_CONFIG: 'getting-config',
  ASSIGN_IP: 'assigning-address',
  ADD_ROUTES: 'adding-routes',
};

/** Maps an OpenVPN state name to the phase of a connect attempt, if it is one. */
export function phaseOf(openvpnState: string): ConnectingPhase | undefined {
  return PHASES[openvpnState];
}

// Reasons openvpn gives in the description of a RECONNECTING state.
const REASONS: Record<string, string> = {
  SIGUSR1: 'reconnect requested',
  SIGHUP: 'restart requested',
  'ping-restart': 'the server stopped responding',
  server_poll: 'the server did not respond in time',
  'connection-reset': 'the server reset the connection',
  'tls-error': 'the TLS handshake failed',
  'auth-failure': 'the server rejected the client certificate',
  init_instance: 'openvpn could not start the tunnel',
};

/** Turns the reason code of a RECONNECTING state into words, keeping the code for support. */
export function reconnectReason(code: string): string {
  if (code === '') return 'openvpn restarted the connection';
  const words = REASONS[code];
  return words === undefined ? `openvpn restarted the connection (${code})` : `${words} (${code})`;
}

/**
 * Returns the connection state that follows a `>STATE:` notification, or undefined when it
 * changes nothing. Connect steps after a RECONNECTING keep the reconnecting state, so the user
 * keeps seeing why the tunnel went down.
 */
export function stateAfter(
  current: ConnectionState,
  state: Extract<ManagementNotification, { kind: 'state' }>,
): ConnectionState | undefined {
  if (state.name === 'CONNECTED') {
    // State times are whole seconds.
    const since = Number.isNaN(state.time) ? new Date() : new Date(state.time * 1000);
    return {
      status: 'connected',
      endpoint: { host: state.remoteAddress, port: state.remotePort ?? 0 },
      tunnelAddress: state.localAddress,
      since: since.toISOString(),
    };
  }

  if (state.name === 'RECONNECTING') {
    // The driver moves to reconnecting with its own reason before it sends SIGUSR1, so openvpn's
    // echo of that signal keeps the driver's reason, such as a failed tunnel check.
    if (current.status === 'reconnecting' && state.description === 'SIGUSR1') return undefined;
    return { status: 'reconnecting', reason: reconnectReason(state.description) };
  }

  const phase = phaseOf(state.name);
  if (phase === undefined) return undefined;
  if (current.status !== 'connecting' && current.status !== 'disconnected') return undefined;
  return { status: 'connecting', phase };
}
