import type { z } from 'zod';
import {
  DEFAULT_TIMEFRAME,
  parseTimeframeCode,
  type EngineStrategyName,
  type TimeframeCode,
  type useCustomStrategy,
} from '../../shared/contract/custom-strategies';
import { ACCOUNT_CURRENCY, accountRate } from '../domain/account-currency';
import { builtinInstrument, type Instrument } from '../domain/instruments';
import type { CustomStrategyRecord } from '../ports/custom-strategy-repository';

/**
 * Custom strategy → engine strategy and config: the rule that turns a trader's own strategy description (its type,
 * conditions, timeframe, risk targets) into a ready start request for a built-in engine strategy, explaining every
 * value it derives. Pure; the `customStrategies.use` handler and the UI's preview show what it returns.
 */

export type TradingConfigDerivation = z.output<(typeof useCustomStrategy)['output']>;
type ConfigValues = Record<string, number | boolean>;

/** When neither the request nor the strategy names a pair: the spec's examples all trade gold. */
export const FALLBACK_PAIR = 'XAUUSD';
/** The smallest standard lot: a strategy record says nothing about position size. */
export const DERIVED_LOT_SIZE = 0.01;

/** simple_ma: the stop a trade of this timeframe typically needs, in pips. */
export const STOP_LOSS_PIPS: Readonly<Record<TimeframeCode, number>> = { '1M': 10, '5M': 15, '15M': 25, '1H': 40, '4H': 80, '1D': 150 };
/** gold_buy_dip: the profit target per timeframe, % of the entry price (the spec's examples: 1M 0.2, 15M 1.0). */
export const TAKE_PROFIT_PERCENT: Readonly<Record<TimeframeCode, number>> = { '1M': 0.2, '5M': 0.5, '15M': 1.0, '1H': 1.25, '4H': 1.5, '1D': 2.0 };
/** gold_buy_dip: the move from the lookback high that triggers an entry, % (the spec's examples: 1M 0.1, 15M 2.0, 1H 5.0). */
export const DIP_THRESHOLD_PERCENT: Readonly<Record<TimeframeCode, number>> = { '1M': 0.1, '5M': 0.5, '15M': 2.0, '1H': 5.0, '4H': 5.0, '1D': 5.0 };
/** simple_ma: losing trades in a row the drawdown tolerance must absorb; risk_per_trade = tolerance ÷ this. */
export const LOSING_STREAK = 5;
/** simple_ma: risk_per_trade never goes above the spec's default of 2 %. */
export const MAX_RISK_PER_TRADE = 2;

interface StyleRule {
  engine: EngineStrategyName;
  style: string;
  pattern: RegExp;
  /** simple_ma styles: the moving averages that suit the style. */
  periods?: [fast: number, slow: number];
}

const STYLE_RULES: readonly StyleRule[] = [
  { engine: 'gold_buy_dip', style: 'mean reversion', pattern: /mean[\s_-]*revers|\brevert|\breversion/i },
  { engine: 'gold_buy_dip', style: 'dip buying', pattern: /\bdips?\b/i },
  { engine: 'gold_buy_dip', style: 'grid', pattern: /\bgrid/i },
  { engine: 'gold_buy_dip', style: 'z-score', pattern: /\bz[\s_-]?scores?\b/i },
  { engine: 'simple_ma', style: 'scalping', pattern: /\bscalp/i, periods: [5, 13] },
  { engine: 'simple_ma', style: 'breakout', pattern: /\bbreak[\s_-]?outs?\b|\bbreaks?\s+(?:above|below|out)\b/i, periods: [10, 20] },
  { engine: 'simple_ma', style: 'momentum', pattern: /\bmomentum\b/i, periods: [10, 20] },
  { engine: 'simple_ma', style: 'trend', pattern: /\btrend/i, periods: [20, 50] },
  { engine: 'simple_ma', style: 'moving average', pattern: /\bmoving[\s_-]+averages?\b|\b(?:e|s|w)?ma\d*\b/i, periods: [10, 20] },
  { engine: 'simple_ma', style: 'crossover', pattern: /\bcross(?:[\s_-]?overs?|es|ing)?\b/i, periods: [10, 20] },
];

