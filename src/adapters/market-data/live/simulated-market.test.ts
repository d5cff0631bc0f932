import { describe, expect, it } from 'vitest';
import { SimulatedMarket } from './simulated-market';

describe('SimulatedMarket', () => {
  it('gives the same bars whatever order they are read in (checkpoints resume the one seeded path)', () => {
    const forward = new SimulatedMarket(7, 'EURUSD', '1M');
    const bars = [10, 5_000, 9_000, 20_000, 123_456].map((k) => forward.bar(k));
    const backward = new SimulatedMarket(7, 'EURUSD', '1M');
    backward.bar(200_000);
    expect([123_456, 20_000, 9_000, 5_000, 10].map((k) => backward.bar(k)).reverse()).toEqual(bars);
  });
});
