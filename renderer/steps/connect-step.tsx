import {
  canConnect,
  canDisconnect,
  canReconnect,
  describeState,
  type ConnectionState,
} from '../../main/connect/connection-state.ts';
import type { TunnelCheckView, TunnelProbeView } from '../../main/contract/wizard-state.ts';
import { StepError } from '../components/field-error.tsx';
import { StepFrame } from '../components/step-frame.tsx';
import { callMain, goToStep, useSnapshot } from '../wizard-store.ts';

const OUTCOME_LABELS: Record<TunnelProbeView['outcome'], string> = {
  reached: 'Reached',
  'no-route': 'No route through the VPN',
  failed: 'Failed',
};

export function ConnectStep() {
  const { connection, connectionState, tunnelCheck, organisation, error } = useSnapshot();
  const stepError = error?.step === 'connect' ? error : undefined;

  return (
    <StepFrame
      title="Connect"
      lead={`Connect to ${organisation.name} and check that its networks answer through the VPN.`}
      actions={
        <>
          <button type="button" onClick={() => void goToStep('install')}>
            Back
          </button>
          <button type="button" className="primary" onClick={() => void goToStep('done')}>
            Continue
          </button>
        </>
      }
    >
      {connection.available ? (
        <ConnectionCard state={connectionState} />
      ) : (
        <div className="notice" data-testid="connect-unavailable">
          <h2 className="section-title">Not available on this host yet</h2>
          <p>{connection.reason}</p>
        </div>
      )}
      <StepError message={stepError?.message} />
      <h2 className="section-title">First reachability check</h2>
      {tunnelCheck === undefined ? (
        <UncheckedNetworks networks={organisation.networks} state={connectionState} />
      ) : (
        <TunnelCheckList check={tunnelCheck} />
      )}
    </StepFrame>
  );
}

function ConnectionCard({ state }: { state: ConnectionState }) {
  return (
    <div className="card connection-card">
      <p
        className="connection-state"
        role="status"
        aria-live="polite"
        data-testid="connection-state"
      >
        <span className={`tray-dot tray-${dotKind(state)}`} aria-hidden="true" />
        <span>{describeState(state)}</span>
      </p>
      {state.status === 'connected' || state.status === 'degraded' ? (
        <dl className="details">
          <dt>VPN server</dt>
          <dd data-testid="connection-endpoint">
            {state.endpoint.host}:{state.endpoint.port}
          </dd>
          <dt>Your VPN address</dt>
          <dd data-testid="tunnel-address">{state.tunnelAddress}</dd>
        </dl>
      ) : null}
      <div className="connection-actions">
        <button
          type="button"
          className="primary"
          disabled={!canConnect(state)}
          onClick={() => void callMain('connection.connect', {})}
        >
          Connect
        </button>
        <button
          type="button"
          disabled={!canReconnect(state)}
          onClick={() => void callMain('connection.reconnect', {})}
        >
          Reconnect
        </button>
        <button
          type="button"
          disabled={!canDisconnect(state)}
          onClick={() => void callMain('connection.disconnect', {})}
        >
          Disconnect
        </button>
      </div>
    </div>
  );
}

function UncheckedNetworks({ networks, state }: { networks: string[]; state: ConnectionState }) {
  const note =
    state.status === 'connected'
      ? 'Checking through the VPN…'
      : 'Not checked: runs once the VPN is connected';

  return (
    <ul className="network-list">
      {networks.map((network) => (
        <li key={network}>
          <span>{network}</span>
          <span className="muted">{note}</span>
        </li>
      ))}
    </ul>
  );
}

function TunnelCheckList({ check }: { check: TunnelCheckView }) {
  return (
    <>
      <ul className="network-list" data-testid="tunnel-check">
        {check.probes.map((probe) => (
          <li key={`${probe.host}:${probe.port}`}>
            <span>
              {probe.network ?? 'Probe target'}{' '}
              <span className="path">
                {probe.host}:{probe.port}
              </span>
            </span>
            <span className={`probe-${probe.outcome}`} title={probe.message}>
              {OUTCOME_LABELS[probe.outcome]}
              <span className="visually-hidden">: {probe.message}</span>
            </span>
          </li>
        ))}
      </ul>
      <p className="hint">
        {check.healthy
          ? 'The tunnel passes traffic. The check stops at the first target that answers.'
          : 'The tunnel passes no traffic, so the VPN restarts it a few times and then shows it as degraded.'}
      </p>
    </>
  );
}

/** Picks the tray colour that matches the state, so the wizard and the tray look the same. */
function dotKind(state: ConnectionState): string {
  switch (state.status) {
    case 'connected':
      return 'connected';
    case 'degraded':
      return 'degraded';
    case 'connecting':
    case 'reconnecting':
    case 'disconnecting':
      return 'connecting';
    case 'error':
      return 'error';
    case 'disconnected':
      return 'disconnected';
  }
}
