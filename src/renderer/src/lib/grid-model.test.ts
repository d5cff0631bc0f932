import { describe, expect, it } from 'vitest';
import { nextSort, reconcileRows, sortRows, visibleRange } from './grid-model';

describe('grid model', () => {
  it('keeps row identity across polls and the same array when nothing changed', () => {
    const a = [{ id: 'p1', pnl: 1, cfg: { x: 1 } }, { id: 'p2', pnl: 2, cfg: { x: 2 } }];
    const same = reconcileRows(a, [{ id: 'p1', pnl: 1, cfg: { x: 1 } }, { id: 'p2', pnl: 2, cfg: { x: 2 } }], (r) => r.id);
    expect(same).toBe(a);
    const next = reconcileRows(a, [{ id: 'p1', pnl: 1, cfg: { x: 1 } }, { id: 'p2', pnl: 3, cfg: { x: 2 } }, { id: 'p3', pnl: 0, cfg: { x: 0 } }], (r) => r.id);
    expect(next).not.toBe(a);
    expect(next[0]).toBe(a[0]);
    expect(next[1]).not.toBe(a[1]);
    expect(next[1]?.pnl).toBe(3);
    const reordered = reconcileRows(a, [a[1]!, a[0]!].map((r) => ({ ...r })), (r) => r.id);
    expect(reordered).not.toBe(a);
    expect(reordered[0]).toBe(a[1]);
  });

  it('sorts numbers numerically, text naturally, nulls last, stably', () => {
    const rows = [{ k: 'E10', v: 2 }, { k: 'E9', v: null }, { k: 'E2', v: -1 }, { k: 'E1', v: 2 }];
    expect(sortRows(rows, (r) => r.k, 'asc').map((r) => r.k)).toEqual(['E1', 'E2', 'E9', 'E10']);
    expect(sortRows(rows, (r) => r.v, 'desc').map((r) => r.k)).toEqual(['E10', 'E1', 'E2', 'E9']);
    expect(sortRows(rows, (r) => r.v, 'asc').map((r) => r.k)).toEqual(['E2', 'E10', 'E1', 'E9']);
  });

  it('cycles header clicks asc → desc → off and computes the rendered slice', () => {
    let s = nextSort(null, 'pnl');
    expect(s).toEqual({ key: 'pnl', direction: 'asc' });
    s = nextSort(s, 'pnl');
    expect(s).toEqual({ key: 'pnl', direction: 'desc' });
    expect(nextSort(s, 'pnl')).toBeNull();
    expect(nextSort(s, 'lots')).toEqual({ key: 'lots', direction: 'asc' });
    expect(visibleRange(0, 240, 24, 1_000_000, 2)).toEqual({ first: 0, last: 12 });
    expect(visibleRange(24_000, 240, 24, 1_000_000, 2)).toEqual({ first: 998, last: 1012 });
    expect(visibleRange(0, 240, 24, 3)).toEqual({ first: 0, last: 2 });
    expect(visibleRange(0, 240, 24, 0)).toEqual({ first: 0, last: -1 });
  });
});
