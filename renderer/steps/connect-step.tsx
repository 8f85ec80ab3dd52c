import { StepFrame } from '../components/step-frame.tsx';
import { callMain, useSnapshot } from '../wizard-store.ts';

export function ConnectStep() {
  const { connection, organisation } = useSnapshot();

  return (
    <StepFrame
      title="Connect"
      lead={`Connect to ${organisation.name} and check that each network answers.`}
      actions={
        <>
          <button type="button" onClick={() => void callMain('wizard.goTo', { step: 'install' })}>
            Back
          </button>
          <button
            type="button"
            className="primary"
            onClick={() => void callMain('wizard.goTo', { step: 'done' })}
          >
            Continue
          </button>
        </>
      }
    >
      {connection.available ? (
        // NOTE: no host passes a connection driver to the wizard yet, so this branch has no UI.
        <p>Connecting is available on this host.</p>
      ) : (
        <div className="notice" data-testid="connect-unavailable">
          <h2 className="section-title">Not available on this host yet</h2>
          <p>{connection.reason}</p>
        </div>
      )}
      <h2 className="section-title">First reachability check</h2>
      <ul className="network-list">
        {organisation.networks.map((network) => (
          <li key={network}>
            <span>{network}</span>
            <span className="muted">Not checked: runs once the VPN is connected</span>
          </li>
        ))}
      </ul>
    </StepFrame>
  );
}
