import { useEffect, useState } from 'react';

/** Seconds left until `until`, updated every second; screen readers get it once, not each tick. */
export function Countdown({ until }: { until: string }) {
  const target = new Date(until).getTime();
  const [now, setNow] = useState(() => Date.now());

  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 1000);
    return () => clearInterval(timer);
  }, []);

  const seconds = Math.max(0, Math.ceil((target - now) / 1000));
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`;

  return (
    <span className="countdown" role="timer" aria-live="off" data-testid="countdown">
      {seconds === 0 ? 'now' : `in ${text}`}
    </span>
  );
}