const ENGINE_STYLES: Readonly<Record<EngineStrategyName, string>> = {
  gold_buy_dip: 'mean reversion, dip and grid styles run on gold_buy_dip (buys dips confirmed by a z-score, with a grid)',
  simple_ma: 'breakout, trend, momentum, scalping and moving-average styles run on simple_ma (moving-average crossover with a stop and a target)',
};

const DEFAULT_PERIODS: [number, number] = [10, 20];

const round2 = (x: number) => Math.round(x * 100) / 100;
const fmt = (x: number) => String(round2(x));

interface StyleMatch {
  rule: StyleRule;
  source: string;
  text: string;
  matched: string;
}

/** The first source (type, name, entry conditions, indicators) naming a style decides; within it, the earliest mention. */
export function detectStyle(record: Pick<CustomStrategyRecord, 'type' | 'name' | 'entryConditions' | 'indicatorsUsed'>): StyleMatch | undefined {
  const sources: [string, string][] = [
    ['type', record.type],
    ['name', record.name],
    ['entry conditions', record.entryConditions],
    ['indicators', record.indicatorsUsed],
  ];
  for (const [source, text] of sources) {
    let best: StyleMatch & { index: number } | undefined;
    for (const rule of STYLE_RULES) {
      const m = rule.pattern.exec(text);
      if (m && (best === undefined || m.index < best.index)) {
        let end = m.index + m[0].length;
        while (end < text.length && /[\p{L}\p{N}]/u.test(text.charAt(end))) end++;
        best = { rule, source, text, matched: text.slice(m.index, end), index: m.index };
      }
    }
    if (best) return { rule: best.rule, source: best.source, text: best.text, matched: best.matched };
  }
  return undefined;
}

/**
 * Moving-average periods written in the conditions: "EMA 9 / EMA 21", "9 and 21 EMA", "MA(50)", "20-period SMA".
 * Two distinct periods → fast and slow.
 */
