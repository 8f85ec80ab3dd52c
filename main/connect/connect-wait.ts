import type { ConnectionState } from './connection-state.ts';

type ErrorState = Extract<ConnectionState, { status: 'error' }>;

/** Raised by a driver's connect and reconnect; `state` is the error state the driver moved to. */
export class ConnectError extends Error {
  override name = 'ConnectError';

  constructor(readonly state: ErrorState) {
    super(state.message);
  }
}

/**
 * Waits for a driver's attempt to settle: resolves with the first connected state, rejects with
 * a `ConnectError` on an error state, and rejects when the tunnel is disconnected first. When
 * neither comes within `timeoutMs`, it stops listening and rejects with what `onTimeout`
 * resolves to, after the driver has cleaned up the attempt there.
 */
export function waitForConnectedState(
  onState: (listener: (state: ConnectionState) => void) => () => void,
  timeoutMs: number,
  onTimeout: () => Promise<Error>,
): Promise<ConnectionState> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      unsubscribe();
      void onTimeout().then(reject);
    }, timeoutMs);

    const settle = (finish: () => void) => {
      clearTimeout(timer);
      unsubscribe();
      finish();
    };
    const unsubscribe = onState((state) => {
      if (state.status === 'connected') {
        settle(() => resolve(state));
      } else if (state.status === 'error') {
        settle(() => reject(new ConnectError(state)));
      } else if (state.status === 'disconnected') {
        settle(() => reject(new Error('The tunnel was disconnected before it came up.')));
      }
    });
  });
}
