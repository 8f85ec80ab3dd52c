import type { ConnectionState } from './connection-state.ts';

/** Traffic through the tunnel since it came up, as the driver last reported it. */
export interface ByteCount {
  bytesIn: number;
  bytesOut: number;
}

/**
 * One way of running the tunnel: openvpn started directly, NetworkManager, the OpenVPN
 * interactive service on Windows or Tunnelblick on macOS. Each driver turns its platform's
 * events into the same `ConnectionState`, so the UI, the tray and the CLI do not care which
 * one runs.
 */
export interface ConnectionDriver {
  /** Short name for logs and diagnostics, e.g. "openvpn" or "networkmanager". */
  readonly name: string;

  /**
   * Makes the profile at `profilePath` the one `connect` uses. Drivers that keep their own copy
   * (NetworkManager, Tunnelblick) import it here and check that nothing was dropped.
   */
  installProfile(profilePath: string): Promise<void>;

  /** Starts the tunnel and resolves once it is connected; rejects with the error state's message. */
  connect(): Promise<ConnectionState>;

  /** Restarts the tunnel in place and resolves once it is connected again. */
  reconnect(): Promise<ConnectionState>;

  /** Stops the tunnel and resolves once nothing of it is left running. */
  disconnect(): Promise<void>;

  /** Returns the current state. */
  state(): ConnectionState;

  /** Subscribes to state changes; returns the unsubscribe function. */
  onState(listener: (state: ConnectionState) => void): () => void;

  /** Subscribes to byte counters, reported about once a second while connected. */
  onBytes(listener: (count: ByteCount) => void): () => void;
}
