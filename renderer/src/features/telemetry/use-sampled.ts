import { useEffect, useRef, useState } from 'react';

/**
 * `value`, passed on at most once per `intervalMs` (the newest value is never left unshown). The charts redraw once
 * a second (rates come once a second), while the inspector follows the feed's ten samples a second.
 */
export function useSampled<T>(value: T, intervalMs: number): T {
  const [shown, setShown] = useState(value);
  const last = useRef(0);
  const latest = useRef(value);
  latest.current = value;
  useEffect(() => {
    if (value === shown) return;
    const wait = Math.max(0, last.current + intervalMs - Date.now());
    const timer = setTimeout(() => {
      last.current = Date.now();
      setShown(latest.current);
    }, wait);
    return () => clearTimeout(timer);
  }, [value, shown, intervalMs]);
  return shown;
}
