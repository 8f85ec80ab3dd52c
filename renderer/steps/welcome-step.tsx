import { StepFrame } from '../components/step-frame.tsx';
import { goToStep, useSnapshot } from '../wizard-store.ts';

export function WelcomeStep() {
  const { organisation } = useSnapshot();
  const signing =
    organisation.method === 'est'
      ? 'sent to your organisation’s certificate authority, which signs it automatically (EST)'
      : 'saved as a file that you send to your administrator, who signs it';

  return (
    <StepFrame
      title={`Connect to ${organisation.name}`}
      lead="This takes a few minutes. You can close the app at any point and continue later."
      actions={
        <button type="button" className="primary" onClick={() => void goToStep('identity')}>
          Get started
        </button>
      }
    >
      <h2 className="section-title">What happens</h2>
      <ol className="plan">
        <li>
          <strong>A private key is created on this computer.</strong> It never leaves it and only
          your account can read it ({organisation.keyDescription}).
        </li>
        <li>
          <strong>A certificate request is made</strong> with your name and email address and{' '}
          {signing}.
        </li>
        <li>
          <strong>The certificate is checked and installed</strong> in a VPN profile for this
          computer.
        </li>
        <li>
          <strong>The VPN connects</strong> and the app checks that you can reach{' '}
          {organisation.networks.length === 0
            ? 'the internal networks'
            : organisation.networks.join(', ')}
          .
        </li>
      </ol>
      {organisation.supportEmail === undefined ? null : (
        <p className="hint">
          Questions? Contact{' '}
          <a href={`mailto:${organisation.supportEmail}`}>{organisation.supportEmail}</a>.
        </p>
      )}
    </StepFrame>
  );
}
