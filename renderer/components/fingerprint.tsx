/** A SHA-256 fingerprint in two lines of colon-separated hex, so it can be read aloud and compared. */
export function Fingerprint({ value, label }: { value: string; label: string }) {
  const pairs = value.split(':');
  const half = Math.ceil(pairs.length / 2);

  return (
    <code className="fingerprint" aria-label={`${label}: ${value}`}>
      <span>{pairs.slice(0, half).join(':')}</span>
      <span>{pairs.slice(half).join(':')}</span>
    </code>
  );
}
