import { describe, expect, it } from 'vitest';
import { checkDraft, describeRange, draftFromDefaults, parseParam, type StrategySpec } from './param-form';

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
