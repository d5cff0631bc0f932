import { useEffect, useState } from 'react';
import { LIVE } from '../../stores/chart-context';
import { useChartStore } from '../../stores/chart-store';
import { lotsProblem, placeManualOrder, type ManualOutcome } from '../../stores/manual-orders';
import { useTradingStore } from '../../stores/trading-store';

/**
 * The one-click order ticket over the chart (as in MetaTrader): lots with the instrument's minimum and step, Sell and
 * Buy at market on the task the chart shows — through that task's broker, journal and risk checks. A symbol with no
 * running task says how to get one: a manual order always belongs to a task.
 */
export function OrderTicket() {
  const ctx = useChartStore((s) => s.ctx);
  const tasks = useTradingStore((s) => s.tasks);
  const pairs = useTradingStore((s) => s.pairs);
  const task =
    (ctx?.taskId != null ? tasks.find((t) => t.task_id === ctx.taskId && LIVE(t)) : undefined) ??
    (ctx ? tasks.find((t) => t.pair === ctx.symbol && LIVE(t)) : undefined);
  const rules = pairs.find((p) => p.symbol === (task?.pair ?? ctx?.symbol));
  const [lotsText, setLotsText] = useState('');
  const [busy, setBusy] = useState<'BUY' | 'SELL' | null>(null);
  const [outcome, setOutcome] = useState<ManualOutcome | null>(null);

  // A new instrument starts at its minimum lot.
  const symbol = rules?.symbol;
  useEffect(() => {
    if (rules) setLotsText(String(rules.min_lot));
    setOutcome(null);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [symbol]);

  if (!ctx) return null;
  if (!task) {
    return (
      <div className="order-ticket idle" data-testid="order-ticket">
        <span className="dim">Manual orders go through a running task (its broker, journal and risk checks): start one on {ctx.symbol} or pick its row.</span>
      </div>
    );
  }

  const lots = Number(lotsText);
  const problem = lotsProblem(lots, rules);
  const step = rules?.lot_step ?? 0.01;
  const nudge = (k: number) => {
    const next = Math.max(rules?.min_lot ?? step, Math.round(((Number.isFinite(lots) ? lots : 0) + k * step) / step) * step);
    setLotsText(String(Number(next.toFixed(8))));
  };
  async function send(side: 'BUY' | 'SELL') {
    if (problem || !task) return;
    setBusy(side);
    setOutcome(await placeManualOrder(task.task_id, side, lots));
    setBusy(null);
  }
  const paused = task.status !== 'running';

  return (
    <div className="order-ticket" data-testid="order-ticket" data-task={task.task_id}>
      <span className="ot-title" title={`Orders go to task ${task.task_id} (${task.broker}): journaled, then sent`}>
        Order · task {task.task_id} <b>{task.pair}</b> <span className="dim">{task.broker}</span>
      </span>
      <button type="button" className="ot-side sell" disabled={!!problem || busy !== null || paused} onClick={() => void send('SELL')} data-testid="order-sell">
        {busy === 'SELL' ? 'Selling…' : 'SELL'}
      </button>
      <span className="ot-lots">
        <button type="button" className="ot-nudge" onClick={() => nudge(-1)} aria-label="Fewer lots" tabIndex={-1}>
          −
        </button>
        <input
          className={`input ot-lots-input mono${problem ? ' invalid' : ''}`}
          value={lotsText}
          onChange={(e) => setLotsText(e.target.value.trim())}
          inputMode="decimal"
          aria-label="Lots"
          aria-invalid={!!problem}
          title={rules ? `Lots: min ${rules.min_lot}, step ${rules.lot_step}, max ${rules.max_lot}` : 'Lots'}
          data-testid="order-lots"
        />
        <button type="button" className="ot-nudge" onClick={() => nudge(1)} aria-label="More lots" tabIndex={-1}>
          +
        </button>
      </span>
      <button type="button" className="ot-side buy" disabled={!!problem || busy !== null || paused} onClick={() => void send('BUY')} data-testid="order-buy">
        {busy === 'BUY' ? 'Buying…' : 'BUY'}
      </button>
      <span
        className={`ot-note ${problem || outcome?.ok === false ? 'warn' : outcome?.ok ? 'ok' : 'dim'}`}
        role={outcome?.ok === false ? 'alert' : 'status'}
        data-testid="order-feedback"
        data-state={problem ? 'invalid' : outcome ? (outcome.ok ? 'success' : 'error') : 'idle'}
        title={outcome?.message ?? problem ?? undefined}
      >
        {paused ? `Task ${task.status}: no orders` : problem ?? (outcome ? (outcome.ok ? outcome.message : `${outcome.code}: ${outcome.message}`) : `min ${rules?.min_lot ?? '—'} · step ${step}`)}
      </span>
    </div>
  );
}
