import type { Timeframe } from '../domain/candles';
import type { SubmitOrder } from '../domain/trading';
import type { PublishedEvent } from '../ports/domain-events';
import type { EngineEvent } from './strategy-runner';

/**
 * What a trading task says: the domain events (type, severity, code, message, data) the task actor stores in the
 * journal and publishes, built here from what happened, so the actor only decides when. The texts are what the
 * journal, the notifications and the screens show.
 */

/** An event of one task before the actor stamps it with the task id. */
export type TaskEventDraft = PublishedEvent extends infer E ? (E extends PublishedEvent ? Omit<E, 'taskId'> : never) : never;

const fmt = (n: number, digits: number) => n.toFixed(digits);
const what = (o: Pick<SubmitOrder, 'side' | 'lots' | 'symbol'>) => `${o.side} ${o.lots} ${o.symbol}`;

export const taskEvents = {
  protectionFailed: (positionId: string, error: string): TaskEventDraft => ({
    type: 'ProtectionFailed', severity: 'warning', code: 'PROTECTION_FAILED', message: `Could not move TP/SL of ${positionId}: ${error}`,
  }),
  reconciled: (notes: readonly string[]): TaskEventDraft => ({ type: 'TaskReconciled', severity: 'warning', code: 'RECONCILED', message: notes.join('; ') }),
  orderHeld: (order: SubmitOrder, why: string): TaskEventDraft => ({
    type: 'OrderHeld', severity: 'warning', code: 'BROKER_NOT_READY', message: `${what(order)} not sent: ${why}`,
  }),
  duplicateDecision: (order: SubmitOrder, journaledAs: { clientOrderId: string; status: string }): TaskEventDraft => ({
    type: 'DuplicateDecisionRefused', severity: 'critical', code: 'DUPLICATE_DECISION',
    message: `${what(order)} (${order.reason}) not sent: decision ${order.decisionKey} was already journaled as ${journaledAs.clientOrderId} (${journaledAs.status})`,
    data: { decisionKey: order.decisionKey, clientOrderId: order.clientOrderId, journaledAs: journaledAs.clientOrderId },
  }),
  notReceived: (order: SubmitOrder): TaskEventDraft => ({
    type: 'OrderResolved', severity: 'warning', code: 'ORDER_NOT_RECEIVED', message: `${order.clientOrderId}: the broker never received it; not resent`,
  }),
  rejected: (order: SubmitOrder, reason: string): TaskEventDraft => ({
    type: 'OrderRejected', severity: 'warning', code: 'ORDER_REJECTED', message: `${what(order)} rejected: ${reason}`,
  }),
  unknown: (order: SubmitOrder, reason: string): TaskEventDraft => ({
    type: 'OrderUnknown', severity: 'warning', code: 'ORDER_OUTCOME_UNKNOWN',
    message: `${what(order)}: no answer from the broker (${reason}); asking it by client order id`,
  }),
};

/** Notes of a reconcile (TaskReconciled's message is these, joined). */
export const reconcileNotes = {
  cancelledNeverSent: (clientOrderId: string) => `${clientOrderId}: never reached the broker; cancelled`,
  positionGone: (positionId: string) => `position ${positionId} is no longer held by the broker; removed`,
  sentNow: (clientOrderId: string) => `${clientOrderId}: journaled on the current bar but never sent; sent now`,
  cancelledBarPassed: (clientOrderId: string) => `${clientOrderId}: never reached the broker and its bar has passed; cancelled`,
};

/**
 * The task's events for one engine event of its runner. `drawdown` remembers the force-close already reported: one
 * breach event per force-close, not one per position of the series.
 */
export function eventsOfEngineEvent(
  event: EngineEvent,
  task: { pair: string; timeframe: Timeframe; digits: number },
  drawdown: { reportedFor: number | undefined },
): TaskEventDraft[] {
  const { pair, timeframe, digits } = task;
  switch (event.type) {
    case 'OrderFilled': {
      const f = event.fill;
      if (!f.opens) return [];
      return [
        {
          type: 'OrderFilled', severity: 'info', code: null,
          message: `${f.side} ${f.lots} ${pair} filled at ${fmt(f.price, digits)} (${timeframe})`,
          data: { clientOrderId: f.clientOrderId, price: f.price, lots: f.lots, side: f.side, time: f.time },
        },
        {
          type: 'PositionOpened', severity: 'info', code: null,
          message: `${pair} ${f.side} ${f.lots} opened at ${fmt(f.price, digits)} (${timeframe})`,
          data: { positionId: f.positionId, clientOrderId: f.clientOrderId, side: f.side, lots: f.lots, price: f.price, time: f.time },
        },
      ];
    }
    case 'PositionClosed': {
      const t = event.trade;
      const events: TaskEventDraft[] = [
        {
          type: 'PositionClosed', severity: 'info', code: t.exitReason,
          message: `${pair} ${t.side} ${t.lots} closed at ${fmt(t.exitPrice, digits)} (${t.exitReason.replace(/_/g, ' ')}): ${t.pnl >= 0 ? '+' : ''}${t.pnl.toFixed(2)}`,
          data: { positionId: t.positionId, pnl: t.pnl, exitReason: t.exitReason, time: t.exitTime },
        },
      ];
      if (t.exitReason === 'max_drawdown' && drawdown.reportedFor !== t.exitTime) {
        drawdown.reportedFor = t.exitTime;
        events.push({
          type: 'RiskBreached', severity: 'critical', code: 'MAX_DRAWDOWN',
          message: `${pair} ${timeframe}: the series reached max_drawdown_percent of the task's capital and was force-closed`,
          data: { positionId: t.positionId, pnl: t.pnl },
        });
      }
      return events;
    }
    case 'RiskBreached':
      return [{ type: 'RiskBreached', severity: 'critical', code: event.code, message: event.message, data: { floatingPnl: event.floatingPnl, limit: event.limit } }];
    case 'OrderDenied':
      return [{ type: 'OrderDenied', severity: 'warning', code: event.denial.code, message: event.denial.message }];
    case 'TaskPaused':
      return [{ type: 'TaskPaused', severity: 'warning', code: 'TASK_PAUSED', message: event.reason }];
    case 'OrderSubmitted': {
      const o = event.order;
      return [
        {
          type: 'OrderSubmitted', severity: 'info', code: null,
          message: `${o.side} ${o.lots} ${o.symbol} sent (${o.reason})`,
          data: { clientOrderId: o.clientOrderId, side: o.side, lots: o.lots, symbol: o.symbol, kind: o.closesPositionId ? 'close' : 'open', reason: o.reason },
        },
      ];
    }
    default:
      return [];
  }
}
