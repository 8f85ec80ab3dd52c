import { useEffect, useRef } from 'react';

import { StepError } from '../components/field-error.tsx';
import { Fingerprint } from '../components/fingerprint.tsx';
import { ProgressList } from '../components/progress-list.tsx';
import { StepFrame } from '../components/step-frame.tsx';
import { callMain, goToStep, useSnapshot } from '../wizard-store.ts';

export function RequestStep() {
  const snapshot = useSnapshot();
  const started = useRef(false);
  const error = snapshot.error?.step === 'request' ? snapshot.error : undefined;
  const busy = snapshot.activity === 'generating';

  // The key is made as soon as the step opens; a resumed run reuses the key on disk.
  useEffect(() => {
    if (started.current || snapshot.request !== undefined || error !== undefined) return;
    started.current = true;
    void callMain('wizard.createRequest', {});
  }, [snapshot.request, error]);

  return (
    <StepFrame
      title="Key and request"
      lead="Your private key is created on this computer and stays here. The request carries only your public key and details."
      actions={
        <>
          <button type="button" disabled={busy} onClick={() => void goToStep('identity')}>
            Back
          </button>
          {error === undefined ? (
            <button
              type="button"
              className="primary"
              disabled={snapshot.request === undefined || busy}
              onClick={() => void goToStep('signing')}
            >
              Continue
            </button>
          ) : (
            <button
              type="button"
              className="primary"
              onClick={() => void callMain('wizard.createRequest', {})}
            >
              Try again
            </button>
          )}
        </>
      }
    >
      <div aria-busy={busy}>
        <ProgressList items={snapshot.progress} only={['key', 'csr']} />
      </div>
      <div className="reserved">
        {snapshot.request === undefined ? null : (
          <div className="card">
            <h2 className="section-title">Request fingerprint (SHA-256)</h2>
            <Fingerprint value={snapshot.request.csrFingerprint} label="Request fingerprint" />
            <p className="hint">
              If your administrator asks, read them this fingerprint so they know the request is
              yours.
            </p>
          </div>
        )}
      </div>
      <StepError message={error?.message} />
    </StepFrame>
  );
}
