import { canDisconnect, type ConnectionState } from '../connect/connection-state.ts';
import type { StatusSnapshot } from '../contract/status-state.ts';
import type { ReachabilitySummary } from '../reach/reachability.ts';
import type { TrayAction } from './tray-model.ts';
import type { TrayInputs } from './tray-notices.ts';

/** The part of the status service the tray follows. */
export interface TrayStatusSource {
  snapshot(): StatusSnapshot;
  subscribe(listener: (snapshot: StatusSnapshot) => void): () => void;
  summary(): ReachabilitySummary | undefined;
}

/** The connection actions the tray menu can start, as the wizard service runs them. */
export interface TrayConnectionActions {
  connect(): Promise<void>;
  reconnect(): Promise<void>;
  disconnect(): Promise<void>;
}

export interface TrayActionOptions {
  connection: TrayConnectionActions;
  /** Returns the current connection state, from which Quit decides whether a tunnel has to stop. */
  state: () => ConnectionState;
  showWindow: () => void;
  quit: () => void;
  /** Called with the error when an action fails, so the host can log it. */
  onError: (action: TrayAction, error: unknown) => void;
}

/**
 * Feeds the tray with the connection state and the reachability summary, at once and then on
 * every change of the status service. Returns the unsubscribe function.
 */
export function followStatus(
  source: TrayStatusSource,
  update: (inputs: TrayInputs) => void,
): () => void {
  const inputsOf = (snapshot: StatusSnapshot): TrayInputs => {
    const summary = source.summary();
    return summary === undefined
      ? { state: snapshot.connectionState }
      : { state: snapshot.connectionState, summary };
  };

  update(inputsOf(source.snapshot()));
  return source.subscribe((snapshot) => update(inputsOf(snapshot)));
}

/**
 * Returns the handler for the tray menu's actions. Quit stops a running tunnel first, because
 * once the app is gone nothing would show that the tunnel is still up. When that stop fails, the
 * error is reported and the app quits anyway.
 */
export function trayActionHandler(options: TrayActionOptions): (action: TrayAction) => void {
  const run = (action: TrayAction, work: () => Promise<void>) => {
    work().catch((error: unknown) => options.onError(action, error));
  };

  return (action) => {
    switch (action) {
      case 'connect':
        run(action, () => options.connection.connect());
        return;
      case 'reconnect':
        run(action, () => options.connection.reconnect());
        return;
      case 'disconnect':
        run(action, () => options.connection.disconnect());
        return;
      case 'open':
        options.showWindow();
        return;
      case 'quit':
        run(action, async () => {
          try {
            if (canDisconnect(options.state())) await options.connection.disconnect();
          } finally {
            options.quit();
          }
        });
        return;
    }
  };
}
