import { describe, expect, it } from 'vitest';
import { builtinInstrument, type Instrument } from '../domain/instruments';
import { DEFAULT_ORDER_POLICY, type OrderPolicySettings } from '../engine/order-policy';
import type { EntryRefusal } from './engine';
import { accountRateFor } from './run-backtest';
import { minimumLotValue, runWarnings, type SleeveOutcome } from './run-warnings';

/** The warning texts of a finished run, worked out by hand from the refusal tallies. */

const GOLD = builtinInstrument('XAUUSD') as Instrument;
const USDJPY = builtinInstrument('USDJPY') as Instrument;

const tooSmall = (count: number, maxLots: number, maxPrice: number): EntryRefusal => ({ code: 'LOT_TOO_SMALL', count, message: '', maxLots, maxPrice, atFill: 0 });

function sleeve(instrument: Instrument, refusals: EntryRefusal[], more: Partial<SleeveOutcome> = {}): SleeveOutcome {
  const rate = accountRateFor(instrument);
  return { instrument, capital: 10_000, tradeCount: 0, signalsGenerated: 0, strategyFiltered: 0, tradedBars: 500, refusals, ...(rate ? { accountRate: rate } : {}), ...more };
}

const run = (policy: Partial<OrderPolicySettings>, symbols = 1) => ({ strategy: 'confluence', config: { min_confidence: 0.73 }, policy: { ...DEFAULT_ORDER_POLICY, ...policy }, symbols });

describe('run warnings', () => {
  it("fixed_cash $100 on gold at 2,651.23: 37 refusals, 0.01 lot = 1 XAU worth $2,651.23, and the cash that trades", () => {
    const [w, ...rest] = runWarnings(run({ sizing: 'fixed_cash', value: 100 }), [sleeve(GOLD, [tooSmall(37, 100 / 265_123, 2651.23)])]);
    expect(rest).toEqual([]);
    expect(w).toBe(
      'XAUUSD: 37 entries were refused because the size was below the minimum lot (LOT_TOO_SMALL): sizing fixed_cash $100.00 per trade ' +
        "gave at most 0.0003771834205 lots, and XAUUSD's minimum lot is 0.01 (1 XAU), worth $2,651.23 at 2651.23 (the highest price at a " +
        'refused entry). To trade: position_size of at least $2,651.23 with fixed_cash; or sizing fixed_lots with position_size 0.01; ' +
        'or size_rounding fractional (exact sizes, no minimum lot: an idealised account).',
    );
  });

  it('the suggested size is rounded UP to the cent (never a size that still falls short)', () => {
    const [w] = runWarnings(run({ sizing: 'fixed_cash', value: 100 }), [sleeve(GOLD, [tooSmall(1, 0.0003, 2651.231)])]);
    expect(w).toContain('1 entry was refused');
    expect(w).toContain('position_size of at least $2,651.24 with fixed_cash');
  });

  it('percent_equity: the % of the sleeve that buys the minimum lot; all_equity: the capital, per symbol', () => {
    const [pct] = runWarnings(run({ sizing: 'percent_equity', value: 10 }), [sleeve(GOLD, [tooSmall(2, 0.004, 2500)])]);
    expect(pct).toContain('position_size of at least 25 (% of equity) with percent_equity');
    const [all] = runWarnings(run({ sizing: 'all_equity' }, 2), [sleeve(GOLD, [tooSmall(2, 0.004, 5000)], { capital: 4000 })]);
    expect(all).toContain('initial_capital of at least $10,000.00 ($5,000.00 for each of the 2 symbols)');
  });

  it('USDJPY: the minimum lot is 1,000 USD whatever the price (quote JPY converted at 1/price)', () => {
    expect(minimumLotValue(USDJPY, 150, accountRateFor(USDJPY)).value).toBeCloseTo(1000, 9);
    expect(minimumLotValue(USDJPY, 150, accountRateFor(USDJPY)).units).toBe('1000 USD');
  });

  it('direction refusals are said only when nothing traded; other rules always', () => {
    const direction: EntryRefusal = { code: 'DIRECTION_NOT_ALLOWED', count: 4, message: 'Short entries are off (long-only): the SELL entry was not sent', maxLots: 1, maxPrice: 1, atFill: 0 };
    expect(runWarnings(run({ direction: 'long_only' }), [sleeve(GOLD, [direction], { tradeCount: 3 })])).toEqual([]);
    expect(runWarnings(run({ direction: 'long_only' }), [sleeve(GOLD, [direction])])[0]).toContain('4 entries were not sent because of direction long_only');
  });

  it('no trades and no refusals: no signal fired, with what to try in the strategy\'s own parameters', () => {
    expect(runWarnings(run({ sizing: 'all_equity' }), [sleeve(GOLD, [], { strategyFiltered: 3 })])).toEqual([
      'XAUUSD: no trades: no entry signal fired in 500 bars; its own filter turned down 3 signal(s). To get trades, try a longer date range, ' +
        'another timeframe, or a lower min_confidence (now 0.73) or wider RSI/ADX ranges.',
    ]);
    const dip = { strategy: 'gold_buy_dip', config: { percentage_threshold: 2, lookback_candles: 50, zscore_threshold_buy: -3, zscore_threshold_sell: 3, zscore_wait_candles: 10 }, policy: DEFAULT_ORDER_POLICY, symbols: 1 };
    expect(runWarnings(dip, [sleeve(GOLD, [])])[0]).toContain('a lower percentage_threshold (now 2 % over 50 bars)');
    expect(runWarnings(run({}), [sleeve(GOLD, [], { tradeCount: 5 })])).toEqual([]);
  });
});
