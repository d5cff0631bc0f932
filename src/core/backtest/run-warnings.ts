import type { Instrument } from '../domain/instruments';
import type { OrderPolicySettings } from '../engine/order-policy';
import type { ResolvedConfig } from '../strategies/params';
import type { EntryRefusal } from './engine';

/**
 * What a finished backtest tells the trader beyond its figures, so that a run with no trades is never a silent
 * success: entries the checks refused (how many, which rule, the minimum lot and what it costs, the sizing that
 * would trade), and a run where no signal fired at all. One text per finding, prefixed with the symbol.
 */

export interface SleeveOutcome {
  instrument: Instrument;
  /** The sleeve's share of the initial capital (account currency). */
  capital: number;
  tradeCount: number;
  signalsGenerated: number;
  /** Entries turned down by the strategy's own filter (confluence below min_confidence), not by the checks. */
  strategyFiltered: number;
  tradedBars: number;
  refusals: readonly EntryRefusal[];
  /** quote → account currency at a price (undefined: 1). */
  accountRate?: (price: number) => number;
}

export interface RunContext {
  strategy: string;
  config: ResolvedConfig;
  policy: OrderPolicySettings;
  /** Sleeves in the run (the capital is split equally between them). */
  symbols: number;
}

const usd = (amount: number): string =>
  `$${amount.toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`;
/** A number as written, without float noise (0.000381 stays, 1.0437400000000001 → 1.04374). */
const plain = (value: number): string => String(Number(value.toPrecision(10)));
/** Rounds money UP to the cent: a suggested minimum that is really enough. */
const centsUp = (amount: number): number => Math.ceil(amount * 100 - 1e-6) / 100;

/** The sizing as the request spelled it. */
export function describeSizing(policy: OrderPolicySettings): string {
  switch (policy.sizing) {
    case 'fixed_cash':
      return `fixed_cash ${usd(policy.value)} per trade`;
    case 'fixed_lots':
      return `fixed_lots ${plain(policy.value)} lots`;
    case 'percent_equity':
      return `percent_equity ${plain(policy.value)} % of equity`;
    case 'all_equity':
      return 'all_equity';
    case 'strategy':
      return "the strategy's own lots";
  }
}

/** The minimum lot in words and its value in the account currency at `price`. */
export function minimumLotValue(instrument: Instrument, price: number, accountRate?: (price: number) => number): { units: string; value: number } {
  const units = instrument.minLot * instrument.contractSize;
  const rate = accountRate ? accountRate(price) : 1;
  return { units: `${plain(units)} ${instrument.baseCurrency}`, value: units * price * rate };
}

function tooSmall(r: EntryRefusal, s: SleeveOutcome, run: RunContext): string {
  const { instrument } = s;
  const { units, value } = minimumLotValue(instrument, r.maxPrice, s.accountRate);
  const need = centsUp(value);
  const entries = r.count === 1 ? '1 entry was' : `${r.count} entries were`;
  const head =
    `${instrument.symbol}: ${entries} refused because the size was below the minimum lot (LOT_TOO_SMALL): ` +
    `sizing ${describeSizing(run.policy)} gave at most ${plain(r.maxLots)} lots, and ${instrument.symbol}'s minimum lot ` +
    `is ${plain(instrument.minLot)} (${units}), worth ${usd(value)} at ${plain(r.maxPrice)} (the highest price at a refused entry).`;
  const fixes: string[] = [];
  switch (run.policy.sizing) {
    case 'fixed_cash':
      fixes.push(`position_size of at least ${usd(need)} with fixed_cash`);
      break;
    case 'percent_equity': {
      const pct = Math.ceil((value / s.capital) * 100 * 100 - 1e-6) / 100;
      fixes.push(pct <= 100 ? `position_size of at least ${plain(pct)} (% of equity) with percent_equity` : `initial_capital of at least ${usd(need * run.symbols)}`);
      break;
    }
    case 'all_equity':
      if (s.tradeCount > 0) {
        // The run traded: the refused entries came while a position held the equity (a grid or pyramid entry).
        return `${head} With all_equity an open position holds all the money, so entries added to it (a grid) cannot be funded. To trade them: sizing fixed_cash, fixed_lots or percent_equity.`;
      }
      fixes.push(`initial_capital of at least ${usd(need * run.symbols)}${run.symbols > 1 ? ` (${usd(need)} for each of the ${run.symbols} symbols)` : ''}`);
      break;
    case 'fixed_lots':
    case 'strategy':
      break;
  }
  if (run.policy.sizing !== 'fixed_lots') fixes.push(`sizing fixed_lots with position_size ${plain(instrument.minLot)}`);
  else fixes.push(`position_size of at least ${plain(instrument.minLot)} lots`);
  if (run.policy.rounding !== 'fractional') fixes.push('size_rounding fractional (exact sizes, no minimum lot: an idealised account)');
  return `${head} To trade: ${fixes.join('; or ')}.`;
}

