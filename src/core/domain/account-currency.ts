import { type Instrument, quoteToAccountRate } from './instruments';

/**
 * The account currency: every money figure the engine reports (P&L, equity, commissions, risk sizing) is in it.
 * One setting for the whole workstation; the spec's portfolios, paper accounts and tasks are all in USD (USDT
 * counts as USD, see quoteToAccountRate).
 */
export const ACCOUNT_CURRENCY = 'USD';

/**
 * Account-currency money per 1 unit of the instrument's quote currency at `price`, or undefined when that needs a cross
 * rate nobody supplied (EURGBP for a USD account). The one rate every P&L, commission and sizing uses.
 */
export function accountRate(instrument: Instrument, price: number, crossRate?: number): number | undefined {
  return quoteToAccountRate(instrument, ACCOUNT_CURRENCY, price, crossRate);
}
