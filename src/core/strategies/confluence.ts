import type { Instrument } from '../domain/instruments';
import type { ClosedTrade, OrderFilled } from '../domain/trading';
import { AverageDirectionalIndex } from '../indicators/average-directional-index';
import { AverageTrueRange } from '../indicators/average-true-range';
import { BollingerBands } from '../indicators/bollinger-bands';
import { ExponentialMovingAverage } from '../indicators/exponential-moving-average';
import { HeikinAshi } from '../indicators/heikin-ashi';
import { Macd } from '../indicators/macd';
import { MoneyFlowIndex } from '../indicators/money-flow-index';
import { ParabolicSar } from '../indicators/parabolic-sar';
import { RelativeStrengthIndex } from '../indicators/relative-strength-index';
import { SimpleMovingAverage } from '../indicators/simple-moving-average';
import { Supertrend } from '../indicators/supertrend';
import { num, type ParamSpec, type ResolvedConfig } from './params';
import { roundPrice } from './sizing';
import type { BarsView, Strategy, StrategyContext, StrategyDefinition } from './strategy';

/**
 * confluence: the binance-trading-bot document's strategy. Its `strategy_params` (RSI windows, ADX minimums, ATR
 * stop/target multipliers, volume multipliers, min_confidence) drive it; its confidence is the share of the 13
 * conditions the document's signal API names (`conditions_met`) that hold on the bar.
 *
 * Indicators (standard periods, on the bars of the backtest's timeframe, each value of the bar that just closed):
 *   RSI(14) Wilder; MACD(12, 26, 9) on closes; ADX(14) with +DI/−DI (Wilder); ATR(14) Wilder; EMA 9, 21, 50 of
 *   closes; volume MA = SMA(volume, 20) of the 20 bars BEFORE this one; Bollinger(20, 2σ population); Supertrend
 *   (ATR 10, ×3); MFI(14); Parabolic SAR (0.02, +0.02, 0.2); Heikin-Ashi candle; ATR average = SMA(ATR(14), 50).
 *
 * The 13 conditions for a LONG (the SHORT reading in brackets), as conditions_met names them:
 *   1 macd_bullish        MACD line > signal line                 [MACD line < signal line]
 *   2 rsi_oversold        long_rsi_min ≤ RSI ≤ long_rsi_max       [short_rsi_min ≤ RSI ≤ short_rsi_max]
 *   3 adx_strong          ADX ≥ long_adx_min                      [ADX ≥ short_adx_min]
 *   4 price_above_ema     close > EMA 50                          [close < EMA 50]
 *   5 volume_spike        volume > volume MA × long_volume_multiplier   [× short_volume_multiplier]
 *   6 supertrend_bullish  Supertrend direction up (close above it)   [down]
 *   7 mfi_bullish         MFI > 50 (more money flowing in than out)   [MFI < 50]
 *   8 psar_bullish        SAR below price (uptrend)               [SAR above price]
 *   9 ha_bullish          Heikin-Ashi close > Heikin-Ashi open    [HA close < HA open]
 *  10 ema_alignment       EMA 9 > EMA 21 > EMA 50                 [EMA 9 < EMA 21 < EMA 50]
 *  11 di_bullish          +DI > −DI                               [−DI > +DI]
 *  12 bb_oversold         %B ≤ 0.2, %B = (close − lower) / (upper − lower)   [%B ≥ 0.8]
 *  13 volatility_normal   0.5 ≤ ATR / ATR average ≤ 2 (same for both sides)
 * confidence = (conditions that hold) / 13.
 *
 * Rules (bar i just closed; orders fill at the next bar's open by default):
 * - While flat with no order in flight, once every indicator has a value, both readings are scored on every bar:
 *   confidence(LONG) and confidence(SHORT). The side with the higher confidence leads (LONG on a tie).
 * - The leading side at or above min_confidence is a signal: one market order of lot_size lots (a backtest's
 *   sizing policy may replace the size). The RSI windows are condition 2: an RSI outside the window costs 1/13.
 * - signals_filtered counts the signals turned down by min_confidence: a run of consecutive flat bars on which
 *   the leading side met a majority of the conditions (≥ 7 of 13) yet stayed below min_confidence counts once
 *   (a new run starts when the leading side changes or the majority is lost).
 * - Stop-loss = entry ∓ sl_atr_multiplier × ATR, take-profit = entry ± tp_atr_multiplier × ATR, with the ATR of
 *   the decision bar, measured from the FILL price, rounded to the instrument's digits. Exits are the stop and the
 *   take-profit only; one position at a time.
 */

