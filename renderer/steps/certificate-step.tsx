import { Fingerprint } from '../components/fingerprint.tsx';
import { StepFrame } from '../components/step-frame.tsx';
import { goToStep, useSnapshot } from '../wizard-store.ts';

export function CertificateStep() {
  const { certificate } = useSnapshot();
  if (certificate === undefined) return null;

  return (
    <StepFrame
      title="Your certificate"
      lead="The certificate was checked: it is signed by your organisation’s CA, it belongs to the key on this computer, and it is valid now."
      actions={
        <button type="button" className="primary" onClick={() => void goToStep('install')}>
          Continue
        </button>
      }
    >
      <dl className="details">
        <dt>Issued to</dt>
        <dd>{certificate.subject}</dd>
        <dt>Issued by</dt>
        <dd>{certificate.issuer}</dd>
        <dt>Valid from</dt>
        <dd>{formatDate(certificate.notBefore)}</dd>
        <dt>Valid until</dt>
        <dd>
          {formatDate(certificate.notAfter)} ({formatFromNow(certificate.notAfter)})
        </dd>
        <dt>Fingerprint (SHA-256)</dt>
        <dd>
          <Fingerprint value={certificate.sha256Fingerprint} label="Certificate fingerprint" />
        </dd>
      </dl>
      {certificate.warnings.length === 0 ? (
        <p className="ok-note">No problems found.</p>
      ) : (
        <div className="notice notice-warning">
          <h2 className="section-title">Worth knowing</h2>
          <ul>
            {certificate.warnings.map((warning) => (
              <li key={warning}>{warning}</li>
            ))}
          </ul>
        </div>
      )}
    </StepFrame>
  );
}

/** Formats an ISO date as the user's local date and time, with the zone. */
function formatDate(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'long', timeStyle: 'short' });
}

const UNITS: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 365 * 86_400_000],
  ['month', 30 * 86_400_000],
  ['day', 86_400_000],
  ['hour', 3_600_000],
  ['minute', 60_000],
];

/** Formats the time from now to an ISO date in its largest whole unit, e.g. "in 12 months". */
function formatFromNow(iso: string): string {
  const milliseconds = new Date(iso).getTime() - Date.now();
  const format = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto' });

  for (const [unit, size] of UNITS) {
    const count = Math.trunc(milliseconds / size);
    if (count !== 0) return format.format(count, unit);
  }
  return format.format(0, 'minute');
}
