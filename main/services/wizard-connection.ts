import {
  canConnect,
  canDisconnect,
  canReconnect,
  type ConnectionState,
} from '../connect/connection-state.ts';
import type { ConnectionDriver } from '../connect/driver.ts';
import type { TunnelCheck } from '../connect/tunnel-check.ts';
import type { WizardSnapshot } from '../contract/wizard-state.ts';
import type { Logger } from '../log/logger.ts';
import type { OrganisationFile } from '../org/schema.ts';
import { tunnelCheckView } from './tunnel-check-view.ts';

/**
 * A connection driver as the wizard uses it. The tunnel check and reattaching to a tunnel left
 * by an earlier run are optional, because only the openvpn driver has them so far.
 */
export interface WizardConnectionDriver extends ConnectionDriver {
  /** Subscribes to the result of each tunnel check after connecting; returns the unsubscribe. */
  onTunnelCheck?(listener: (check: TunnelCheck) => void): () => void;
  /** Reattaches to a tunnel that an earlier run of the app started; returns the state after. */
  recover?(): Promise<ConnectionState>;
}

export interface ConnectionControlOptions {
  driver: WizardConnectionDriver;
  organisation: OrganisationFile;
  log: Logger;
  snapshot: () => WizardSnapshot;
  update: (patch: Partial<WizardSnapshot>) => void;
  /** Shows `error` in place on the connect step. */
  showError: (error: unknown) => void;
}

/** The connect, reconnect and disconnect actions of the wizard's connect step. */
export interface ConnectionControl {
  connect(): Promise<void>;
  reconnect(): Promise<void>;
  disconnect(): Promise<void>;
  /** Stops following the driver. The tunnel stays up, so the next start can reattach to it. */
  close(): void;
}

/**
 * Follows `driver` into the snapshot and runs the connect step's actions on it. Each action
 * resolves once the driver is done with it, and shows any failure in place instead of raising.
 */
export function createConnectionControl(options: ConnectionControlOptions): ConnectionControl {
  const { driver, organisation, update, showError } = options;
  const log = options.log.child('connection');
  const organisationId = organisation.organisation.id;
  let closed = false;
  // Set while the user stops an attempt, so the rejected connect is not shown as a failure.
  let disconnectRequested = false;

  const unsubscribeState = driver.onState((connectionState) => {
    // A check describes one tunnel, so it goes once that tunnel is stopped or started afresh.
    const stale =
      connectionState.status === 'disconnected' || connectionState.status === 'connecting';
    update(stale ? { connectionState, tunnelCheck: undefined } : { connectionState });
  });
  const unsubscribeCheck = driver.onTunnelCheck?.((check) => {
    update({ tunnelCheck: tunnelCheckView(check, organisation) });
  });
  update({ connectionState: driver.state() });

  // Actions wait for this, so a click right after start does not race the reattach.
  const recovered: Promise<void> | undefined = driver.recover?.().then(
    (state) =>
      log.info('Checked for a running tunnel', { org: organisationId, state: state.status }),
    (error: unknown) =>
      log.warn('Failed to check for a running tunnel', {
        org: organisationId,
        error: error instanceof Error ? error.message : String(error),
      }),
  );

  // The error state already carries the driver's message and the state line shows it, so only
  // failures that left no error state are shown as a step error.
  const showFailure = (action: string, error: unknown) => {
    if (closed) return;

    const status = driver.state().status;
    if (status === 'error' || (disconnectRequested && status === 'disconnected')) {
      const message = error instanceof Error ? error.message : String(error);
      log.warn(`Failed to ${action}`, { org: organisationId, driver: driver.name, error: message });
      return;
    }
    showError(error);
  };

  const rejectAction = (action: string, next: string) => {
    const status = driver.state().status;
    showError(new Error(`Cannot ${action} while the tunnel is ${status}; ${next}.`));
  };

  return {
    async connect() {
      await recovered;
      if (!canConnect(driver.state())) {
        rejectAction('connect', 'use Reconnect or Disconnect instead');
        return;
      }
      const profilePath = options.snapshot().profilePath;
      if (profilePath === undefined) {
        showError(new Error('No profile is installed yet; finish the signing step, then connect.'));
        return;
      }

      disconnectRequested = false;
      update({ error: undefined, tunnelCheck: undefined });
      log.info('Connecting', { org: organisationId, driver: driver.name });
      try {
        await driver.installProfile(profilePath);
        await driver.connect();
      } catch (error) {
        showFailure('connect', error);
      }
    },

    async reconnect() {
      await recovered;
      if (!canReconnect(driver.state())) {
        rejectAction('reconnect', 'use Connect instead');
        return;
      }

      disconnectRequested = false;
      update({ error: undefined, tunnelCheck: undefined });
      log.info('Reconnecting', { org: organisationId, driver: driver.name });
      try {
        await driver.reconnect();
      } catch (error) {
        showFailure('reconnect', error);
      }
    },

    async disconnect() {
      await recovered;
      if (!canDisconnect(driver.state())) {
        rejectAction('disconnect', 'there is nothing to stop');
        return;
      }

      disconnectRequested = true;
      update({ error: undefined });
      log.info('Disconnecting', { org: organisationId, driver: driver.name });
      try {
        await driver.disconnect();
      } catch (error) {
        showFailure('disconnect', error);
      }
    },

    close() {
      closed = true;
      unsubscribeState();
      unsubscribeCheck?.();
    },
  };
}
