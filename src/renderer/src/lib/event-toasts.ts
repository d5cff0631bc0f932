/**
 * Which engine events become notifications, and how they stack. On a fast replay dozens of fills can land in one
 * poll and more in the next: a wall of toasts over the forms helps nobody. So toasts of one kind on one symbol fold
 * into one ("5 fills on XAUUSD") — within a poll and into the toast already on screen — routine ones (fills,
 * take-profits, stop-losses) are not shown at all while the feed replays faster than a trader can read, and at most a
 * few are visible, warnings before routine. Risk breaches are never folded, never suppressed, never pushed out.
 */

export interface EngineEventLike {
  id: number;
  time: string;
  type: string;
  severity: string;
  task_id: number | null;
  code: string | null;
  message: string;
}

export type ToastKind = 'fill' | 'take_profit' | 'stop_loss' | 'risk' | 'task' | 'order';
export type ToastSeverity = 'info' | 'success' | 'warning' | 'critical';

export interface Toast {
  id: string;
  kind: ToastKind;
  severity: ToastSeverity;
  title: string;
  body: string;
  taskId: number | null;
  time: string;
  /** Events folded into this toast (1: a single event). */
  count: number;
  /** Toasts of the same group fold together: kind and symbol (or task); a breach is its own group. */
  group: string;
  /** What the events are about: a symbol, else "task N". */
  where: string;
}

/** Visible at once; older routine toasts give way first. */
export const MAX_VISIBLE_TOASTS = 3;
/** Above this replay speed (bars per second per task) fills, take-profits and stop-losses are not toasted. */
export const ROUTINE_TOASTS_UP_TO_BARS_PER_SECOND = 5;

const ROUTINE: ReadonlySet<ToastKind> = new Set(['fill', 'take_profit', 'stop_loss']);

function classify(e: EngineEventLike): { kind: ToastKind; severity: ToastSeverity; title: string } | null {
  const task = e.task_id !== null ? ` · task ${e.task_id}` : '';
  switch (e.type) {
    case 'OrderFilled':
      return { kind: 'fill', severity: 'info', title: `Order filled${task}` };
    case 'PositionClosed':
      if (e.code === 'take_profit' || e.code === 'series_take_profit') return { kind: 'take_profit', severity: 'success', title: `Take-profit hit${task}` };
      if (e.code === 'stop_loss') return { kind: 'stop_loss', severity: 'warning', title: `Stop-loss hit${task}` };
      return null; // signal/manual closes: their fill is already notified
    case 'RiskBreached':
      return { kind: 'risk', severity: 'critical', title: `Risk breach${e.code ? ` · ${e.code}` : ''}${task}` };
    case 'TaskPaused':
      return { kind: 'task', severity: 'warning', title: `Task paused${task}` };
    case 'TaskFailed':
      return { kind: 'task', severity: 'critical', title: `Task failed${task}` };
    case 'OrderRejected':
    case 'OrderDenied':
      return { kind: 'order', severity: 'warning', title: `${e.type === 'OrderDenied' ? 'Order denied' : 'Order rejected'}${task}` };
    default:
      return null;
  }
}

const PLURAL: Record<ToastKind, string> = {
  fill: 'fills', take_profit: 'take-profits', stop_loss: 'stop-losses', risk: 'risk breaches', task: 'task changes', order: 'orders refused',
};

const foldedTitle = (kind: ToastKind, count: number, where: string) => `${count} ${PLURAL[kind]} on ${where}`;

/** A symbol named in an engine message ("BUY 0.1 EURUSD filled at …", "XAUUSD SELL 0.02 closed …", "BTC/USDT"). */
function symbolInMessage(message: string): string | undefined {
  return /\b([A-Z]{6,7}|[A-Z]{2,6}\/[A-Z]{3,5})\b/.exec(message)?.[1];
}

export interface ToastOptions {
  /** The symbol a task trades (from the session's tasks); else it is read from the message. */
  symbolOf?: (taskId: number) => string | undefined;
  /** Replay speed now: above ROUTINE_TOASTS_UP_TO_BARS_PER_SECOND routine toasts are off. */
  feedBarsPerSecond?: number | null;
}

/** Events oldest first → toasts oldest first, one per group (kind × symbol), breaches one each. */
export function toastsFromEvents(events: readonly EngineEventLike[], options: ToastOptions = {}): Toast[] {
  const quiet = (options.feedBarsPerSecond ?? 0) > ROUTINE_TOASTS_UP_TO_BARS_PER_SECOND;
  const groups = new Map<string, Toast>();
  const toasts: Toast[] = [];
  for (const event of events) {
    const meta = classify(event);
    if (!meta || (quiet && ROUTINE.has(meta.kind))) continue;
    const where = (event.task_id !== null ? options.symbolOf?.(event.task_id) : undefined) ?? symbolInMessage(event.message) ?? (event.task_id !== null ? `task ${event.task_id}` : 'the account');
    const group = meta.kind === 'risk' ? `risk:${event.id}` : `${meta.kind}:${where}`;
    const folded = groups.get(group);
    if (folded) {
      folded.count += 1;
      folded.id = `${folded.id.split('~')[0]}~${event.id}`;
      folded.title = foldedTitle(meta.kind, folded.count, where);
      folded.body = `Latest: ${event.message}`;
      folded.time = event.time;
      folded.taskId = event.task_id;
      if (meta.severity === 'critical') folded.severity = 'critical';
      continue;
    }
    const toast: Toast = { id: `ev-${event.id}`, ...meta, body: event.message, taskId: event.task_id, time: event.time, count: 1, group, where };
    groups.set(group, toast);
    toasts.push(toast);
  }
  return toasts.sort((a, b) => a.time.localeCompare(b.time));
}

/**
 * The toasts on screen after `incoming` arrive: one of a group already shown absorbs the newcomers (its count grows,
 * it moves to the top, it keeps its id); then at most `max` stay, the oldest routine ones leaving first, breaches never.
 */
export function stackToasts(current: readonly Toast[], incoming: readonly Toast[], max = MAX_VISIBLE_TOASTS): { toasts: Toast[]; merged: Toast[]; dropped: Toast[] } {
  const next = [...current];
  const merged: Toast[] = [];
  for (const t of incoming) {
    const i = next.findIndex((c) => c.group === t.group);
    if (i === -1) {
      next.push(t);
      continue;
    }
    const existing = next[i] as Toast;
    const count = existing.count + t.count;
    const body = t.count > 1 ? t.body : `Latest: ${t.body}`;
    const combined: Toast = { ...existing, count, title: foldedTitle(t.kind, count, t.where), body, time: t.time, taskId: t.taskId, severity: t.severity === 'critical' ? 'critical' : existing.severity };
    next.splice(i, 1);
    next.push(combined);
    merged.push(combined);
  }
  const dropped: Toast[] = [];
  while (next.length > max) {
    const rank = (t: Toast) => (t.severity === 'critical' ? 2 : ROUTINE.has(t.kind) ? 0 : 1);
    let victim = -1;
    for (let r = 0; r < 2 && victim === -1; r++) victim = next.findIndex((t) => rank(t) === r);
    if (victim === -1) break; // only breaches left: they all stay until dismissed
    dropped.push(...next.splice(victim, 1));
  }
  return { toasts: next, merged, dropped };
}
