import { setTimeout as sleep } from 'node:timers/promises';

import { DISCONNECTED, type ConnectionState, type Endpoint } from '../connect/connection-state.ts';
import type { ByteCount } from '../connect/driver.ts';
import type { WizardConnectionDriver } from '../services/wizard-connection.ts';

export interface ScriptedDriverOptions {
  /** The state the driver starts in; disconnected by default. */
  initial?: ConnectionState;
  /** The server a connect reaches. */
  endpoint: Endpoint;
  /** The address the tunnel gets. */
  tunnelAddress: string;
  /** Milliseconds each transition takes, so a window can show the state between; default 0. */
  stepMs?: number;
}

/**
 * A connection driver for tests that moves through the states a real one reports, without
 * starting anything or sending any packet. Tests drive it like a user would, and push byte
 * counters and state changes the way openvpn's management interface would.
 */
export class ScriptedDriver implements WizardConnectionDriver {
  readonly name = 'scripted';
  /** Every action requested of the driver, in order. */
  readonly calls: string[] = [];
  private current: ConnectionState;
  private readonly stateListeners = new Set<(state: ConnectionState) => void>();
  private readonly byteListeners = new Set<(count: ByteCount) => void>();

  constructor(private readonly options: ScriptedDriverOptions) {
    this.current = options.initial ?? DISCONNECTED;
  }

  /** Returns the connected state this driver reports, as of now. */
  connectedState(): ConnectionState {
    return {
      status: 'connected',
      endpoint: this.options.endpoint,
      tunnelAddress: this.options.tunnelAddress,
      since: new Date().toISOString(),
    };
  }

  installProfile(_profilePath: string): Promise<void> {
    this.calls.push('installProfile');
    return Promise.resolve();
  }

  async connect(): Promise<ConnectionState> {
    this.calls.push('connect');
    this.set({ status: 'connecting', phase: 'starting' });
    await this.step();
    this.set(this.connectedState());
    return this.current;
  }

  async reconnect(): Promise<ConnectionState> {
    this.calls.push('reconnect');
    this.set({ status: 'reconnecting', reason: 'requested by the user' });
    await this.step();
    this.set(this.connectedState());
    return this.current;
  }

  async disconnect(): Promise<void> {
    this.calls.push('disconnect');
    this.set({ status: 'disconnecting' });
    await this.step();
    this.set(DISCONNECTED);
  }

  state(): ConnectionState {
    return this.current;
  }

  onState(listener: (state: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    return () => this.stateListeners.delete(listener);
  }

  onBytes(listener: (count: ByteCount) => void): () => void {
    this.byteListeners.add(listener);
    return () => this.byteListeners.delete(listener);
  }

  /** Reports a state change, as the driver does when openvpn changes state on its own. */
  set(state: ConnectionState): void {
    this.current = state;
    for (const listener of this.stateListeners) listener(state);
  }

  /** Reports byte counters, as openvpn's `>BYTECOUNT` notifications do. */
  reportBytes(count: ByteCount): void {
    for (const listener of this.byteListeners) listener(count);
  }

  private async step(): Promise<void> {
    const milliseconds = this.options.stepMs ?? 0;
    if (milliseconds > 0) await sleep(milliseconds);
  }
}
