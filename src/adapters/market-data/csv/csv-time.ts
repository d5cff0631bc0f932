/**
 * Date/time text as written by CSV exports → epoch ms.
 *
 * Accepted: `2024-08-01T20:18:00Z`, `2024-08-01 20:18`, `2024.08.01 20:18:00.500`, `2024/08/01`, `01.08.2024 20:18`
 * (Dukascopy), an optional zone (`Z`, `+03:00`, `+0300`, `+03`), and epoch numbers (seconds below 1e11, else ms).
 * Text without a zone is read on the source clock; the caller shifts it by the source's UTC offset.
 */

export interface ParsedTime {
  /** Epoch ms, reading zone-less text as if it were UTC. */
  ms: number;
  /** True when the text carried its own zone (or was an epoch number): no clock offset applies. */
  absolute: boolean;
}

const DATE_TIME =
  /^(?:(\d{4})[-./](\d{1,2})[-./](\d{1,2})|(\d{1,2})\.(\d{1,2})\.(\d{4}))(?:[T ]+(\d{1,2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?)?\s*(Z|[+-]\d{2}(?::?\d{2})?)?$/;
const EPOCH = /^\d{9,16}$/;
const TIME_OF_DAY = /^\d{1,2}:\d{2}(?::\d{2}(?:\.\d{1,9})?)?$/;

const daysInMonth = (y: number, m: number) => new Date(Date.UTC(y, m, 0)).getUTCDate();

export function looksLikeTimeOfDay(text: string): boolean {
  return TIME_OF_DAY.test(text.trim());
}

/** Two ASCII digits at i as a number, or -1. */
function two(s: string, i: number): number {
  const a = s.charCodeAt(i) - 48;
  const b = s.charCodeAt(i + 1) - 48;
  return a >= 0 && a <= 9 && b >= 0 && b <= 9 ? a * 10 + b : -1;
}

/**
 * Fast path for the shapes of nearly every row: `YYYY?MM?DD`, then optionally `[T ]HH:MM[:SS]` and `Z`, fixed widths.
 * A million-row import spends most of its time here, so no regex; anything else goes to the general parser.
 */
function parseFixed(s: string): ParsedTime | undefined {
  const n = s.length;
  const zulu = n > 0 && s.charCodeAt(n - 1) === 90; // Z
  const len = zulu ? n - 1 : n;
  if (len !== 10 && len !== 16 && len !== 19) return undefined;
  const c4 = s.charCodeAt(4);
  if ((c4 !== 45 && c4 !== 46 && c4 !== 47) || s.charCodeAt(7) !== c4) return undefined; // - . /
  const y1 = two(s, 0);
  const y2 = two(s, 2);
  const month = two(s, 5);
  const day = two(s, 8);
  if (y1 < 19 || y2 < 0 || month < 1 || month > 12 || day < 1 || (day > 28 && day > daysInMonth(y1 * 100 + y2, month))) return undefined;
  let hour = 0;
  let minute = 0;
  let second = 0;
  if (len > 10) {
    const sep = s.charCodeAt(10);
    if ((sep !== 84 && sep !== 32) || s.charCodeAt(13) !== 58) return undefined; // T or space, :
    hour = two(s, 11);
    minute = two(s, 14);
    if (len === 19) {
      if (s.charCodeAt(16) !== 58) return undefined;
      second = two(s, 17);
    }
    if (hour < 0 || hour > 23 || minute < 0 || minute > 59 || second < 0 || second > 59) return undefined;
  }
  return { ms: Date.UTC(y1 * 100 + y2, month - 1, day, hour, minute, second), absolute: zulu };
}

export function parseTime(text: string): ParsedTime | undefined {
  const fast = parseFixed(text);
  if (fast) return fast;
  const s = text.trim();
  if (EPOCH.test(s)) {
    const n = Number(s);
    return { ms: n < 1e11 ? n * 1000 : n, absolute: true };
  }
  const m = DATE_TIME.exec(s);
  if (!m) return undefined;
  const year = Number(m[1] ?? m[6]);
  const month = Number(m[2] ?? m[5]);
  const day = Number(m[3] ?? m[4]);
  const hour = Number(m[7] ?? 0);
  const minute = Number(m[8] ?? 0);
  const second = Number(m[9] ?? 0);
  const ms = m[10] ? Math.round(Number(`0.${m[10]}`) * 1000) : 0;
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth(year, month)) return undefined;
  if (hour > 23 || minute > 59 || second > 59) return undefined;
  // No market data is older; "0024-08-01" is a typo (and Date.UTC would read years 0–99 as 19xx).
  if (year < 1900) return undefined;
  let epoch = Date.UTC(year, month - 1, day, hour, minute, second, ms);
  const zone = m[11];
  if (zone && zone !== 'Z') {
    const offset = parseUtcOffset(zone);
    if (offset === undefined) return undefined;
    epoch -= offset * 60_000;
  }
  return { ms: epoch, absolute: zone !== undefined };
}

/**
 * A clock's offset from UTC in minutes: `+3`, `-5`, `+05:30`, `+0530`, `3`, `0`, `UTC+2`. Undefined when unreadable
 * or beyond ±14 h.
 */
export function parseUtcOffset(text: string): number | undefined {
  const m = /^(?:UTC|GMT)?\s*([+-]?)(\d{1,2})(?::?(\d{2}))?$/i.exec(text.trim());
  if (!m) return undefined;
  const minutes = Number(m[2]) * 60 + Number(m[3] ?? 0);
  if (minutes > 14 * 60 || Number(m[3] ?? 0) > 59) return undefined;
  return m[1] === '-' ? -minutes : minutes;
}

export function formatUtcOffset(minutes: number): string {
  const sign = minutes < 0 ? '-' : '+';
  const abs = Math.abs(minutes);
  const h = Math.floor(abs / 60);
  const mm = abs % 60;
  return `UTC${sign}${h}${mm ? `:${String(mm).padStart(2, '0')}` : ''}`;
}