function refusalText(r: EntryRefusal, s: SleeveOutcome, run: RunContext): string {
  const { symbol } = s.instrument;
  const entries = r.count === 1 ? '1 entry was' : `${r.count} entries were`;
  switch (r.code) {
    case 'LOT_TOO_SMALL':
      return tooSmall(r, s, run);
    case 'LOT_TOO_LARGE':
      return (
        `${symbol}: ${entries} refused because the size was above the maximum lot (LOT_TOO_LARGE): sizing ${describeSizing(run.policy)} ` +
        `gave up to ${plain(r.maxLots)} lots, ${symbol}'s maximum is ${plain(s.instrument.maxLot)}. To trade: a smaller position_size.`
      );
    case 'DIRECTION_NOT_ALLOWED':
      return `${symbol}: ${entries} not sent because of direction ${run.policy.direction} (DIRECTION_NOT_ALLOWED): ${r.message}. To trade them: direction both.`;
    default:
      return `${symbol}: ${entries} refused (${r.code}): ${r.message}.`;
  }
}

/** Why a strategy that fired nothing might fire, in its own parameters. */
function signalHint(run: RunContext): string {
  const c = run.config;
  if (run.strategy === 'gold_buy_dip') {
    return (
      `a lower percentage_threshold (now ${plain(c.percentage_threshold as number)} % over ${c.lookback_candles} bars), ` +
      `z-score thresholds closer to 0 (now ${plain(c.zscore_threshold_buy as number)} / ${plain(c.zscore_threshold_sell as number)}) ` +
      `or a longer zscore_wait_candles (now ${c.zscore_wait_candles})`
    );
  }
  if (run.strategy === 'confluence' && typeof c.min_confidence === 'number') return `a lower min_confidence (now ${plain(c.min_confidence)}) or wider RSI/ADX ranges`;
  return "looser entry parameters (see the strategy's parameters)";
}

/** The run's warnings, per symbol: refused entries by rule, and a sleeve without trades and without refusals. */
export function runWarnings(run: RunContext, sleeves: readonly SleeveOutcome[]): string[] {
  const warnings: string[] = [];
  for (const s of sleeves) {
    for (const r of s.refusals) {
      // Entries a one-sided direction turns away are what the trader asked for; said only when nothing traded.
      if (r.code === 'DIRECTION_NOT_ALLOWED' && s.tradeCount > 0) continue;
      warnings.push(refusalText(r, s, run));
    }
    if (s.tradeCount === 0 && s.refusals.length === 0 && s.tradedBars > 0) {
      const filtered = s.strategyFiltered > 0 ? `; its own filter turned down ${s.strategyFiltered} signal(s)` : '';
      const sent = s.signalsGenerated > 0 ? `${s.signalsGenerated} entry order(s) were sent but none filled before the data ended` : `no entry signal fired in ${s.tradedBars} bars${filtered}`;
      warnings.push(`${s.instrument.symbol}: no trades: ${sent}. To get trades, try a longer date range, another timeframe, or ${signalHint(run)}.`);
    }
  }
  return warnings;
}
