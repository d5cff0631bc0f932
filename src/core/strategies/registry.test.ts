import { describe, expect, it } from 'vitest';
import { resolveConfig } from './params';
import { builtinStrategies, findStrategy, taskMagic } from './registry';

describe('built-in strategy registry', () => {
  it('lists gold_buy_dip and simple_ma, found by name regardless of case and spaces', () => {
    expect(builtinStrategies.map((s) => s.name)).toEqual(['gold_buy_dip', 'simple_ma', 'confluence']);
    expect(findStrategy(' Gold_Buy_Dip ')?.name).toBe('gold_buy_dip');
    expect(findStrategy('simple_ma')?.name).toBe('simple_ma');
    expect(findStrategy('rsi_scalper')).toBeUndefined();
  });

  it('every definition has a title, a description and described, ranged parameters with valid defaults', () => {
    for (const s of builtinStrategies) {
      expect(s.title.length).toBeGreaterThan(3);
      expect(s.description.length).toBeGreaterThan(20);
      expect(new Set(s.params.map((p) => p.key)).size).toBe(s.params.length);
      for (const p of s.params) {
        expect(p.description.length, p.key).toBeGreaterThan(10);
        if (p.type !== 'bool') expect(p.min !== undefined && p.max !== undefined, p.key).toBe(true);
      }
      expect(resolveConfig(s, {})).toMatchObject({ errors: [], warnings: [] });
      expect(s.params.some((p) => p.key === 'magic_number')).toBe(true);
    }
  });

  it("a task's magic number is its config's magic_number", () => {
    const gold = findStrategy('gold_buy_dip')!;
    expect(taskMagic(resolveConfig(gold, {}).config)).toBe(12345);
    expect(taskMagic(resolveConfig(gold, { magic_number: 42 }).config)).toBe(42);
    expect(taskMagic({}, 7)).toBe(7);
  });
});
