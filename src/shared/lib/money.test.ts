import { describe, expect, it } from 'vitest';
import { formatMoney, isWholeCents, percentage, percentOfCents, splitEvenly, toCents } from './money';

describe('money in integer cents', () => {
  it('splits $35,000 over 3 pairs to the cent, leftover cents to the first pairs', () => {
    const parts = splitEvenly(3_500_000, 3);
    expect(parts).toEqual([1_166_667, 1_166_667, 1_166_666]);
    expect(parts.reduce((a, b) => a + b, 0)).toBe(3_500_000);
  });

  it('splits evenly when it divides', () => {
    expect(splitEvenly(4_000_000, 8)).toEqual(Array(8).fill(500_000));
  });

  it('accepts amounts with at most two decimals, despite binary floating point', () => {
    expect(isWholeCents(11666.67)).toBe(true);
    expect(isWholeCents(0.3)).toBe(true);
    expect(isWholeCents(99_999_999_999.99)).toBe(true);
    expect(isWholeCents(100.005)).toBe(false);
    // The tolerance must not grow with the amount: a third decimal is refused at any size.
    expect(isWholeCents(9000.123)).toBe(false);
    expect(isWholeCents(50_000.123)).toBe(false);
    expect(isWholeCents(999_999_999.001)).toBe(false);
    expect(isWholeCents(Number.NaN)).toBe(false);
    expect(toCents(11666.67)).toBe(1_166_667);
    expect(() => toCents(1.001)).toThrow(RangeError);
  });

  it('takes percentages of cents exactly where possible and says what it rounded', () => {
    expect(percentOfCents(600_000, 60)).toEqual({ cents: 360_000, exactCents: 360_000 });
    const odd = percentOfCents(1_000_001, 33.3);
    expect(odd.cents).toBe(333_000);
    expect(odd.exactCents).toBeCloseTo(333_000.333, 3);
  });

  it('formats money and percentages for people', () => {
    expect(formatMoney(3_500_000)).toBe('$35,000.00');
    expect(formatMoney(123, 'EUR')).toBe('€1.23');
    expect(percentage(1, 3)).toBe(33.3333);
    expect(percentage(5, 0)).toBe(0);
  });
});