export function mentionedMaPeriods(text: string): [number, number] | undefined {
  const found = new Set<number>();
  const patterns = [
    /\b(?:e|s|w)?ma\s*[-(]?\s*(\d{1,3})\b/gi,
    /\b(\d{1,3})\s*(?:-?\s*(?:period|day|bar|candle)s?\s*)?(?:e|s|w)?ma\b/gi,
    /\b(?:e|s|w)?ma\s*\(?\s*(\d{1,3})\s*(?:\/|,|and|&)\s*(\d{1,3})\b/gi,
    /\b(\d{1,3})\s*(?:\/|,|and|&)\s*(\d{1,3})\s*(?:-?\s*(?:period|day|bar|candle)s?\s*)?(?:e|s|w)?ma\b/gi,
  ];
  for (const pattern of patterns) {
    for (const m of text.matchAll(pattern)) {
      for (const g of m.slice(1)) {
        const n = g === undefined ? NaN : Number(g);
        if (Number.isInteger(n) && n >= 2 && n <= 500) found.add(n);
      }
    }
  }
  if (found.size < 2) return undefined;
  const sorted = [...found].sort((a, b) => a - b);
  return [sorted[0] as number, sorted[sorted.length - 1] as number];
}

export interface UseRequest {
  session_id?: string | null | undefined;
  pair?: string | null | undefined;
  timeframe?: TimeframeCode | null | undefined;
}

export function deriveTradingConfig(record: CustomStrategyRecord, request: UseRequest): TradingConfigDerivation {
  const derivation: string[] = [];

  // Engine strategy.
  const style = detectStyle(record);
  const engine: EngineStrategyName = style?.rule.engine ?? 'simple_ma';
  if (style) {
    derivation.push(
      `strategy_name ${engine}: the ${style.source} "${clip(style.text)}" names a ${style.rule.style} style` +
        `${clip(style.text) === style.matched ? '' : ` ("${style.matched}")`}; ` +
        `${ENGINE_STYLES[engine]}`,
    );
  } else {
    derivation.push(
      `strategy_name simple_ma: neither the type, the name, the entry conditions nor the indicators name a known style ` +
        `(mean reversion, dip, grid, z-score → gold_buy_dip; breakout, trend, momentum, scalping, moving average, crossover → simple_ma), ` +
        `so the general-purpose simple_ma runs it; set type to "Mean Reversion" to run it on gold_buy_dip`,
    );
  }

  // Pair.
  let pair: string;
  const preferred = record.pairs.join(', ');
  if (request.pair) {
    pair = request.pair;
    const outside = record.pairs.length > 0 && !record.pairs.includes(pair);
    derivation.push(`pair ${pair}: from the request${outside ? ` (not one of the strategy's preferred pairs: ${preferred})` : ''}`);
  } else if (record.pairs.length > 0) {
    pair = record.pairs[0] as string;
    derivation.push(
      `pair ${pair}: the strategy's ${record.pairs.length > 1 ? `first preferred pair (of ${preferred})` : 'preferred pair'}`,
    );
  } else {
    pair = FALLBACK_PAIR;
    derivation.push(
      `pair ${pair}: neither the request nor the strategy names a pair, so the default ${FALLBACK_PAIR} is used; ` +
        `send "pair" or set the strategy's preferred_pairs`,
    );
  }

  // Timeframe.
  const stored = parseTimeframeCode(record.timeframe) ?? DEFAULT_TIMEFRAME;
  const timeframe: TimeframeCode = request.timeframe ?? stored;
  derivation.push(
    request.timeframe
      ? `timeframe ${timeframe}: from the request${timeframe !== stored ? ` (the strategy's own is ${stored})` : ''}`
      : `timeframe ${timeframe}: the strategy's timeframe`,
  );

  const config: ConfigValues = { lot_size: DERIVED_LOT_SIZE };
  derivation.push(
    `lot_size ${DERIVED_LOT_SIZE}: the smallest standard lot, since a strategy record has no position size; raise it before trading for real`,
  );
  const rr = record.riskRewardRatioTarget;
  const tolerance = record.maxDrawdownTolerance;
  const instrument = builtinInstrument(pair);

  if (engine === 'simple_ma') {
    const conditions = `${record.entryConditions}\n${record.indicatorsUsed}`;
    const written = mentionedMaPeriods(conditions);
    const [fast, slow] = written ?? style?.rule.periods ?? DEFAULT_PERIODS;
    config.fast_period = fast;
    config.slow_period = slow;
    derivation.push(
      written
        ? `fast_period ${fast}, slow_period ${slow}: the moving-average periods written in the entry conditions / indicators`
        : `fast_period ${fast}, slow_period ${slow}: the usual averages for ${style?.rule.engine === 'simple_ma' ? `a ${style.rule.style}` : 'a general'} strategy; ` +
            `write them in the indicators (for example "EMA 9/21") to choose others`,
    );
    const text = `${record.name}\n${conditions}`;
    if (/\bema\d*\b|exponential/i.test(text)) {
      config.use_ema = true;
      derivation.push('use_ema true: the strategy mentions an exponential moving average (EMA)');
    } else if (/\b(?:sma\d*|simple\s+moving\s+averages?)\b/i.test(text)) {
      config.use_ema = false;
      derivation.push('use_ema false: the strategy mentions a simple moving average (SMA)');
    }
    const stop = STOP_LOSS_PIPS[timeframe];
    const target = round2(stop * rr);
    config.stop_loss_pips = stop;
    config.take_profit_pips = target;
    derivation.push(
      `stop_loss_pips ${stop}: the base stop for ${timeframe} (${Object.entries(STOP_LOSS_PIPS).map(([tf, p]) => `${tf} ${p}`).join(', ')} pips)` +
        (instrument ? `; a pip on ${pair} is ${instrument.pipSize} in price` : ''),
    );
    derivation.push(`take_profit_pips ${fmt(target)} = stop_loss_pips ${stop} × risk_reward_ratio_target ${fmt(rr)}`);
    const risk = Math.min(MAX_RISK_PER_TRADE, Math.max(0.01, round2(tolerance / LOSING_STREAK)));
    if (instrument && canValueInAccountCurrency(instrument)) {
      config.risk_per_trade = risk;
      derivation.push(
        `risk_per_trade ${fmt(risk)} %: max_drawdown_tolerance ${fmt(tolerance)} % ÷ ${LOSING_STREAK}, so ${LOSING_STREAK} losing trades in a row ` +
          `stay within the tolerance` +
          (risk === MAX_RISK_PER_TRADE && tolerance / LOSING_STREAK > MAX_RISK_PER_TRADE ? `, capped at ${MAX_RISK_PER_TRADE} %` : '') +
          `; it sizes each trade from the stop (lot_size is then unused), since simple_ma has no drawdown limit of its own`,
      );
    } else {
      derivation.push(
        `risk_per_trade not set: sizing by risk needs a ${ACCOUNT_CURRENCY}-quoted or ${ACCOUNT_CURRENCY}-based symbol the engine can value, and ${pair} is not one, ` +
          `so trades use lot_size; keep each loss near ${fmt(risk)} % of capital (max_drawdown_tolerance ${fmt(tolerance)} % ÷ ${LOSING_STREAK}) by hand`,
      );
    }
    if (/\btrail/i.test(record.exitConditions)) {
      config.trailing_stop = true;
      derivation.push('trailing_stop true: the exit conditions mention a trailing stop');
    }
  } else {
    const target = TAKE_PROFIT_PERCENT[timeframe];
    config.use_take_profit_percent = true;
    config.take_profit_percent = target;
    derivation.push(
      `take_profit_percent ${fmt(target)} % (use_take_profit_percent true): the target for ${timeframe} ` +
        `(${Object.entries(TAKE_PROFIT_PERCENT).map(([tf, p]) => `${tf} ${p} %`).join(', ')})`,
    );
    const threshold = DIP_THRESHOLD_PERCENT[timeframe];
    config.percentage_threshold = threshold;
    derivation.push(
      `percentage_threshold ${fmt(threshold)} %: the dip that triggers an entry on ${timeframe} ` +
        `(${Object.entries(DIP_THRESHOLD_PERCENT).map(([tf, p]) => `${tf} ${p} %`).join(', ')})`,
    );
    const spacing = Math.max(0.01, round2(target / rr));
    config.use_grid_trading = true;
    config.use_grid_percent = true;
    config.grid_percent = spacing;
    derivation.push(
      `grid_percent ${fmt(spacing)} % (use_grid_trading, use_grid_percent true) = take_profit_percent ${fmt(target)} % ÷ ` +
        `risk_reward_ratio_target ${fmt(rr)}: each adverse step before another grid trade is the target divided by the ratio`,
    );
    config.max_drawdown_percent = tolerance;
    derivation.push(`max_drawdown_percent ${fmt(tolerance)} %: the strategy's max_drawdown_tolerance (open trades are force-closed there)`);
  }

  const sessionId = request.session_id ?? null;
  const startPath = `/api/dynamic-trading/${sessionId === null ? '{session_id}' : encodeURIComponent(sessionId)}/start`;
  if (sessionId === null) {
    derivation.push('session_id: none given; create a session (POST /api/session/create) and put its id in start_path');
  }
  const startRequest = { pair, timeframe, strategy_name: engine, config };
  return {
    strategy_id: record.id,
    name: record.name,
    session_id: sessionId,
    pair,
    timeframe,
    strategy_name: engine,
    config,
    derivation,
    start_request: startRequest,
    trading_config: { ...startRequest, config: { ...config } },
    start_path: startPath,
  };
}

/** The engine sizes by risk only where it can value a move in the account currency without a cross rate. */
function canValueInAccountCurrency(instrument: Instrument): boolean {
  return accountRate(instrument, 1) !== undefined;
}

function clip(text: string, max = 60): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  return oneLine.length > max ? `${oneLine.slice(0, max - 1)}…` : oneLine;
}
