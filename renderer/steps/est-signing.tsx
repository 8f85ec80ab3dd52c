import { useState, type FormEvent } from 'react';

import { Countdown } from '../components/countdown.tsx';
import { FieldError, StepError } from '../components/field-error.tsx';
import { ProgressList } from '../components/progress-list.tsx';
import { StepFrame } from '../components/step-frame.tsx';
import { callMain, goToStep, useSnapshot } from '../wizard-store.ts';

/** Signing by EST: credentials, then either the certificate or a pending request with a countdown. */
export function EstSigning() {
  const snapshot = useSnapshot();
  const { organisation, pending } = snapshot;
  const [username, setUsername] = useState(organisation.estUsername ?? snapshot.identity.email);
  const [password, setPassword] = useState('');

  const error = snapshot.error?.step === 'signing' ? snapshot.error : undefined;
  const passwordError = error?.field === 'password' ? error.message : undefined;
  const busy = snapshot.activity === 'submitting';
  const polling = pending !== undefined && pending.canPoll;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (polling) {
      await callMain('wizard.retryNow', {});
      return;
    }
    await callMain('wizard.submitEst', { username, password });
  };

  return (
    <form className="step-form" onSubmit={(event) => void submit(event)} noValidate>
      <StepFrame
        title="Signing"
        lead={`Your request goes to ${organisation.name}’s certificate authority at ${organisation.estUrl ?? 'its EST server'}.`}
        actions={
          <>
            <button type="button" disabled={busy} onClick={() => void goToStep('request')}>
              Back
            </button>
            <button type="submit" className="primary" disabled={busy}>
              {submitLabel(polling, busy)}
            </button>
          </>
        }
      >
        {polling ? (
          <div className="notice notice-waiting" data-testid="pending">
            <h2 className="section-title">Waiting for approval</h2>
            <p>
              The CA has your request and will sign it once it is approved. The app checks again{' '}
              <Countdown until={pending.retryAt} /> and keeps checking until it is signed. You can
              close the app; your request is saved.
            </p>
          </div>
        ) : (
          <>
            {pending === undefined ? null : (
              <div className="notice" data-testid="pending">
                <p>
                  Your request is waiting for approval at the CA. Enter your password to check
                  whether it has been signed.
                </p>
              </div>
            )}
            <div className="field">
              <label htmlFor="est-username">User name</label>
              <input
                id="est-username"
                name="username"
                autoComplete="username"
                value={username}
                onChange={(event) => setUsername(event.target.value)}
              />
            </div>
            <div className="field">
              <label htmlFor="est-password">Password</label>
              <input
                id="est-password"
                name="password"
                type="password"
                autoComplete="current-password"
                value={password}
                aria-invalid={passwordError !== undefined}
                aria-describedby="est-password-error"
                onChange={(event) => setPassword(event.target.value)}
              />
              <FieldError id="est-password-error" message={passwordError} />
            </div>
          </>
        )}
        {busy && !polling ? (
          <div aria-busy="true">
            <ProgressList
              items={snapshot.progress}
              only={['cacerts', 'submit', 'verify', 'install']}
            />
          </div>
        ) : null}
        {organisation.instructions === undefined || polling ? null : (
          <p className="hint">{organisation.instructions}</p>
        )}
        <StepError message={error?.field === undefined ? error?.message : undefined} />
      </StepFrame>
    </form>
  );
}

function submitLabel(polling: boolean, busy: boolean): string {
  if (polling) return 'Check now';
  if (busy) return 'Sending…';
  return 'Send request';
}
