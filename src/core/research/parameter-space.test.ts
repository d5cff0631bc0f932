import { describe, expect, it } from 'vitest';
import { choosePoints, ParameterSpace, resolveSearch } from './parameter-space';
import { Prng } from './prng';

describe('parameter grid', () => {
  const space = new ParameterSpace([
    { key: 'a', values: [1, 2] },
    { key: 'b', values: [10, 20, 30] },
    { key: 'c', values: [true, false] },
  ]);

  it('counts its points and reads point k as nested loops in the listed order (last fastest)', () => {
    expect(space.size).toBe(12);
    expect(space.at(0)).toEqual({ a: 1, b: 10, c: true });
    expect(space.at(1)).toEqual({ a: 1, b: 10, c: false });
    expect(space.at(2)).toEqual({ a: 1, b: 20, c: true });
    expect(space.at(11)).toEqual({ a: 2, b: 30, c: false });
    expect(Object.keys(space.at(5))).toEqual(['a', 'b', 'c']);
    const all = Array.from({ length: 12 }, (_, k) => JSON.stringify(space.at(k)));
    expect(new Set(all).size).toBe(12);
  });

  it('has one point without axes (the base parameters)', () => {
    expect(new ParameterSpace([]).size).toBe(1);
    expect(new ParameterSpace([]).at(0)).toEqual({});
  });
});

describe('search', () => {
  it('grid when it fits max_evaluations, random beyond (auto)', () => {
    expect(resolveSearch('auto', 256, 500)).toEqual({ method: 'grid', count: 256 });
    expect(resolveSearch('auto', 10_000, 500)).toEqual({ method: 'random', count: 500 });
    expect(resolveSearch('random', 100, 500)).toEqual({ method: 'random', count: 100 });
    expect(resolveSearch('grid', 10_000, 500)).toEqual({ method: 'grid', count: 10_000 });
  });

  it('random search draws distinct points, in index order, the same for the same seed', () => {
    const points = choosePoints(1_000_000, 'random', 500, 9);
    expect(points).toHaveLength(500);
    expect(new Set(points).size).toBe(500);
    expect(points.every((p, i) => p >= 0 && p < 1_000_000 && (i === 0 || p > (points[i - 1] as number)))).toBe(true);
    expect(choosePoints(1_000_000, 'random', 500, 9)).toEqual(points);
    expect(choosePoints(1_000_000, 'random', 500, 10)).not.toEqual(points);
    expect(choosePoints(5, 'random', 9, 1)).toEqual([0, 1, 2, 3, 4]);
  });

  it('draws every point about equally often (uniform without replacement)', () => {
    const counts = new Array(10).fill(0);
    for (let seed = 0; seed < 2000; seed++) for (const p of choosePoints(10, 'random', 3, seed)) counts[p]++;
    // Each point is in a 3-of-10 sample with probability 0.3: 600 of 2000, sd ≈ 20.5.
    for (const c of counts) expect(Math.abs(c - 600)).toBeLessThan(90);
  });
});

describe('PRNG', () => {
  it('repeats for a seed and differs between seeds and streams', () => {
    const a = Array.from({ length: 5 }, ((p) => () => p.nextUint32())(new Prng(1)));
    const b = Array.from({ length: 5 }, ((p) => () => p.nextUint32())(new Prng(1)));
    const c = Array.from({ length: 5 }, ((p) => () => p.nextUint32())(new Prng(2)));
    const d = Array.from({ length: 5 }, ((p) => () => p.nextUint32())(new Prng(1, 1)));
    expect(a).toEqual(b);
    expect(c).not.toEqual(a);
    expect(d).not.toEqual(a);
    expect(a.every((x) => Number.isInteger(x) && x >= 0 && x < 2 ** 32)).toBe(true);
  });

  it('gives uniform floats and whole numbers in range', () => {
    const prng = new Prng(3);
    let sum = 0;
    let outside = 0;
    const buckets = new Array(7).fill(0);
    for (let i = 0; i < 70_000; i++) {
      const u = prng.next();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
      buckets[prng.int(7)]++;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 70_000 - 0.5)).toBeLessThan(0.01);
    for (const c of buckets) expect(Math.abs(c - 10_000)).toBeLessThan(400);
    let max = 0;
    for (let i = 0; i < 1000; i++) max = Math.max(max, prng.below(3_000_000_000_000));
    expect(max).toBeLessThan(3_000_000_000_000);
    expect(max).toBeGreaterThan(2_000_000_000_000);
  });
});
