import { memo, useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { nextSort, sortRows, visibleRange, type SortState, type SortValue } from '../../lib/grid-model';

/**
 * A small virtualized, sortable grid for the live trading views: only the rows in view (plus a few) are in the
 * DOM, so tens of thousands of journal rows scroll smoothly; rows are memoized on their object, and the stores
 * keep unchanged rows' objects across polls, so a poll re-renders only the rows that changed.
 */

export interface Column<R> {
  key: string;
  title: string;
  /** CSS grid track, e.g. "72px" or "minmax(120px, 1fr)". */
  width: string;
  align?: 'left' | 'right' | 'center';
  /** Header tooltip: what the column means. */
  help?: string;
  sortValue?: (row: R) => SortValue;
  render: (row: R) => ReactNode;
  cellClass?: (row: R) => string | undefined;
}

interface DataGridProps<R> {
  rows: readonly R[];
  columns: readonly Column<R>[];
  rowKey: (row: R) => string;
  testId: string;
  rowTestId?: (row: R) => string;
  emptyText: ReactNode;
  initialSort?: SortState | null;
  rowHeight?: number;
  selectedKey?: string | null;
  onRowClick?: (row: R) => void;
  rowClass?: (row: R) => string | undefined;
}

const HEADER_HEIGHT = 24;

export function DataGrid<R>(props: DataGridProps<R>) {
  const { rows, columns, rowKey, testId, emptyText, rowHeight = 24 } = props;
  const [sort, setSort] = useState<SortState | null>(props.initialSort ?? null);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewport, setViewport] = useState(300);
  const scroller = useRef<HTMLDivElement>(null);

  useEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const observer = new ResizeObserver(() => setViewport(el.clientHeight));
    observer.observe(el);
    setViewport(el.clientHeight);
    return () => observer.disconnect();
  }, []);

  const sorted = useMemo(() => {
    if (!sort) return rows;
    const column = columns.find((c) => c.key === sort.key);
    return column?.sortValue ? sortRows(rows, column.sortValue, sort.direction) : rows;
  }, [rows, columns, sort]);

  const template = useMemo(() => columns.map((c) => c.width).join(' '), [columns]);
  const { first, last } = visibleRange(scrollTop, viewport - HEADER_HEIGHT, rowHeight, sorted.length);
  const visible = sorted.slice(first, last + 1);
  const onScroll = useCallback((e: React.UIEvent<HTMLDivElement>) => setScrollTop(e.currentTarget.scrollTop), []);

  return (
    <div className="dgrid" data-testid={testId} data-rows={sorted.length} role="grid" aria-rowcount={sorted.length + 1}>
      <div className="dgrid-scroll" ref={scroller} onScroll={onScroll}>
        <div className="dgrid-inner">
        <div className="dgrid-head" role="row" style={{ gridTemplateColumns: template }}>
          {columns.map((c) => {
            const active = sort?.key === c.key ? sort.direction : undefined;
            return (
              <div
                key={c.key}
                role="columnheader"
                aria-sort={active === 'asc' ? 'ascending' : active === 'desc' ? 'descending' : 'none'}
                className={['dgrid-th', c.align ? `al-${c.align}` : '', c.sortValue ? 'sortable' : ''].join(' ')}
                title={c.help ?? c.title}
                data-testid={`${testId}-col-${c.key}`}
                onClick={c.sortValue ? () => setSort((s) => nextSort(s, c.key, c.align === 'right' ? 'desc' : 'asc')) : undefined}
              >
                <span>{c.title}</span>
                {active && <span className="sort-mark">{active === 'asc' ? '▲' : '▼'}</span>}
              </div>
            );
          })}
        </div>
        {sorted.length === 0 ? (
          <div className="dgrid-empty">{emptyText}</div>
        ) : (
          <div className="dgrid-body" style={{ height: sorted.length * rowHeight }}>
            {visible.map((row, k) => {
              const key = rowKey(row);
              return (
                <GridRow
                  key={key}
                  row={row}
                  columns={columns}
                  template={template}
                  top={(first + k) * rowHeight}
                  height={rowHeight}
                  selected={props.selectedKey === key}
                  onClick={props.onRowClick}
                  extraClass={props.rowClass?.(row)}
                  testId={props.rowTestId?.(row)}
                />
              );
            })}
          </div>
        )}
        </div>
      </div>
    </div>
  );
}

interface GridRowProps<R> {
  row: R;
  columns: readonly Column<R>[];
  template: string;
  top: number;
  height: number;
  selected: boolean;
  onClick: ((row: R) => void) | undefined;
  extraClass: string | undefined;
  testId: string | undefined;
}

function GridRowImpl<R>({ row, columns, template, top, height, selected, onClick, extraClass, testId }: GridRowProps<R>) {
  return (
    <div
      role="row"
      className={['dgrid-row', selected ? 'selected' : '', onClick ? 'clickable' : '', extraClass ?? ''].join(' ')}
      style={{ gridTemplateColumns: template, transform: `translateY(${top}px)`, height }}
      aria-selected={selected || undefined}
      data-testid={testId}
      onClick={onClick ? () => onClick(row) : undefined}
    >
      {columns.map((c) => (
        <div key={c.key} role="gridcell" className={['dgrid-td', c.align ? `al-${c.align}` : '', c.cellClass?.(row) ?? ''].join(' ')}>
          {c.render(row)}
        </div>
      ))}
    </div>
  );
}

// Generic components lose their type parameter through memo; the cast restores it.
const GridRow = memo(GridRowImpl) as typeof GridRowImpl;
