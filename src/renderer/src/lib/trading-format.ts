/** Display formatting for the trading workspace: prices to the instrument's digits, signed P&L, UTC times. */

const groupedCache = new Map<number, Intl.NumberFormat>();
function grouped(digits: number): Intl.NumberFormat {
  let f = groupedCache.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    groupedCache.set(digits, f);
  }
  return f;
}

/** 1.0506300000000002 at 5 digits → "1.05063"; null → "—". */
export function formatPrice(value: number | null | undefined, digits: number): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  return grouped(digits).format(value);
}

/** -12.500000000001954 → "-12.50", 3 → "+3.00". */
export function formatPnl(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  const rounded = Math.round(value * 100) / 100;
  const text = grouped(2).format(Math.abs(rounded));
  return rounded > 0 ? `+${text}` : rounded < 0 ? `-${text}` : text;
}

export function pnlClass(value: number | null | undefined): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  const rounded = Math.round(value * 100) / 100;
  return rounded > 0 ? 'up' : rounded < 0 ? 'down' : '';
}

export function formatLots(value: number): string {
  return grouped(2).format(value);
}

export function formatChangePct(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return `${value > 0 ? '+' : ''}${value.toFixed(2)}%`;
}

const pad = (n: number) => String(n).padStart(2, '0');

/** Epoch ms or ISO → "2025-01-06 07:15:00" (UTC, like the status bar clock). */
export function formatUtc(value: number | string | null | undefined, withSeconds = true): string {
  if (value === null || value === undefined) return '—';
  const d = new Date(value);
  if (Number.isNaN(d.getTime())) return '—';
  const date = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}${withSeconds ? `:${pad(d.getUTCSeconds())}` : ''}`;
  return `${date} ${time}`;
}

/** Axis label for a bar time: the time of day, with the date where a day starts or for daily bars. */
export function formatAxisTime(ms: number, timeframe: string): string {
  const d = new Date(ms);
  const date = `${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}`;
  if (timeframe === '1D') return `${d.getUTCFullYear()}-${date}`;
  const time = `${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return d.getUTCHours() === 0 && d.getUTCMinutes() === 0 ? date : time;
}

/** Fallback digits when the instrument list has not loaded: enough for FX majors. */
export function digitsFor(symbol: string, digitsBySymbol: Record<string, number>): number {
  return digitsBySymbol[symbol] ?? (symbol.includes('JPY') ? 3 : 5);
}

export const FEED_LABEL: Record<string, string> = { simulated: 'SIMULATED', replay: 'REPLAY', broker: 'LIVE' };
