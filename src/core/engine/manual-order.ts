import { TIMEFRAME_MS, type Candle, type Timeframe } from '../domain/candles';
import type { Instrument } from '../domain/instruments';

/**
 * The rules of a trader's manual order that come before the risk engine: the lot size as the broker will take it
 * (never rounded behind the trader's back) and whether the task's market takes orders at all right now.
 */

/** Why `lots` cannot be sent on `instrument` as it is, or null. */
export function manualLotsProblem(instrument: Instrument, lots: number): string | null {
  const { symbol, minLot, maxLot, lotStep } = instrument;
  if (!Number.isFinite(lots) || lots <= 0) return `lots must be a positive number (${symbol}: at least ${minLot})`;
  if (lots < minLot - 1e-12) return `${lots} lots is below ${symbol}'s minimum of ${minLot} lots`;
  if (lots > maxLot + 1e-12) return `${lots} lots is above ${symbol}'s maximum of ${maxLot} lots`;
  const steps = lots / lotStep;
  if (Math.abs(steps - Math.round(steps)) > 1e-6) {
    const below = Number((Math.floor(steps + 1e-9) * lotStep).toFixed(8));
    const above = Number((Math.ceil(steps - 1e-9) * lotStep).toFixed(8));
    return `${lots} lots is not a multiple of ${symbol}'s lot step ${lotStep}; send ${below >= minLot ? `${below} or ` : ''}${above}`;
  }
  return null;
}

const HOUR = 3_600_000;
const WEEK = 7 * 24 * HOUR;
/** Forex and metals close from Friday 22:00 to Sunday 22:00 UTC (the usual retail session; brokers differ by an hour). */
const WEEKEND_START = (4 * 24 + 22) * HOUR; // Friday 22:00, counted from Monday 00:00 UTC
const WEEKEND_END = (6 * 24 + 22) * HOUR; // Sunday 22:00
const MONDAY_EPOCH_OFFSET = 3 * 24 * HOUR; // 1970-01-01 was a Thursday: the Monday before was 3 days earlier

/**
 * Why the task's market takes no order now, or null. The market clock is the task's own: the close of its last bar
 * (on a replay that is the replay's time, not today's). Crypto trades around the clock; a simulated market trades
 * whenever it produces prices.
 */
export function marketClosedReason(args: { instrument: Instrument; timeframe: Timeframe; lastBar: Candle | undefined; source: string }): string | null {
  const { instrument, timeframe, lastBar, source } = args;
  if (!lastBar) return `${instrument.symbol} has no price yet: the task has not received a bar from its feed`;
  if (instrument.assetClass === 'crypto' || source === 'simulated') return null;
  const clock = lastBar.time + TIMEFRAME_MS[timeframe];
  const inWeek = (((clock + MONDAY_EPOCH_OFFSET) % WEEK) + WEEK) % WEEK;
  if (inWeek >= WEEKEND_START && inWeek < WEEKEND_END) {
    return `the ${instrument.symbol} market is closed for the weekend (market time ${new Date(clock).toISOString().slice(0, 16).replace('T', ' ')} UTC); it opens Sunday 22:00 UTC`;
  }
  return null;
}
