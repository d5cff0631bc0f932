import { sideSign, type Side } from './trading';

/**
 * The result of a position's price move: (exit − entry) × side × lots × contract size × rate, where `rate` turns the
 * quote currency into the account currency (domain/account-currency.ts). Commissions are not in it; each caller
 * subtracts the ones it has (entry, exit, a share of them for partial closes). The one P&L rule: the backtester, the
 * paper account, the live runner, the broker clients and the API views all call it.
 */
export function positionPnl(
  position: { readonly side: Side; readonly entryPrice: number; readonly lots: number },
  contractSize: number,
  exitPrice: number,
  rate: number,
): number {
  return (exitPrice - position.entryPrice) * sideSign(position.side) * position.lots * contractSize * rate;
}
