import { z } from 'zod';

/** Steps of a connect attempt, in the order OpenVPN usually goes through them. */
export const CONNECTING_PHASES = [
  'starting',
  'resolving',
  'connecting',
  'authenticating',
  'getting-config',
  'assigning-address',
  'adding-routes',
] as const;

export type ConnectingPhase = (typeof CONNECTING_PHASES)[number];

/** Cause of a connection's error state. */
export const CONNECTION_ERROR_KINDS = [
  'certificate',
  'profile',
  'openvpn-missing',
  'openvpn-exited',
  'management',
  'timeout',
  'auth-failed',
] as const;

export type ConnectionErrorKind = (typeof CONNECTION_ERROR_KINDS)[number];

const endpointSchema = z.object({
  host: z.string(),
  port: z.number().int().min(0).max(65_535),
});

/** Runtime schema of the connection state, for the IPC contract and the CLI's `--json` output. */
export const connectionStateSchema = z.discriminatedUnion('status', [
  z.object({ status: z.literal('disconnected') }),
  z.object({ status: z.literal('connecting'), phase: z.enum(CONNECTING_PHASES) }),
  z.object({
    status: z.literal('connected'),
    endpoint: endpointSchema,
    tunnelAddress: z.string(),
    since: z.iso.datetime(),
  }),
  // openvpn reports the tunnel as connected, but the tunnel check found that nothing passes.
  z.object({
    status: z.literal('degraded'),
    endpoint: endpointSchema,
    tunnelAddress: z.string(),
    // When the tunnel check found that the tunnel passes no traffic.
    since: z.iso.datetime(),
    // The cause of the failed check, as a sentence for people.
    reason: z.string(),
  }),
  z.object({ status: z.literal('reconnecting'), reason: z.string() }),
  z.object({ status: z.literal('disconnecting') }),
  z.object({
    status: z.literal('error'),
    kind: z.enum(CONNECTION_ERROR_KINDS),
    message: z.string(),
  }),
]);

/** The tunnel's state, owned by main; the UI, the tray and the CLI only render it. */
export type ConnectionState = z.infer<typeof connectionStateSchema>;

export type ConnectionStatus = ConnectionState['status'];

/** The VPN server a connected tunnel goes to. */
export type Endpoint = z.infer<typeof endpointSchema>;

export const DISCONNECTED: ConnectionState = { status: 'disconnected' };

/** Tells whether a connect request makes sense now: nothing runs, or the last attempt failed. */
export function canConnect(state: ConnectionState): boolean {
  return state.status === 'disconnected' || state.status === 'error';
}

/** Tells whether a one-click reconnect makes sense now: a tunnel exists or is being set up. */
export function canReconnect(state: ConnectionState): boolean {
  return isRunning(state);
}

/** Tells whether a disconnect makes sense now: something runs that can be stopped. */
export function canDisconnect(state: ConnectionState): boolean {
  return isRunning(state);
}

function isRunning(state: ConnectionState): boolean {
  switch (state.status) {
    case 'connecting':
    case 'connected':
    case 'degraded':
    case 'reconnecting':
      return true;
    case 'disconnected':
    case 'disconnecting':
    case 'error':
      return false;
  }
}

/** Formats a state as one line for logs, the CLI and the tray tooltip. */
export function describeState(state: ConnectionState): string {
  switch (state.status) {
    case 'disconnected':
      return 'Disconnected';
    case 'connecting':
      return `Connecting (${state.phase})`;
    case 'connected':
      return `Connected to ${state.endpoint.host}:${state.endpoint.port} as ${state.tunnelAddress}`;
    case 'degraded':
      return (
        `Degraded: connected to ${state.endpoint.host}:${state.endpoint.port} as ` +
        `${state.tunnelAddress}, but the tunnel passes no traffic. ${state.reason}`
      );
    case 'reconnecting':
      return `Reconnecting: ${state.reason}`;
    case 'disconnecting':
      return 'Disconnecting';
    case 'error':
      return `Error: ${state.message}`;
  }
}
