import { describe, expect, it } from 'vitest';
import { Highest } from './highest';
import { Lowest } from './lowest';
import { REFERENCE_FILES, candles, referenceHighest, referenceLowest, runScalar } from './reference.test-helpers';
import { expectSeriesClose } from './series-assertions.test-helpers';

describe('Highest and Lowest', () => {
  it('match an example worked by hand, ties and window exits included', () => {
    const values = [5, 3, 4, 1, 2, 6, 6, 0];
    const highest = new Highest(3);
    const lowest = new Lowest(3);
    expect(values.map((x) => highest.update(x))).toEqual([undefined, undefined, 5, 4, 4, 6, 6, 6]);
    expect(values.map((x) => lowest.update(x))).toEqual([undefined, undefined, 3, 1, 1, 1, 2, 0]);
  });

  it('handle long monotonic runs (the deque fills to the period and empties in one step)', () => {
    const rising = Array.from({ length: 1000 }, (_, i) => i);
    const falling = rising.map((i) => 1000 - i);
    const highest = new Highest(100);
    const lowest = new Lowest(100);
    const inputs = [...falling, ...rising];
    const highs = runScalar(highest, inputs);
    const lows = runScalar(lowest, inputs);
    expectSeriesClose('highest', highs, referenceHighest(inputs, 100), { relative: 0 });
    expectSeriesClose('lowest', lows, referenceLowest(inputs, 100), { relative: 0 });
  });

  // No arithmetic, only comparisons: the deque must agree exactly with a scan of the window.
  it.each(REFERENCE_FILES)('equal a scan of the window on every bar of %s (exactly)', (file) => {
    const { high, low } = candles(file);
    for (const period of [1, 2, 60]) {
      expectSeriesClose(`highest(${period})`, runScalar(new Highest(period), high), referenceHighest(high, period), {
        relative: 0,
      });
      expectSeriesClose(`lowest(${period})`, runScalar(new Lowest(period), low), referenceLowest(low, period), {
        relative: 0,
      });
    }
  });
});
