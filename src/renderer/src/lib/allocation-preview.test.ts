import { describe, expect, it } from 'vitest';
import { parsePairList, previewFill, previewSplit, shareCents } from './allocation-preview';

describe('allocation preview', () => {
  it('reports what is left after a request that fits', () => {
    const p = previewFill(5_000_000, 3_500_000, 1_000_000);
    expect(p.afterPercent).toBe(90);
    expect(p.leftCents).toBe(500_000);
    expect(p.overByCents).toBe(0);
  });

  it('reports by how much a request overflows', () => {
    const p = previewFill(5_000_000, 5_000_000, 500_000);
    expect(p.overByCents).toBe(500_000);
    expect(p.leftCents).toBe(0);
  });

  it('rounds percentages to the cent like the server', () => {
    expect(shareCents({ kind: 'percentage', percentage: 30 }, 5_000_000)).toBe(1_500_000);
    expect(shareCents({ kind: 'percentage', percentage: 33.333 }, 100)).toBe(33);
    expect(shareCents({ kind: 'amount', amount: 11666.67 }, 0)).toBe(1_166_667);
  });

  it('splits equally with leftover cents going to the first pairs', () => {
    expect(previewSplit(3_500_000, 3)).toEqual({ pairs: 3, freeCents: 3_500_000, baseCents: 1_166_666, leftoverCents: 2, possible: true });
    expect(previewSplit(2, 3).possible).toBe(false);
  });

  it('reads a typed pair list', () => {
    expect(parsePairList(' eurusd, GBPUSD;usdjpy\nXAUUSD ')).toEqual(['EURUSD', 'GBPUSD', 'USDJPY', 'XAUUSD']);
  });
});
