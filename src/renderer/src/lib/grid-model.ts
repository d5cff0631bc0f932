/**
 * The data-grid model behind the live trading grids: stable rows across polls, sorting, and the visible slice for
 * virtualization. Pure, so the rules are tested without a DOM.
 */

export type SortDirection = 'asc' | 'desc';
export interface SortState {
  key: string;
  direction: SortDirection;
}

function shallowEqual(a: object, b: object): boolean {
  const ka = Object.keys(a);
  if (ka.length !== Object.keys(b).length) return false;
  for (const k of ka) {
    const va = (a as Record<string, unknown>)[k];
    const vb = (b as Record<string, unknown>)[k];
    if (va === vb) continue;
    // Nested plain values (a task's config) compare one level deep.
    if (va && vb && typeof va === 'object' && typeof vb === 'object' && !Array.isArray(va) && shallowEqual(va, vb)) continue;
    if (Array.isArray(va) && Array.isArray(vb) && va.length === vb.length && va.every((x, i) => x === vb[i])) continue;
    return false;
  }
  return true;
}

/**
 * A fresh poll reusing the previous row objects wherever a row did not change, and the previous array when nothing
 * changed at all. Memoized rows then skip rendering: the grid updates in place, without flicker.
 */
export function reconcileRows<R extends object>(previous: readonly R[], next: readonly R[], keyOf: (row: R) => string): R[] {
  const byKey = new Map(previous.map((r) => [keyOf(r), r]));
  let changed = previous.length !== next.length;
  const out = next.map((row, i) => {
    const old = byKey.get(keyOf(row));
    if (old && shallowEqual(old, row)) {
      if (previous[i] !== old) changed = true;
      return old;
    }
    changed = true;
    return row;
  });
  return changed ? out : (previous as R[]);
}

export type SortValue = string | number | boolean | null | undefined;

/** Sorted copy; nulls last in both directions, numbers numerically, text naturally ("E10" after "E9"). */
export function sortRows<R>(rows: readonly R[], valueOf: (row: R) => SortValue, direction: SortDirection): R[] {
  const sign = direction === 'asc' ? 1 : -1;
  const collator = new Intl.Collator('en', { numeric: true, sensitivity: 'base' });
  return rows
    .map((row, index) => ({ row, index, value: valueOf(row) }))
    .sort((a, b) => {
      const va = a.value;
      const vb = b.value;
      const na = va === null || va === undefined || (typeof va === 'number' && Number.isNaN(va));
      const nb = vb === null || vb === undefined || (typeof vb === 'number' && Number.isNaN(vb));
      if (na || nb) return na === nb ? a.index - b.index : na ? 1 : -1;
      let c: number;
      if (typeof va === 'number' && typeof vb === 'number') c = va - vb;
      else if (typeof va === 'boolean' && typeof vb === 'boolean') c = Number(va) - Number(vb);
      else c = collator.compare(String(va), String(vb));
      return c !== 0 ? c * sign : a.index - b.index; // stable
    })
    .map((x) => x.row);
}

/** Click cycle of a column header: ascending → descending → unsorted (server order). */
export function nextSort(current: SortState | null, key: string, firstDirection: SortDirection = 'asc'): SortState | null {
  if (!current || current.key !== key) return { key, direction: firstDirection };
  if (current.direction === firstDirection) return { key, direction: firstDirection === 'asc' ? 'desc' : 'asc' };
  return null;
}

/** Rows to render for a scroll position: the visible ones plus `overscan` on each side. */
export function visibleRange(scrollTop: number, viewportHeight: number, rowHeight: number, rowCount: number, overscan = 6): { first: number; last: number } {
  if (rowCount === 0) return { first: 0, last: -1 };
  const first = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const last = Math.min(rowCount - 1, Math.ceil((scrollTop + viewportHeight) / rowHeight) + overscan);
  return { first, last };
}