export const CONDITION_NAMES = [
  'macd_bullish',
  'rsi_oversold',
  'adx_strong',
  'price_above_ema',
  'volume_spike',
  'supertrend_bullish',
  'mfi_bullish',
  'psar_bullish',
  'ha_bullish',
  'ema_alignment',
  'di_bullish',
  'bb_oversold',
  'volatility_normal',
] as const;
export type ConditionName = (typeof CONDITION_NAMES)[number];

/** Conditions that make a "filtered signal" worth counting: a majority of the 13. */
const MAJORITY = 7;

export const CONFLUENCE_PARAMS: readonly ParamSpec[] = [
  { key: 'min_confidence', type: 'float', default: 0.73, min: 0, max: 1, description: 'Minimum signal confidence (share of the 13 conditions that hold)' },
  { key: 'long_rsi_min', type: 'float', default: 23.0, min: 0, max: 100, description: 'LONG entry RSI minimum' },
  { key: 'long_rsi_max', type: 'float', default: 33.0, min: 0, max: 100, description: 'LONG entry RSI maximum' },
  { key: 'short_rsi_min', type: 'float', default: 67.0, min: 0, max: 100, description: 'SHORT entry RSI minimum' },
  { key: 'short_rsi_max', type: 'float', default: 77.0, min: 0, max: 100, description: 'SHORT entry RSI maximum' },
  { key: 'long_adx_min', type: 'float', default: 22.0, min: 0, max: 100, description: 'ADX minimum for LONG (adx_strong)' },
  { key: 'short_adx_min', type: 'float', default: 22.0, min: 0, max: 100, description: 'ADX minimum for SHORT (adx_strong)' },
  { key: 'sl_atr_multiplier', type: 'float', default: 1.5, min: 0.01, max: 100, description: 'Stop-loss distance in ATRs' },
  { key: 'tp_atr_multiplier', type: 'float', default: 5.25, min: 0.01, max: 100, description: 'Take-profit distance in ATRs' },
  { key: 'long_volume_multiplier', type: 'float', default: 1.2, min: 0, max: 100, description: 'Volume above its 20-bar average × this for volume_spike (LONG)' },
  { key: 'short_volume_multiplier', type: 'float', default: 1.2, min: 0, max: 100, description: 'Volume above its 20-bar average × this for volume_spike (SHORT)' },
  { key: 'lot_size', type: 'float', default: 0.1, min: 0.00001, max: 1000, unit: 'lots', description: 'Lots per trade (a backtest sizing rule may replace it)' },
  { key: 'magic_number', type: 'int', default: 73730, min: 0, max: 2_147_483_647, description: "Tag on every order, so the broker's positions of this task can be told apart" },
];

/** Indicator values of one closed bar: what the 13 conditions read. */
export interface ConfluenceSnapshot {
  close: number;
  volume: number;
  rsi: number;
  macd: number;
  macdSignal: number;
  adx: number;
  plusDi: number;
  minusDi: number;
  atr: number;
  atrAverage: number;
  ema9: number;
  ema21: number;
  ema50: number;
  /** SMA(volume, 20) of the 20 bars before this one. */
  volumeMa: number;
  bbUpper: number;
  bbMiddle: number;
  bbLower: number;
  supertrend: number;
  supertrendDirection: 1 | -1;
  mfi: number;
  psar: number;
  psarDirection: 1 | -1;
  haOpen: number;
  haClose: number;
}

export interface ConfluenceParams {
  minConfidence: number;
  longRsiMin: number;
  longRsiMax: number;
  shortRsiMin: number;
  shortRsiMax: number;
  longAdxMin: number;
  shortAdxMin: number;
  slAtr: number;
  tpAtr: number;
  longVolume: number;
  shortVolume: number;
}

