import { describe, expect, it } from 'vitest';
import { ACCOUNT_CURRENCY, accountRate } from './account-currency';
import { builtinInstrument, type Instrument } from './instruments';
import { positionPnl } from './position-pnl';

const instrument = (symbol: string) => builtinInstrument(symbol) as Instrument;

describe('positionPnl and the account-currency rate (the one P&L rule)', () => {
  it('gold, quoted in the account currency: a 5 $ move on 0.5 lot (100 oz per lot) is 250 $, signed by side', () => {
    const xau = instrument('XAUUSD');
    const rate = accountRate(xau, 2005) as number;
    expect(rate).toBe(1);
    expect(positionPnl({ side: 'BUY', entryPrice: 2000, lots: 0.5 }, xau.contractSize, 2005, rate)).toBeCloseTo(250, 9);
    expect(positionPnl({ side: 'SELL', entryPrice: 2000, lots: 0.5 }, xau.contractSize, 2005, rate)).toBeCloseTo(-250, 9);
  });

  it('USDJPY, based in the account currency: the yen result divided by the exit price', () => {
    const jpy = instrument('USDJPY');
    const rate = accountRate(jpy, 150) as number;
    expect(rate).toBeCloseTo(1 / 150, 15);
    // 0.5 yen × 1 lot × 100,000 = 50,000 yen = 333.33 $ at 150.
    expect(positionPnl({ side: 'BUY', entryPrice: 149.5, lots: 1 }, jpy.contractSize, 150, rate)).toBeCloseTo(50_000 / 150, 6);
  });

  it('a cross has no rate without a feed, and USDT counts as the account currency', () => {
    expect(ACCOUNT_CURRENCY).toBe('USD');
    expect(accountRate(instrument('EURGBP'), 0.85)).toBeUndefined();
    expect(accountRate(instrument('EURGBP'), 0.85, 1.27)).toBe(1.27);
    expect(accountRate(instrument('BTCUSDT'), 60_000)).toBe(1);
  });
});
