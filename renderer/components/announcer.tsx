import { useEffect, useState } from 'react';

import type { WizardSnapshot, WizardStep } from '../../main/contract/wizard-state.ts';
import { STEP_LABELS } from '../step-labels.ts';

/**
 * A polite live region that tells screen reader users about progress they cannot see move:
 * key generation, sending, waiting for the CA, and the result. `step` is the step on screen.
 */
export function Announcer(props: { snapshot: WizardSnapshot | undefined; step: WizardStep }) {
  const { snapshot, step } = props;
  const [message, setMessage] = useState('');
  const text = snapshot === undefined ? '' : announcement(snapshot, step);

  useEffect(() => setMessage(text), [text]);

  return (
    <div className="visually-hidden" role="status" aria-live="polite" data-testid="announcer">
      {message}
    </div>
  );
}

function announcement(snapshot: WizardSnapshot, step: WizardStep): string {
  const running = snapshot.progress.find((item) => item.status === 'running');
  switch (snapshot.activity) {
    case 'generating':
      return running === undefined ? 'Creating your key and request.' : `${running.detail}…`;
    case 'submitting':
      return 'Sending your request to the CA.';
    case 'importing':
      return 'Checking the certificate.';
    case 'waiting':
      return 'The CA has not signed your request yet. The app will check again automatically.';
    case 'idle':
      return `${STEP_LABELS[step]} step.`;
  }
}
