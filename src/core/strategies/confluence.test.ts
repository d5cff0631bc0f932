import { describe, expect, it } from 'vitest';
import { resolveConfig } from './params';
import { CONDITION_NAMES, confidenceOf, conditionsFor, confluence, confluenceParams, type ConfluenceSnapshot } from './confluence';

/** The 13 conditions on hand-made indicator values: each one flipped on its own, for both sides. */

const p = confluenceParams(resolveConfig(confluence, {}).config);

// Every LONG condition holds here: RSI 28 in [23, 33], ADX 30 ≥ 22, volume 150 > 100 × 1.2, %B = (91 − 90)/(110 − 90) = 0.05.
const bullish: ConfluenceSnapshot = {
  close: 91, volume: 150, rsi: 28, macd: 2, macdSignal: 1, adx: 30, plusDi: 25, minusDi: 15, atr: 2, atrAverage: 1.5,
  ema9: 90, ema21: 89, ema50: 88, volumeMa: 100, bbUpper: 110, bbMiddle: 100, bbLower: 90,
  supertrend: 85, supertrendDirection: 1, mfi: 60, psar: 86, psarDirection: 1, haOpen: 90, haClose: 91,
};

describe('confluence conditions', () => {
  it('all 13 hold → confidence 1; the SHORT reading of the same bar holds only the side-free ones', () => {
    const long = conditionsFor('LONG', bullish, p);
    expect(Object.keys(long)).toEqual([...CONDITION_NAMES]);
    expect(Object.values(long).every(Boolean)).toBe(true);
    expect(confidenceOf(long)).toBe(1);
    const short = conditionsFor('SHORT', bullish, p);
    // adx_strong (30 ≥ 22), volume_spike (150 > 120) and volatility_normal (2 / 1.5 = 1.33) do not depend on the side.
    expect(Object.entries(short).filter(([, v]) => v).map(([k]) => k)).toEqual(['adx_strong', 'volume_spike', 'volatility_normal']);
    expect(confidenceOf(short)).toBeCloseTo(3 / 13, 12);
  });

  const flips: [keyof ConfluenceSnapshot | 'none', Partial<ConfluenceSnapshot>, string][] = [
    ['macd', { macd: 0.5 }, 'macd_bullish'],
    ['rsi', { rsi: 33.5 }, 'rsi_oversold'],
    ['adx', { adx: 21.9 }, 'adx_strong'],
    ['ema50', { ema9: 95, ema21: 93, ema50: 92 }, 'price_above_ema'], // aligned EMAs, all above the close
    ['volume', { volume: 120 }, 'volume_spike'],
    ['supertrendDirection', { supertrendDirection: -1 }, 'supertrend_bullish'],
    ['mfi', { mfi: 50 }, 'mfi_bullish'],
    ['psarDirection', { psarDirection: -1 }, 'psar_bullish'],
    ['haClose', { haClose: 90 }, 'ha_bullish'],
    ['ema21', { ema21: 90.5 }, 'ema_alignment'],
    ['plusDi', { plusDi: 15 }, 'di_bullish'],
    ['close', { bbLower: 80 }, 'bb_oversold'], // %B = (91 − 80) / 30 = 0.37 > 0.2
    ['atr', { atr: 3.1 }, 'volatility_normal'], // 3.1 / 1.5 > 2
  ];
  for (const [, change, name] of flips) {
    it(`${name} alone turns false → 12/13`, () => {
      const conditions = conditionsFor('LONG', { ...bullish, ...change }, p);
      expect(Object.entries(conditions).filter(([, v]) => !v).map(([k]) => k)).toEqual([name]);
      expect(confidenceOf(conditions)).toBeCloseTo(12 / 13, 12);
    });
  }

  it('the windows and minimums come from strategy_params (boundaries included)', () => {
    const custom = confluenceParams(resolveConfig(confluence, { long_rsi_min: 28, long_rsi_max: 28, long_adx_min: 30, long_volume_multiplier: 1.49 }).config);
    expect(conditionsFor('LONG', bullish, custom)).toMatchObject({ rsi_oversold: true, adx_strong: true, volume_spike: true });
    const stricter = confluenceParams(resolveConfig(confluence, { long_adx_min: 30.1, long_volume_multiplier: 1.5 }).config);
    expect(conditionsFor('LONG', bullish, stricter)).toMatchObject({ adx_strong: false, volume_spike: false });
  });

  it('the spec defaults and range checks', () => {
    const { config, errors } = resolveConfig(confluence, {});
    expect(errors).toEqual([]);
    expect(config).toMatchObject({
      min_confidence: 0.73, long_rsi_min: 23, long_rsi_max: 33, short_rsi_min: 67, short_rsi_max: 77, long_adx_min: 22, short_adx_min: 22,
      sl_atr_multiplier: 1.5, tp_atr_multiplier: 5.25, long_volume_multiplier: 1.2, short_volume_multiplier: 1.2,
    });
    expect(resolveConfig(confluence, { long_rsi_min: 40, long_rsi_max: 30 }).errors.join()).toContain('long_rsi_min must not be above long_rsi_max');
    expect(resolveConfig(confluence, { min_confidence: 1.2 }).errors.join()).toContain('min_confidence must be at most 1');
  });
});
