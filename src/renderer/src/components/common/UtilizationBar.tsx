/** A thin bar for "how much of the capacity is used"; amber when full. */
export function UtilizationBar({ percent, label }: { percent: number; label: string }) {
  const clamped = Math.max(0, Math.min(100, percent));
  return (
    <div
      className={`util-bar${clamped >= 100 ? ' full' : ''}`}
      role="progressbar"
      aria-label={label}
      aria-valuemin={0}
      aria-valuemax={100}
      aria-valuenow={Math.round(clamped * 100) / 100}
    >
      <span style={{ width: `${clamped}%` }} />
    </div>
  );
}
