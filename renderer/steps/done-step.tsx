import { StepFrame } from '../components/step-frame.tsx';
import { callMain, useSnapshot } from '../wizard-store.ts';

const TRAY_STATES = [
  { state: 'connected', label: 'Connected', text: 'Every network answers.' },
  {
    state: 'degraded',
    label: 'Partly reachable',
    text: 'Connected, but a network does not answer.',
  },
  { state: 'connecting', label: 'Connecting', text: 'Connecting or reconnecting.' },
  {
    state: 'disconnected',
    label: 'Disconnected',
    text: 'Click the icon to connect with one click.',
  },
] as const;

export function DoneStep() {
  const { organisation } = useSnapshot();

  return (
    <StepFrame
      title="You are set up"
      lead={`This computer is enrolled with ${organisation.name}. From now on the app lives in the tray (menu bar on macOS).`}
      actions={
        <button type="button" onClick={() => void callMain('wizard.goTo', { step: 'connect' })}>
          Back
        </button>
      }
    >
      <h2 className="section-title">What the tray icon shows</h2>
      <ul className="tray-legend">
        {TRAY_STATES.map((entry) => (
          <li key={entry.state}>
            <span className={`tray-dot tray-${entry.state}`} aria-hidden="true" />
            <span>
              <strong>{entry.label}.</strong> {entry.text}
            </span>
          </li>
        ))}
      </ul>
    </StepFrame>
  );
}
