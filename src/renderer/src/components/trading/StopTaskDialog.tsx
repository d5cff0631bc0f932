import { useEffect, useRef, useState } from 'react';
import type { ActionOutcome } from '../../stores/portfolio-store';
import { useTradingStore, type TaskView } from '../../stores/trading-store';
import { FormFeedback } from '../common/FormFeedback';

/**
 * Confirms a stop. With open positions it offers to close them (on by default: a stopped task no longer manages
 * them); with none there is nothing to close and nothing to ask.
 */
export function StopTaskDialog({ task, onClose }: { task: TaskView; onClose: () => void }) {
  const stopTask = useTradingStore((s) => s.stopTask);
  const hasPositions = task.open_positions > 0;
  const [closePositions, setClosePositions] = useState(true);
  const [busy, setBusy] = useState(false);
  const [outcome, setOutcome] = useState<ActionOutcome | null>(null);
  const confirmRef = useRef<HTMLButtonElement>(null);

  useEffect(() => {
    confirmRef.current?.focus();
    const onKey = (e: KeyboardEvent) => e.key === 'Escape' && onClose();
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [onClose]);

  async function confirm() {
    setBusy(true);
    const result = await stopTask(task, hasPositions && closePositions);
    setBusy(false);
    if (result.ok) onClose();
    else setOutcome(result);
  }

  return (
    <div className="modal-backdrop" onClick={onClose}>
      <div className="modal" role="dialog" aria-modal="true" aria-labelledby="stop-title" data-testid="stop-dialog" data-open-positions={task.open_positions} onClick={(e) => e.stopPropagation()}>
        <h3 id="stop-title">
          Stop task {task.task_id}: {task.pair} {task.timeframe} · {task.strategy_name}
        </h3>
        <p className="dim">
          {task.open_positions > 0
            ? `It has ${task.open_positions} open position${task.open_positions === 1 ? '' : 's'}.`
            : 'It has no open positions.'}{' '}
          The task stops taking new bars; its journal and trades stay.
        </p>
        {hasPositions && (
          <label className="check">
            <input type="checkbox" checked={closePositions} onChange={(e) => setClosePositions(e.target.checked)} data-testid="stop-close-positions" />
            Close its {task.open_positions === 1 ? 'position' : `${task.open_positions} positions`} at market
          </label>
        )}
        {!closePositions && hasPositions && (
          <p className="warn small-note">The positions stay open at the broker with nobody managing them.</p>
        )}
        <FormFeedback outcome={outcome} testId="stop-feedback" />
        <div className="modal-actions">
          <button type="button" className="btn" onClick={onClose}>
            Cancel
          </button>
          <button ref={confirmRef} type="button" className="btn danger" disabled={busy} onClick={() => void confirm()} data-testid="stop-confirm">
            {busy ? 'Stopping…' : hasPositions && closePositions ? 'Stop and close positions' : 'Stop task'}
          </button>
        </div>
      </div>
    </div>
  );
}
