import type { ProgressItem } from '../../main/contract/wizard-state.ts';

const LABELS: Record<ProgressItem['step'], string> = {
  key: 'Private key',
  csr: 'Certificate signing request (PKCS#10)',
  cacerts: 'CA certificates',
  submit: 'Signing by the CA',
  verify: 'Certificate checks',
  install: 'OpenVPN profile',
};

type Status = ProgressItem['status'] | 'waiting';

const ICONS: Record<Status, string> = { done: '✓', running: '', waiting: '•' };
const SPOKEN_STATUS: Record<Status, string> = {
  done: ', done',
  running: ', in progress',
  waiting: '',
};

/** Renders the enrollment steps, each with a spinner while running and a check once done. */
export function ProgressList({
  items,
  only,
}: {
  items: ProgressItem[];
  only: ProgressItem['step'][];
}) {
  return (
    <ul className="progress-list">
      {only.map((step) => {
        const item = items.find((candidate) => candidate.step === step);
        const status: Status = item?.status ?? 'waiting';
        return (
          <li key={step} className={`progress-${status}`}>
            <span className="progress-icon" aria-hidden="true">
              {ICONS[status]}
            </span>
            <span className="progress-text">
              <span className="progress-label">{LABELS[step]}</span>
              <span className="progress-detail">
                {item?.detail ?? 'Waiting'}
                <span className="visually-hidden">{SPOKEN_STATUS[status]}</span>
              </span>
            </span>
          </li>
        );
      })}
    </ul>
  );
}