export function confluenceParams(config: ResolvedConfig): ConfluenceParams {
  return {
    minConfidence: num(config, 'min_confidence'),
    longRsiMin: num(config, 'long_rsi_min'),
    longRsiMax: num(config, 'long_rsi_max'),
    shortRsiMin: num(config, 'short_rsi_min'),
    shortRsiMax: num(config, 'short_rsi_max'),
    longAdxMin: num(config, 'long_adx_min'),
    shortAdxMin: num(config, 'short_adx_min'),
    slAtr: num(config, 'sl_atr_multiplier'),
    tpAtr: num(config, 'tp_atr_multiplier'),
    longVolume: num(config, 'long_volume_multiplier'),
    shortVolume: num(config, 'short_volume_multiplier'),
  };
}

/** The 13 conditions for one side, in CONDITION_NAMES order (the names are the LONG spellings the spec uses). */
export function conditionsFor(side: 'LONG' | 'SHORT', s: ConfluenceSnapshot, p: ConfluenceParams): Record<ConditionName, boolean> {
  const long = side === 'LONG';
  const width = s.bbUpper - s.bbLower;
  const percentB = width > 0 ? (s.close - s.bbLower) / width : 0.5;
  const volatility = s.atrAverage > 0 ? s.atr / s.atrAverage : Number.NaN;
  return {
    macd_bullish: long ? s.macd > s.macdSignal : s.macd < s.macdSignal,
    rsi_oversold: long ? s.rsi >= p.longRsiMin && s.rsi <= p.longRsiMax : s.rsi >= p.shortRsiMin && s.rsi <= p.shortRsiMax,
    adx_strong: s.adx >= (long ? p.longAdxMin : p.shortAdxMin),
    price_above_ema: long ? s.close > s.ema50 : s.close < s.ema50,
    volume_spike: s.volume > s.volumeMa * (long ? p.longVolume : p.shortVolume),
    supertrend_bullish: long ? s.supertrendDirection === 1 : s.supertrendDirection === -1,
    mfi_bullish: long ? s.mfi > 50 : s.mfi < 50,
    psar_bullish: long ? s.psarDirection === 1 : s.psarDirection === -1,
    ha_bullish: long ? s.haClose > s.haOpen : s.haClose < s.haOpen,
    ema_alignment: long ? s.ema9 > s.ema21 && s.ema21 > s.ema50 : s.ema9 < s.ema21 && s.ema21 < s.ema50,
    di_bullish: long ? s.plusDi > s.minusDi : s.minusDi > s.plusDi,
    bb_oversold: long ? percentB <= 0.2 : percentB >= 0.8,
    volatility_normal: volatility >= 0.5 && volatility <= 2,
  };
}

export function confidenceOf(conditions: Record<ConditionName, boolean>): number {
  let met = 0;
  for (const name of CONDITION_NAMES) if (conditions[name]) met++;
  return met / CONDITION_NAMES.length;
}

/** Incremental computation of every indicator the conditions read, O(1) per bar. */
export class ConfluenceIndicators {
  private readonly rsi = new RelativeStrengthIndex(14);
  private readonly macd = new Macd(12, 26, 9);
  private readonly adx = new AverageDirectionalIndex(14);
  private readonly atr = new AverageTrueRange(14);
  private readonly atrAverage = new SimpleMovingAverage(50);
  private readonly ema9 = new ExponentialMovingAverage(9);
  private readonly ema21 = new ExponentialMovingAverage(21);
  private readonly ema50 = new ExponentialMovingAverage(50);
  private readonly volumeMa = new SimpleMovingAverage(20);
  private readonly bollinger = new BollingerBands(20, 2);
  private readonly supertrend = new Supertrend(10, 3);
  private readonly mfi = new MoneyFlowIndex(14);
  private readonly psar = new ParabolicSar();
  private readonly heikinAshi = new HeikinAshi();
  private readonly bar = { open: 0, high: 0, low: 0, close: 0, volume: 0 };
  /** The last complete snapshot (undefined until every indicator has a value). */
  snapshot: ConfluenceSnapshot | undefined;

