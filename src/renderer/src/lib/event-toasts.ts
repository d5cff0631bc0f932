/**
 * Which engine events become notifications, and how a burst is summarised: on a fast replay dozens of fills can
 * land in one poll, and a wall of toasts helps nobody. Risk breaches are never folded together.
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
}

/** Bursts above this many of one kind in one poll become one summary toast. */
const FOLD_ABOVE = 3;

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
  fill: 'orders filled', take_profit: 'take-profits hit', stop_loss: 'stop-losses hit', risk: 'risk breaches', task: 'task changes', order: 'orders refused',
};

/** Events oldest first → toasts oldest first. */
export function toastsFromEvents(events: readonly EngineEventLike[]): Toast[] {
  const groups = new Map<ToastKind, { event: EngineEventLike; meta: NonNullable<ReturnType<typeof classify>> }[]>();
  for (const event of events) {
    const meta = classify(event);
    if (!meta) continue;
    const list = groups.get(meta.kind) ?? [];
    list.push({ event, meta });
    groups.set(meta.kind, list);
  }
  const toasts: Toast[] = [];
  for (const [kind, list] of groups) {
    if (list.length > FOLD_ABOVE && kind !== 'risk') {
      const last = list[list.length - 1] as (typeof list)[number];
      toasts.push({
        id: `ev-${list[0]?.event.id}-${last.event.id}`,
        kind,
        severity: last.meta.severity,
        title: `${list.length} ${PLURAL[kind]}`,
        body: `Latest: ${last.event.message}`,
        taskId: last.event.task_id,
        time: last.event.time,
      });
    } else {
      for (const { event, meta } of list) {
        toasts.push({ id: `ev-${event.id}`, ...meta, body: event.message, taskId: event.task_id, time: event.time });
      }
    }
  }
  return toasts.sort((a, b) => a.time.localeCompare(b.time));
}
