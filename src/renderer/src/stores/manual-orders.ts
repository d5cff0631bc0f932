import { isDomainError, procedures, type OutputOf } from '../../../shared/contract/index';
import { api } from '../api/client';
import type { ActionOutcome } from './portfolio-store';
import { useTradingStore } from './trading-store';

/**
 * The trader's own orders from the trading workspace: Buy / Sell on a running task and Close of one position, each
 * through the contract (journaled and risk-checked like the strategy's orders). The grids refresh right after.
 */

export type ManualOutcome = ActionOutcome & { clientOrderId?: string };

const refusal = (error: unknown): ManualOutcome => ({
  ok: false,
  code: isDomainError(error) ? error.code : 'UNKNOWN',
  message: error instanceof Error ? error.message : String(error),
});

export async function placeManualOrder(taskId: number, side: 'BUY' | 'SELL', lots: number): Promise<ManualOutcome> {
  try {
    const placed: OutputOf<'trading.placeOrder'> = await api.trading.placeOrder({ task_id: taskId, side, lots });
    void useTradingStore.getState().poll();
    return { ok: true, message: procedures['trading.placeOrder'].message(placed), notes: [], clientOrderId: placed.order.client_order_id };
  } catch (error) {
    return refusal(error);
  }
}

export async function closeManually(positionId: string): Promise<ManualOutcome> {
  try {
    const closed: OutputOf<'trading.closePosition'> = await api.trading.closePosition({ position_id: positionId });
    void useTradingStore.getState().poll();
    return { ok: true, message: procedures['trading.closePosition'].message(closed), notes: [] };
  } catch (error) {
    return refusal(error);
  }
}

/** Lots as the instrument takes them, or why not (the server checks again; this only saves a round trip). */
export function lotsProblem(lots: number, rules: { min_lot: number; lot_step: number; max_lot: number; symbol: string } | undefined): string | null {
  if (!Number.isFinite(lots) || lots <= 0) return 'Enter the lots, e.g. 0.01';
  if (!rules) return null;
  if (lots < rules.min_lot - 1e-12) return `At least ${rules.min_lot} lots on ${rules.symbol}`;
  if (lots > rules.max_lot + 1e-12) return `At most ${rules.max_lot} lots on ${rules.symbol}`;
  const steps = lots / rules.lot_step;
  if (Math.abs(steps - Math.round(steps)) > 1e-6) return `${rules.symbol} takes lots in steps of ${rules.lot_step}`;
  return null;
}
