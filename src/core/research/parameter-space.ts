import { Prng } from './prng';

/**
 * The parameter grid of an optimization: every parameter with its candidate values, in the order given.
 *
 * Grid point k (0 … size − 1) is read as a mixed-radix number, the LAST parameter varying fastest (as nested loops
 * written in the order the parameters are listed), so a point has one index and the index alone says which
 * parameters it has; nothing is materialized until it is evaluated.
 *
 * Search:
 * - grid: every point, in index order;
 * - random: `count` distinct points drawn uniformly without replacement (Floyd's algorithm with the seeded PRNG),
 *   evaluated in index order. The same seed gives the same points.
 * - auto: grid when the grid has at most `maxEvaluations` points, else random with `maxEvaluations` points.
 */

export type ParamValue = number | boolean;

export interface ParameterAxis {
  key: string;
  values: readonly ParamValue[];
}

export type SearchMethod = 'grid' | 'random';

export class ParameterSpace {
  readonly size: number;
  private readonly radix: number[];

  constructor(readonly axes: readonly ParameterAxis[]) {
    let size = 1;
    for (const axis of axes) {
      if (axis.values.length === 0) throw new RangeError(`${axis.key} has no values`);
      size *= axis.values.length;
    }
    if (!Number.isSafeInteger(size)) throw new RangeError('The parameter grid has more points than can be counted');
    this.size = axes.length === 0 ? 1 : size;
    this.radix = axes.map((a) => a.values.length);
  }

  /** The parameters of grid point `index`. */
  at(index: number): Record<string, ParamValue> {
    const out: Record<string, ParamValue> = {};
    let rest = index;
    for (let k = this.axes.length - 1; k >= 0; k--) {
      const n = this.radix[k] as number;
      const axis = this.axes[k] as ParameterAxis;
      out[axis.key] = axis.values[rest % n] as ParamValue;
      rest = Math.floor(rest / n);
    }
    // Keys in the order the axes are listed (the loop above filled them backwards).
    const ordered: Record<string, ParamValue> = {};
    for (const axis of this.axes) ordered[axis.key] = out[axis.key] as ParamValue;
    return ordered;
  }
}

/** Which points to evaluate: all (grid) or a seeded uniform sample without replacement (random), in index order. */
export function choosePoints(size: number, method: SearchMethod, count: number, seed: number): number[] {
  if (method === 'grid' || count >= size) return Array.from({ length: size }, (_, i) => i);
  const picked = sampleWithoutReplacement(size, count, new Prng(seed));
  return picked.sort((a, b) => a - b);
}

/** Floyd's algorithm: `count` distinct whole numbers in [0, size), each subset equally likely. O(count) time. */
export function sampleWithoutReplacement(size: number, count: number, prng: Prng): number[] {
  const chosen = new Set<number>();
  const out: number[] = [];
  for (let j = size - count; j < size; j++) {
    const t = prng.below(j + 1);
    const pick = chosen.has(t) ? j : t;
    chosen.add(pick);
    out.push(pick);
  }
  return out;
}

export function resolveSearch(requested: 'auto' | SearchMethod, size: number, maxEvaluations: number): { method: SearchMethod; count: number } {
  if (requested === 'grid') return { method: 'grid', count: size };
  if (requested === 'random') return { method: 'random', count: Math.min(size, maxEvaluations) };
  return size <= maxEvaluations ? { method: 'grid', count: size } : { method: 'random', count: maxEvaluations };
}
