import { useEffect, useRef, type ReactNode } from 'react';

interface StepFrameProps {
  title: string;
  lead?: ReactNode;
  children?: ReactNode;
  /** Buttons at the bottom right; the primary action comes last. */
  actions?: ReactNode;
}

let firstStepShown = false;

/**
 * The layout every step shares: heading, lead, body, and a footer of actions at a fixed place.
 * The heading takes focus when the step opens, so keyboard and screen reader users start there.
 */
export function StepFrame({ title, lead, children, actions }: StepFrameProps) {
  const heading = useRef<HTMLHeadingElement>(null);

  useEffect(() => {
    heading.current?.focus();
    document.title = `${title} · VPN Onboard`;
    if (!firstStepShown) {
      firstStepShown = true;
      performance.mark('wizard-first-step-visible');
    }
  }, [title]);

  return (
    <section className="step" aria-labelledby="step-heading">
      <header className="step-header">
        <h1 id="step-heading" ref={heading} tabIndex={-1}>
          {title}
        </h1>
        {lead === undefined ? null : <p className="lead">{lead}</p>}
      </header>
      <div className="step-body">{children}</div>
      <footer className="step-actions">{actions}</footer>
    </section>
  );
}
