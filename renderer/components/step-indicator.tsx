import { WIZARD_STEPS, type WizardStep } from '../../main/contract/wizard-state.ts';
import { STEP_LABELS } from '../step-labels.ts';

/** Renders the list of steps beside the wizard, marking the current one and those already done. */
export function StepIndicator({ current }: { current: WizardStep }) {
  const currentIndex = WIZARD_STEPS.indexOf(current);

  return (
    <nav aria-label="Setup steps">
      <ol className="steps">
        {WIZARD_STEPS.map((step, index) => {
          const state = stepState(index, currentIndex);
          return (
            <li
              key={step}
              className={`steps-item steps-${state}`}
              aria-current={state === 'current' ? 'step' : undefined}
            >
              <span className="steps-marker" aria-hidden="true">
                {state === 'done' ? '✓' : index + 1}
              </span>
              <span className="steps-label">
                {STEP_LABELS[step]}
                {state === 'done' ? <span className="visually-hidden"> (done)</span> : null}
              </span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function stepState(index: number, currentIndex: number): 'done' | 'current' | 'todo' {
  if (index < currentIndex) return 'done';
  if (index === currentIndex) return 'current';
  return 'todo';
}
