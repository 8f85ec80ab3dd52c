import { useState, type FormEvent } from 'react';

import { FieldError, StepError } from '../components/field-error.tsx';
import { StepFrame } from '../components/step-frame.tsx';
import { callMain, useSnapshot } from '../wizard-store.ts';

export function IdentityStep() {
  const snapshot = useSnapshot();
  const [name, setName] = useState(snapshot.identity.name);
  const [email, setEmail] = useState(snapshot.identity.email);
  const [saving, setSaving] = useState(false);

  const error = snapshot.error?.step === 'identity' ? snapshot.error : undefined;
  const nameError = error?.field === 'name' ? error.message : undefined;
  const emailError = error?.field === 'email' ? error.message : undefined;
  const locked = snapshot.identityLocked;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (locked) {
      await callMain('wizard.goTo', { step: 'request' });
      return;
    }
    setSaving(true);
    await callMain('wizard.saveIdentity', { name, email });
    setSaving(false);
  };

  return (
    <form className="step-form" onSubmit={(event) => void submit(event)} noValidate>
      <StepFrame
        title="Your details"
        lead={`Your certificate names you to ${snapshot.organisation.name}. Use the name and work email address your organisation knows.`}
        actions={
          <>
            <button type="button" onClick={() => void callMain('wizard.goTo', { step: 'welcome' })}>
              Back
            </button>
            <button type="submit" className="primary" disabled={saving}>
              Continue
            </button>
          </>
        }
      >
        <div className="field">
          <label htmlFor="identity-name">Full name</label>
          <input
            id="identity-name"
            name="name"
            autoComplete="name"
            value={name}
            readOnly={locked}
            aria-invalid={nameError !== undefined}
            aria-describedby="identity-name-error"
            onChange={(event) => setName(event.target.value)}
          />
          <FieldError id="identity-name-error" message={nameError} />
        </div>
        <div className="field">
          <label htmlFor="identity-email">Work email address</label>
          <input
            id="identity-email"
            name="email"
            type="email"
            autoComplete="email"
            value={email}
            readOnly={locked}
            aria-invalid={emailError !== undefined}
            aria-describedby="identity-email-error"
            onChange={(event) => setEmail(event.target.value)}
          />
          <FieldError id="identity-email-error" message={emailError} />
        </div>
        {locked ? (
          <div className="notice">
            <p>
              Your request with these details is already with the CA, so they cannot change now.
            </p>
            <button type="button" onClick={() => void callMain('wizard.restart', {})}>
              Start over with a new request
            </button>
          </div>
        ) : null}
        <StepError message={error?.field === undefined ? error?.message : undefined} />
      </StepFrame>
    </form>
  );
}
