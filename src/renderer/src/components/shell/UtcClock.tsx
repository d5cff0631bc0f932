import { useEffect, useState } from 'react';
import { formatUtcClock } from '../../lib/format';

/** Ticks on its own so the rest of the status bar does not re-render every second. */
export function UtcClock() {
  const [now, setNow] = useState(() => new Date());
  useEffect(() => {
    const timer = setInterval(() => setNow(new Date()), 1000);
    return () => clearInterval(timer);
  }, []);
  return (
    <span className="num" data-testid="utc-clock">
      {formatUtcClock(now)} UTC
    </span>
  );
}
