import { describe, expect, it } from 'vitest';
import { goldBuyDip } from './gold-buy-dip';
import { defaultFor, resolveConfig } from './params';

/** Defaults by timeframe: gold_buy_dip's % threshold scaled to the bar length, the caller's value always wins. */
describe('defaults by timeframe', () => {
  it("gold_buy_dip's percentage_threshold: 0.3 % on 1M, 0.5 % on 5M, 1 % on 15M, the documented 2 % from 1H up", () => {
    const threshold = (tf?: Parameters<typeof resolveConfig>[2]) => resolveConfig(goldBuyDip, {}, tf).config.percentage_threshold;
    expect([threshold('1M'), threshold('5M'), threshold('15M'), threshold('1H'), threshold('4H'), threshold('1D')]).toEqual([0.3, 0.5, 1, 2, 2, 2]);
    expect(threshold()).toBe(2);
  });

  it("the caller's value wins over the timeframe's default, and other parameters keep their one default", () => {
    const { config } = resolveConfig(goldBuyDip, { percentage_threshold: 2.5 }, '1M');
    expect(config.percentage_threshold).toBe(2.5);
    expect(config.lookback_candles).toBe(50);
    const spec = goldBuyDip.params.find((p) => p.key === 'lookback_candles');
    expect(spec && defaultFor(spec, '1M')).toBe(50);
  });
});
