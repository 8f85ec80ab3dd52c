import type { ReactElement } from 'react';

import { describeState } from '../main/connect/connection-state.ts';
import type { WizardSnapshot, WizardStep } from '../main/contract/wizard-state.ts';
import { Announcer } from './components/announcer.tsx';
import { StepIndicator, type StatusMark } from './components/step-indicator.tsx';
import { connectionTone } from './status/status-shape.tsx';
import { StatusView } from './status/status-view.tsx';
import { CertificateStep } from './steps/certificate-step.tsx';
import { ConnectStep } from './steps/connect-step.tsx';
import { IdentityStep } from './steps/identity-step.tsx';
import { InstallStep } from './steps/install-step.tsx';
import { RequestStep } from './steps/request-step.tsx';
import { SigningStep } from './steps/signing-step.tsx';
import { WelcomeStep } from './steps/welcome-step.tsx';
import { completedSteps, isSetupComplete, shownStep } from './wizard-view.ts';
import { goToStep, useWizardStore } from './wizard-store.ts';

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
  const reviewStep = useWizardStore((store) => store.reviewStep);
  const link = useWizardStore((store) => store.link);
  const linkProblem = useWizardStore((store) => store.linkProblem);
  const step = snapshot === undefined ? 'welcome' : shownStep(snapshot, reviewStep);
  // Without a snapshot the step is "welcome", so the status window always has one.
  if (step === 'done') return <StatusView />;

  const Step = snapshot === undefined ? undefined : STEP_VIEWS[step];
  const setupComplete = snapshot !== undefined && isSetupComplete(snapshot);

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
        <StepIndicator
          current={step}
          completed={snapshot === undefined ? new Set() : completedSteps(snapshot, step)}
          status={setupComplete ? statusMark(snapshot) : undefined}
        />
        {setupComplete ? (
          <button type="button" className="back-to-status" onClick={() => void goToStep('done')}>
            <span aria-hidden="true">←</span> Back to status
          </button>
        ) : null}
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
          <Step key={step} />
        )}
      </main>
      <Announcer snapshot={snapshot} step={step} />
    </div>
  );
}

function statusMark(snapshot: WizardSnapshot): StatusMark {
  return {
    tone: connectionTone(snapshot.connectionState),
    description: describeState(snapshot.connectionState),
  };
}
