import type { ReactElement } from 'react';

import type { WizardStep } from '../main/contract/wizard-state.ts';
import { Announcer } from './components/announcer.tsx';
import { StepIndicator } from './components/step-indicator.tsx';
import { CertificateStep } from './steps/certificate-step.tsx';
import { ConnectStep } from './steps/connect-step.tsx';
import { IdentityStep } from './steps/identity-step.tsx';
import { InstallStep } from './steps/install-step.tsx';
import { RequestStep } from './steps/request-step.tsx';
import { StatusView } from './status/status-view.tsx';
import { SigningStep } from './steps/signing-step.tsx';
import { WelcomeStep } from './steps/welcome-step.tsx';
import { useWizardStore } from './wizard-store.ts';

// The last step is the status window, which has a layout of its own.
const STEP_VIEWS: Record<Exclude<WizardStep, 'done'>, () => ReactElement | null> = {
  welcome: WelcomeStep,
  identity: IdentityStep,
  request: RequestStep,
  signing: SigningStep,
  certificate: CertificateStep,
  install: InstallStep,
  connect: ConnectStep,
};

export function App() {
  const snapshot = useWizardStore((store) => store.snapshot);
  const link = useWizardStore((store) => store.link);
  const linkProblem = useWizardStore((store) => store.linkProblem);
  if (snapshot?.step === 'done') return <StatusView />;

  const Step = snapshot === undefined ? undefined : STEP_VIEWS[snapshot.step];

  return (
    <div className="window">
      <aside className="sidebar">
        <div className="brand">
          <span className="brand-mark" aria-hidden="true" />
          <span>
            <span className="brand-name">VPN Onboard</span>
            <span className="brand-org">{snapshot?.organisation.name ?? '\u00a0'}</span>
          </span>
        </div>
        <StepIndicator current={snapshot?.step ?? 'welcome'} />
        {snapshot?.host === 'browser' ? <p className="host-note">Browser preview</p> : null}
      </aside>
      <main className="content">
        {linkProblem === undefined ? null : (
          <div className="banner" role="alert">
            {linkProblem}
          </div>
        )}
        {Step === undefined ? (
          <div className="loading" aria-busy={link === 'connecting'}>
            {link === 'connecting' ? 'Loading…' : null}
          </div>
        ) : (
          <Step key={snapshot?.step} />
        )}
      </main>
      <Announcer snapshot={snapshot} />
    </div>
  );
}
