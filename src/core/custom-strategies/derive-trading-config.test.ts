import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import * as contract from '../../shared/contract/custom-strategies';
import type { CustomStrategyRecord } from '../ports/custom-strategy-repository';
import { deriveTradingConfig, detectStyle, mentionedMaPeriods } from './derive-trading-config';

/** The derivation rule on its own; src/core/api/custom-strategy-handlers.test.ts calls it through the contract. */

const GOLD_BUY_DIP_PARAMS = [
  'lot_size', 'take_profit', 'percentage_threshold', 'lookback_candles', 'zscore_wait_candles', 'zscore_threshold_sell',
  'zscore_threshold_buy', 'zscore_period', 'magic_number', 'use_take_profit_percent', 'take_profit_percent',
  'use_grid_trading', 'max_grid_trades', 'use_grid_percent', 'grid_percent', 'grid_atr_multiplier', 'atr_period',
  'grid_lot_multiplier', 'use_progressive_lots', 'lot_progression_factor', 'max_drawdown_percent',
];
const SIMPLE_MA_PARAMS = [
  'lot_size', 'fast_period', 'slow_period', 'take_profit_pips', 'stop_loss_pips', 'trailing_stop', 'risk_per_trade',
  'magic_number', 'use_ema',
];
const PARAMS = { gold_buy_dip: GOLD_BUY_DIP_PARAMS, simple_ma: SIMPLE_MA_PARAMS };

describe('deriveTradingConfig', () => {
  it('derives only parameters the engine strategy defines, all finite and positive, for any record (property)', () => {
    const timeframes = contract.TIMEFRAMES;
    const words = ['Breakout', 'Scalping', 'Trend', 'Mean Reversion', 'Grid', 'Dip', 'Momentum', 'MA', 'EMA 5/8', 'z-score', 'Custom', ''];
    const record = fc.record({
      type: fc.constantFrom(...words.filter(Boolean)),
      name: fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 40 })),
      entryConditions: fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 200 })),
      indicatorsUsed: fc.oneof(fc.constantFrom(...words), fc.string({ maxLength: 200 })),
      exitConditions: fc.string({ maxLength: 100 }),
      timeframe: fc.constantFrom(...timeframes),
      pairs: fc.array(fc.constantFrom('XAUUSD', 'EURUSD', 'BTC/USDT', 'EURGBP', 'US30'), { maxLength: 3 }),
      riskRewardRatioTarget: fc.double({ min: 0.1, max: 20, noNaN: true }),
      maxDrawdownTolerance: fc.double({ min: 0.1, max: 100, noNaN: true }),
    });
    const request = fc.record(
      {
        session_id: fc.constantFrom('s1', null),
        pair: fc.constantFrom('GBPUSD', null),
        timeframe: fc.constantFrom(...timeframes, null),
      },
      { requiredKeys: [] },
    );
    fc.assert(
      fc.property(record, request, (fields, req) => {
        const r: CustomStrategyRecord = {
          id: 7,
          preferredPairsText: fields.pairs.join(', '),
          createdAt: 'x',
          updatedAt: 'x',
          ...fields,
          name: fields.name || 'n',
        };
        const u = deriveTradingConfig(r, req);
        expect(contract.useCustomStrategy.output.safeParse(u).success).toBe(true);
        const allowed = PARAMS[u.strategy_name];
        for (const [key, value] of Object.entries(u.config)) {
          expect(allowed, key).toContain(key);
          if (typeof value === 'number') expect(Number.isFinite(value) && value > 0, `${key}=${value}`).toBe(true);
          expect(u.derivation.some((line) => line.includes(key)), key).toBe(true);
        }
        expect(u.timeframe).toBe(req.timeframe ?? r.timeframe);
        expect(u.pair).toBe(req.pair ?? r.pairs[0] ?? 'XAUUSD');
        if (u.strategy_name === 'simple_ma') {
          const { stop_loss_pips: stop, take_profit_pips: target, fast_period: fast, slow_period: slow } = u.config as Record<string, number>;
          expect(Math.abs((target as number) - (stop as number) * r.riskRewardRatioTarget)).toBeLessThanOrEqual(0.005 + 1e-9);
          expect(fast).toBeLessThan(slow as number);
          if (['EURGBP', 'US30'].includes(u.pair)) expect(u.config).not.toHaveProperty('risk_per_trade');
          else expect(u.config.risk_per_trade).toBeLessThanOrEqual(2);
        } else {
          expect(u.config.max_drawdown_percent).toBe(r.maxDrawdownTolerance);
        }
      }),
      { numRuns: 300 },
    );
  });
});

describe('text readers', () => {
  it('detects the style from the first source that names one, earliest mention first', () => {
    const base = { type: 'Custom', name: '', entryConditions: '', indicatorsUsed: '' };
    expect(detectStyle(base)).toBeUndefined();
    expect(detectStyle({ ...base, type: 'Breakout' })?.rule.style).toBe('breakout');
    expect(detectStyle({ ...base, entryConditions: 'Fade the grid after a trend' })?.rule.style).toBe('grid');
    expect(detectStyle({ ...base, entryConditions: 'Follow the trend, add on a dip' })?.rule.style).toBe('trend');
    expect(detectStyle({ ...base, name: 'Emanuel', indicatorsUsed: 'RSI' })).toBeUndefined();
    expect(detectStyle({ ...base, indicatorsUsed: 'RSI, 20 EMA' })?.rule.style).toBe('moving average');
  });

  it('finds two moving-average periods in the usual spellings', () => {
    expect(mentionedMaPeriods('EMA 9 / EMA 21')).toEqual([9, 21]);
    expect(mentionedMaPeriods('9 and 21 EMA crossover')).toEqual([9, 21]);
    expect(mentionedMaPeriods('MA(50) above MA(200)')).toEqual([50, 200]);
    expect(mentionedMaPeriods('20-period SMA and 5 period EMA')).toEqual([5, 20]);
    expect(mentionedMaPeriods('EMA 9/21')).toEqual([9, 21]);
    expect(mentionedMaPeriods('EMA 20')).toBeUndefined();
    expect(mentionedMaPeriods('RSI 14, ATR 14')).toBeUndefined();
    expect(mentionedMaPeriods('8 AM GMT, 2R')).toBeUndefined();
  });
});
