import {
  WIZARD_STEPS,
  type WizardSnapshot,
  type WizardStep,
} from '../main/contract/wizard-state.ts';

// The steps an installed profile has finished: the certificate was checked and the profile
// written, so everything up to the install step is behind the user.
const INSTALLED_STEPS: readonly WizardStep[] = WIZARD_STEPS.slice(
  0,
  WIZARD_STEPS.indexOf('install') + 1,
);

/** Returns the step this window shows: main's step, or the one under review once setup is done. */
export function shownStep(
  snapshot: WizardSnapshot,
  reviewStep: WizardStep | undefined,
): WizardStep {
  if (snapshot.step === 'done' && reviewStep !== undefined) return reviewStep;
  return snapshot.step;
}

/** Tells whether setup is complete, which it is once a profile is installed. */
export function isSetupComplete(snapshot: WizardSnapshot): boolean {
  return snapshot.profilePath !== undefined;
}

/**
 * Lists the steps to mark as done: those before the shown step, those an installed profile has
 * finished, and, once main has reached the status window, every step before it. So looking
 * back at an earlier step does not take the marks off the later ones.
 */
export function completedSteps(snapshot: WizardSnapshot, shown: WizardStep): Set<WizardStep> {
  const shownIndex = WIZARD_STEPS.indexOf(shown);
  const completed = new Set(WIZARD_STEPS.filter((_step, index) => index < shownIndex));

  if (isSetupComplete(snapshot)) {
    for (const step of INSTALLED_STEPS) completed.add(step);
  }
  if (snapshot.step === 'done') {
    for (const step of WIZARD_STEPS) if (step !== 'done') completed.add(step);
  }
  return completed;
}
