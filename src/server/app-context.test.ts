import { describe, expect, it } from 'vitest';
import { paperExecutionModel } from './app-context';

describe('the paper broker fill model', () => {
  it('fills at the next open with no costs unless the environment sets them', () => {
    expect(paperExecutionModel({})).toEqual({ fillAt: 'next_open', spreadPoints: 0, slippagePoints: 0, commissionPerLot: 0, commissionPct: 0 });
  });

  it('takes spread, slippage and commissions from the environment, ignoring values that are not positive numbers', () => {
    const model = paperExecutionModel({
      ECHO_PAPER_SPREAD_POINTS: '20',
      ECHO_PAPER_SLIPPAGE_POINTS: '2',
      ECHO_PAPER_COMMISSION_PER_LOT: '3.5',
      ECHO_PAPER_COMMISSION_PCT: 'lots',
    });
    expect(model).toEqual({ fillAt: 'next_open', spreadPoints: 20, slippagePoints: 2, commissionPerLot: 3.5, commissionPct: 0 });
  });
});
