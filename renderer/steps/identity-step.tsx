import { useRef, useState, type FormEvent } from 'react';

import type { WizardSnapshot } from '../../main/contract/wizard-state.ts';
import { FieldError, StepError } from '../components/field-error.tsx';
import { StepFrame } from '../components/step-frame.tsx';
import { callMain, goToStep, useSnapshot, useWizardStore } from '../wizard-store.ts';

export function IdentityStep() {
  const snapshot = useSnapshot();
  const [name, setName] = useState(snapshot.identity.name);
  const [email, setEmail] = useState(snapshot.identity.email);
  const [saving, setSaving] = useState(false);
  const nameInput = useRef<HTMLInputElement>(null);
  const emailInput = useRef<HTMLInputElement>(null);

  const errors = identityErrors(snapshot);
  const nameError = errors.name;
  const emailError = errors.email;
  const error = snapshot.error?.step === 'identity' ? snapshot.error : undefined;
  const locked = snapshot.identityLocked;

  const submit = async (event: FormEvent) => {
    event.preventDefault();
    if (locked) {
      await goToStep('request');
      return;
    }
    setSaving(true);
    await callMain('wizard.saveIdentity', { name, email });
    setSaving(false);

    // Main sends the new state before it replies, so the store contains this submit's errors now.
    // Only a submit moves focus; an error restored on opening the step leaves it on the heading.
    const latest = useWizardStore.getState().snapshot;
    if (latest === undefined) return;
    const after = identityErrors(latest);
    if (after.name !== undefined) nameInput.current?.focus();
    else if (after.email !== undefined) emailInput.current?.focus();
  };

  return (
    <form className="step-form" onSubmit={(event) => void submit(event)} noValidate>
      <StepFrame
        title="Your details"
        lead={`Your certificate names you to ${snapshot.organisation.name}. Use the name and work email address your organisation knows.`}
        actions={
          <>
            <button type="button" onClick={() => void goToStep('welcome')}>
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
            ref={nameInput}
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
            ref={emailInput}
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

/** Returns the error of each identity field; main reports every failing field at once. */
function identityErrors(snapshot: WizardSnapshot): { name?: string; email?: string } {
  const error = snapshot.error?.step === 'identity' ? snapshot.error : undefined;
  if (error === undefined) return {};

  const entries = error.fieldErrors ?? (error.field === undefined ? [] : [error]);
  return {
    name: entries.find((entry) => entry.field === 'name')?.message,
    email: entries.find((entry) => entry.field === 'email')?.message,
  };
}
