import { canReconnect, type ConnectionState } from '../../main/connect/connection-state.ts';
import type { ConnectionSupport, WizardSnapshot } from '../../main/contract/wizard-state.ts';

/** The state of the status window when the reconnect shortcut is pressed. */
export interface ReconnectContext {
  state: ConnectionState;
  connection: ConnectionSupport;
  host: WizardSnapshot['host'];
  /** False once the link to main has closed, so no call can reach it. */
  linked: boolean;
}

/**
 * Explains why the reconnect shortcut does nothing now, in one short sentence that the window
 * shows and announces. Returns undefined when a reconnect can start.
 */
export function reconnectRefusal(context: ReconnectContext): string | undefined {
  if (!context.linked) {
    return 'Not connected to the app, so nothing can be reconnected. Reload the page.';
  }
  if (!context.connection.available) {
    return context.host === 'browser'
      ? 'This preview cannot start the VPN, so there is nothing to reconnect.'
      : 'The app cannot start the VPN on this computer, so there is nothing to reconnect.';
  }
  if (canReconnect(context.state)) return undefined;

  if (context.state.status === 'disconnecting') {
    return 'Disconnecting, so there is nothing to reconnect. Use Connect once it has stopped.';
  }
  return 'Not connected, so there is nothing to reconnect. Use Connect.';
}
