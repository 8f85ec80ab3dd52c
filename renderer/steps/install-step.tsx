import { StepFrame } from '../components/step-frame.tsx';
import { goToStep, useSnapshot } from '../wizard-store.ts';

export function InstallStep() {
  const { profilePath } = useSnapshot();

  return (
    <StepFrame
      title="Profile installed"
      lead="Your VPN profile holds the certificate, your private key and the server settings in one file."
      actions={
        <>
          <button type="button" onClick={() => void goToStep('certificate')}>
            Back
          </button>
          <button type="button" className="primary" onClick={() => void goToStep('connect')}>
            Continue
          </button>
        </>
      }
    >
      <div className="card">
        <h2 className="section-title">Saved to</h2>
        <code className="path" data-testid="profile-path">
          {profilePath}
        </code>
      </div>
      <p className="hint">
        Only your user account can read this file, because it contains your private key. Do not copy
        it to other computers; set up each computer with this app instead.
      </p>
    </StepFrame>
  );
}