  update(bars: BarsView, j: number): ConfluenceSnapshot | undefined {
    const bar = this.bar;
    bar.open = bars.open[j] as number;
    bar.high = bars.high[j] as number;
    bar.low = bars.low[j] as number;
    bar.close = bars.close[j] as number;
    bar.volume = bars.volume[j] as number;
    const volumeMaBefore = this.volumeMa.value;
    this.volumeMa.update(bar.volume);
    const rsi = this.rsi.update(bar.close);
    const macd = this.macd.update(bar.close);
    const adx = this.adx.update(bar);
    const atr = this.atr.update(bar);
    const atrAverage = atr === undefined ? undefined : this.atrAverage.update(atr);
    const ema9 = this.ema9.update(bar.close);
    const ema21 = this.ema21.update(bar.close);
    const ema50 = this.ema50.update(bar.close);
    const bb = this.bollinger.update(bar.close);
    const st = this.supertrend.update(bar);
    const mfi = this.mfi.update(bar);
    const psar = this.psar.update(bar);
    const ha = this.heikinAshi.update(bar);
    if (
      rsi === undefined || macd === undefined || adx === undefined || atr === undefined || atrAverage === undefined ||
      ema9 === undefined || ema21 === undefined || ema50 === undefined || volumeMaBefore === undefined || bb === undefined ||
      st === undefined || mfi === undefined || psar === undefined || ha === undefined
    ) {
      this.snapshot = undefined;
      return undefined;
    }
    this.snapshot = {
      close: bar.close,
      volume: bar.volume,
      rsi,
      macd: macd.macd,
      macdSignal: macd.signal,
      adx: adx.adx,
      plusDi: adx.plusDi,
      minusDi: adx.minusDi,
      atr,
      atrAverage,
      ema9,
      ema21,
      ema50,
      volumeMa: volumeMaBefore,
      bbUpper: bb.upper,
      bbMiddle: bb.middle,
      bbLower: bb.lower,
      supertrend: st.level,
      supertrendDirection: st.direction,
      mfi,
      psar: psar.sar,
      psarDirection: psar.direction,
      haOpen: ha.open,
      haClose: ha.close,
    };
    return this.snapshot;
  }
}

class Confluence implements Strategy {
  private readonly p: ConfluenceParams;
  private readonly lotSize: number;
  private indicatorsState = new ConfluenceIndicators();
  private next = 0;
  private filtered = 0;
  /** Side of the current run of filtered bars (0: none). */
  private filteredRun: 0 | 1 | -1 = 0;
  private lastConfidence: number | null = null;
  private decisionAtr = 0;
  private positionId: string | null = null;
  private takeProfit: number | null = null;
  private stopLoss: number | null = null;

  constructor(
    config: ResolvedConfig,
    private readonly instrument: Instrument,
  ) {
    this.p = confluenceParams(config);
    this.lotSize = num(config, 'lot_size');
  }

  onBar(bars: BarsView, index: number, ctx: StrategyContext): void {
    if (index < this.next) this.restart();
    while (this.next <= index) this.indicatorsState.update(bars, this.next++);
    const s = this.indicatorsState.snapshot;
    if (s === undefined || ctx.positions.length > 0 || ctx.pendingOrders > 0) {
      this.filteredRun = 0;
      return;
    }
    const p = this.p;
    const longConfidence = confidenceOf(conditionsFor('LONG', s, p));
    const shortConfidence = confidenceOf(conditionsFor('SHORT', s, p));
    const dir = longConfidence >= shortConfidence ? 1 : -1;
    const confidence = dir === 1 ? longConfidence : shortConfidence;
    if (confidence < p.minConfidence - 1e-12) {
      if (confidence * CONDITION_NAMES.length >= MAJORITY) {
        if (this.filteredRun !== dir) {
          this.filtered++;
          // The signals API keeps the filtered candidate too (once per run, like signals_filtered).
          ctx.signal({
            side: dir === 1 ? 'BUY' : 'SELL', confidence, conditions_met: conditionsFor(dir === 1 ? 'LONG' : 'SHORT', s, p),
            indicator_values: this.indicators(),
            reason: `${dir === 1 ? 'LONG' : 'SHORT'} candidate: confidence ${(confidence * 100).toFixed(1)}% (RSI ${s.rsi.toFixed(1)}, ADX ${s.adx.toFixed(1)})`,
            filtered: `confidence ${(confidence * 100).toFixed(1)}% is below min_confidence ${(p.minConfidence * 100).toFixed(1)}%`,
          });
        }
        this.filteredRun = dir;
      } else this.filteredRun = 0;
      return;
    }
    this.filteredRun = 0;
    this.lastConfidence = confidence;
    this.decisionAtr = s.atr;
    const options = {
      stopLoss: roundPrice(this.instrument, s.close - dir * p.slAtr * s.atr),
      takeProfit: roundPrice(this.instrument, s.close + dir * p.tpAtr * s.atr),
      reason: `${dir === 1 ? 'LONG' : 'SHORT'}: confidence ${(confidence * 100).toFixed(1)}% ≥ ${(p.minConfidence * 100).toFixed(1)}% (RSI ${s.rsi.toFixed(1)}, ADX ${s.adx.toFixed(1)})`,
    };
    ctx.signal({
      side: dir === 1 ? 'BUY' : 'SELL', confidence, reason: options.reason, conditions_met: conditionsFor(dir === 1 ? 'LONG' : 'SHORT', s, p),
      indicator_values: this.indicators(), stop_loss: options.stopLoss, take_profit: options.takeProfit,
    });
    if (dir === 1) ctx.buy(this.lotSize, options);
    else ctx.sell(this.lotSize, options);
  }

