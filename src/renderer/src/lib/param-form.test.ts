import { describe, expect, it } from 'vitest';
import { checkDraft, describeRange, draftFromDefaults, parseParam, retimeDraft, timeframeDefault, type StrategySpec } from './param-form';

const strategy: StrategySpec = {
  name: 'simple_ma',
  title: 'MA',
  description: '',
  parameters: [
    { key: 'lot_size', type: 'float', default: 0.1, min: 0.01, max: 100, unit: 'lots', description: 'Lots' },
    { key: 'fast_period', type: 'int', default: 10, min: 1, max: 5000, unit: 'bars', description: 'Fast' },
    { key: 'use_ema', type: 'bool', default: false, description: 'EMA' },
  ],
};

describe('start-task parameter form', () => {
  it('starts from the defaults and sends only what changed', () => {
    const draft = draftFromDefaults(strategy);
    expect(draft).toEqual({ lot_size: '0.1', fast_period: '10', use_ema: false });
    expect(checkDraft(strategy, draft)).toEqual({ errors: {}, config: {}, changed: [] });
    expect(checkDraft(strategy, { ...draft, fast_period: '2', use_ema: true }).config).toEqual({ fast_period: 2, use_ema: true });
  });

  it('checks type and range before submitting, with the unit in the message', () => {
    const spec = strategy.parameters[1]!;
    expect(parseParam(spec, '2.5').error).toBe('fast_period must be a whole number');
    expect(parseParam(spec, '0').error).toBe('fast_period must be at least 1 bars');
    expect(parseParam(spec, '9000').error).toBe('fast_period must be at most 5000 bars');
    expect(parseParam(spec, 'abc').error).toBe('fast_period must be a number');
    expect(parseParam(spec, '').error).toContain('required');
    expect(parseParam(spec, '1,000').value).toBe(1000);
    expect(describeRange(strategy.parameters[0]!)).toBe('0.01 – 100 lots');
    const checked = checkDraft(strategy, { lot_size: '-1', fast_period: '3', use_ema: false });
    expect(Object.keys(checked.errors)).toEqual(['lot_size']);
  });
});

describe('defaults by timeframe (the backtest form)', () => {
  const dip: StrategySpec = {
    name: 'gold_buy_dip', title: 'dip', description: '',
    parameters: [
      { key: 'percentage_threshold', type: 'float', default: 2, description: '%', by_timeframe: { '1M': 0.3, '15M': 1 } },
      { key: 'lookback_candles', type: 'int', default: 50, description: 'bars' },
    ],
  };

  it('a parameter at its default follows the timeframe; one the trader typed stays', () => {
    const draft = draftFromDefaults(dip);
    const on1m = retimeDraft(dip, draft, undefined, '1m');
    expect(on1m).toEqual({ percentage_threshold: '0.3', lookback_candles: '50' });
    expect(retimeDraft(dip, on1m, '1m', '15m').percentage_threshold).toBe('1');
    expect(retimeDraft(dip, on1m, '1m', '1h').percentage_threshold).toBe('2');
    expect(retimeDraft(dip, { ...on1m, percentage_threshold: '0.7' }, '1m', '15m').percentage_threshold).toBe('0.7');
    // What the form then sends is the timeframe's default, the same value the server would use.
    expect(checkDraft(dip, on1m).config).toEqual({ percentage_threshold: 0.3 });
    expect(timeframeDefault(dip.parameters[1]!, '1m')).toBe(50);
  });
});
