import type { ReactNode } from 'react';

import { WIZARD_STEPS, type WizardStep } from '../../main/contract/wizard-state.ts';
import { StatusShape, type Tone } from '../status/status-shape.tsx';
import { STEP_LABELS } from '../step-labels.ts';

/** The connection as the status window's headline shows it: a tone and its description. */
export interface StatusMark {
  tone: Tone;
  description: string;
}

interface StepIndicatorProps {
  current: WizardStep;
  /** The steps to mark with a check, which may include steps after the current one. */
  completed: ReadonlySet<WizardStep>;
  /**
   * The connection once setup is complete. The last entry, the status window, then shows the
   * shape of the status window's headline instead of a number.
   */
  status?: StatusMark;
}

/** Renders the list of steps beside the wizard, marking the current one and those already done. */
export function StepIndicator({ current, completed, status }: StepIndicatorProps) {
  return (
    <nav aria-label="Setup steps">
      <ol className="steps">
        {WIZARD_STEPS.map((step, index) => {
          const statusMark = step === 'done' ? status : undefined;
          const isDone = completed.has(step) || statusMark !== undefined;
          let state = isDone ? 'done' : 'todo';
          if (step === current) state = 'current';

          return (
            <li
              key={step}
              className={`steps-item steps-${state}`}
              aria-current={step === current ? 'step' : undefined}
            >
              <span
                className={statusMark === undefined ? 'steps-marker' : 'steps-marker steps-shape'}
                aria-hidden="true"
              >
                {marker(index, isDone, statusMark)}
              </span>
              <span className="steps-label">
                {STEP_LABELS[step]}
                {note(isDone, statusMark)}
              </span>
            </li>
          );
        })}
      </ol>
    </nav>
  );
}

function marker(index: number, isDone: boolean, status: StatusMark | undefined): ReactNode {
  if (status !== undefined) return <StatusShape tone={status.tone} size={16} />;
  if (isDone) return '✓';
  return index + 1;
}

function note(isDone: boolean, status: StatusMark | undefined): ReactNode {
  if (status !== undefined) return <span className="visually-hidden"> ({status.description})</span>;
  if (isDone) return <span className="visually-hidden"> (done)</span>;
  return null;
}