  onFilled(fill: OrderFilled, ctx: StrategyContext): void {
    if (!fill.opens) return;
    const dir = fill.side === 'BUY' ? 1 : -1;
    this.positionId = fill.positionId;
    this.stopLoss = roundPrice(this.instrument, fill.price - dir * this.p.slAtr * this.decisionAtr);
    this.takeProfit = roundPrice(this.instrument, fill.price + dir * this.p.tpAtr * this.decisionAtr);
    ctx.setProtection(fill.positionId, this.takeProfit, this.stopLoss);
  }

  onClosed(trade: ClosedTrade): void {
    if (trade.positionId !== this.positionId) return;
    this.positionId = null;
    this.takeProfit = null;
    this.stopLoss = null;
  }

  filteredSignals(): number {
    return this.filtered;
  }

  indicators(): Record<string, number | null> {
    const s = this.indicatorsState.snapshot;
    return {
      rsi: s?.rsi ?? null,
      macd: s?.macd ?? null,
      macd_signal: s?.macdSignal ?? null,
      adx: s?.adx ?? null,
      plus_di: s?.plusDi ?? null,
      minus_di: s?.minusDi ?? null,
      atr: s?.atr ?? null,
      ema_9: s?.ema9 ?? null,
      ema_21: s?.ema21 ?? null,
      ema_50: s?.ema50 ?? null,
      volume: s?.volume ?? null,
      volume_ma: s?.volumeMa ?? null,
      bb_upper: s?.bbUpper ?? null,
      bb_middle: s?.bbMiddle ?? null,
      bb_lower: s?.bbLower ?? null,
      supertrend: s?.supertrend ?? null,
      mfi: s?.mfi ?? null,
      psar: s?.psar ?? null,
      confidence: this.lastConfidence,
      take_profit: this.takeProfit,
      stop_loss: this.stopLoss,
    };
  }

  private restart(): void {
    this.indicatorsState = new ConfluenceIndicators();
    this.next = 0;
  }
}

export const confluence: StrategyDefinition = {
  name: 'confluence',
  title: 'Confluence (13 conditions)',
  description:
    'The binance-trading-bot strategy: confidence = the share of 13 indicator conditions that agree on a LONG or a SHORT ' +
    '(MACD, RSI window, ADX, EMA 50, volume, Supertrend, MFI, PSAR, Heikin-Ashi, EMA alignment, DI, Bollinger, volatility); ' +
    'at min_confidence or above it enters with an ATR stop-loss and take-profit.',
  params: CONFLUENCE_PARAMS,
  check(config) {
    const errors: string[] = [];
    if (num(config, 'long_rsi_min') > num(config, 'long_rsi_max')) errors.push('long_rsi_min must not be above long_rsi_max');
    if (num(config, 'short_rsi_min') > num(config, 'short_rsi_max')) errors.push('short_rsi_min must not be above short_rsi_max');
    return errors;
  },
  create(config, instrument) {
    return new Confluence(config, instrument);
  },
};
