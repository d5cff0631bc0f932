import { formatUtcOffset, parseUtcOffset } from './csv-time';

/**
 * The clock a file's zone-less times were written on, turning them into UTC.
 *
 * MetaTrader writes broker server time. Most brokers run "New York + 7h" (UTC+2 in the US winter, UTC+3 in the US
 * summer, so the FX week starts Monday 00:00), which no fixed offset describes for a whole year; others use
 * Europe/London or a fixed offset. Zones come from the ICU data built into Node (Intl), so their DST rules are exact.
 */
export interface SourceClock {
  /** Wall-clock time on this clock, read as if it were UTC epoch ms → the real UTC epoch ms. */
  toUtc(wallMs: number): number;
  /** For people: "UTC", "UTC+3", "America/New_York+7h". */
  label: string;
}

const HOUR = 3_600_000;

export const UTC_CLOCK: SourceClock = { toUtc: (ms) => ms, label: 'UTC' };

export function fixedOffsetClock(minutes: number): SourceClock {
  if (minutes === 0) return UTC_CLOCK;
  return { toUtc: (ms) => ms - minutes * 60_000, label: formatUtcOffset(minutes) };
}

const DAY = 24 * HOUR;
const HALF_HOUR = HOUR / 2;

/**
 * Offset (ms) of `zone` from UTC at a UTC instant. Intl is slow (~10 µs a call), so offsets are cached per UTC day
 * when the day has one offset throughout, else per half hour (every real zone change falls on :00 or :30).
 */
function zoneOffsetAt(zone: string): (utcMs: number) => number {
  const format = new Intl.DateTimeFormat('en-US', {
    timeZone: zone,
    hourCycle: 'h23',
    year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  });
  const exact = (t: number) => {
    const p = Object.fromEntries(format.formatToParts(t).map((x) => [x.type, Number(x.value)]));
    return Date.UTC(p.year!, p.month! - 1, p.day!, p.hour!, p.minute!, p.second!) - t;
  };
  const days = new Map<number, number | null>(); // null: the offset changes during that day
  const halfHours = new Map<number, number>();
  return (utcMs) => {
    const day = Math.floor(utcMs / DAY);
    let whole = days.get(day);
    if (whole === undefined) {
      const start = exact(day * DAY);
      whole = start === exact((day + 1) * DAY - 1) ? start : null;
      days.set(day, whole);
    }
    if (whole !== null) return whole;
    const key = Math.floor(utcMs / HALF_HOUR);
    let offset = halfHours.get(key);
    if (offset === undefined) {
      offset = exact(key * HALF_HOUR);
      halfHours.set(key, offset);
    }
    return offset;
  };
}

/**
 * Wall clock of `zone` shifted by `shiftHours` (MetaTrader's "New York + 7": zone America/New_York, shift 7).
 * A wall time maps to UTC through the zone's offset a day before or a day after it (no zone changes twice in two
 * days); the reading that round-trips is the answer. An hour that exists twice (DST ends) takes the later reading;
 * an hour that does not exist (DST starts) is read with the offset from before the change. MT servers on NY+7 change
 * on Sunday 09:00 server time, while FX and metals are closed, so real MT data never hits either case.
 */
export function zoneClock(zone: string, shiftHours = 0): SourceClock {
  const offsetAt = zoneOffsetAt(zone);
  return {
    toUtc(wallMs) {
      const local = wallMs - shiftHours * HOUR;
      const before = offsetAt(local - DAY);
      const after = offsetAt(local + DAY);
      if (before === after) return local - before;
      const early = local - Math.max(before, after);
      const late = local - Math.min(before, after);
      const lateValid = offsetAt(late) === Math.min(before, after);
      const earlyValid = offsetAt(early) === Math.max(before, after);
      return lateValid || !earlyValid ? late : early;
    },
    label: shiftHours ? `${zone}${shiftHours > 0 ? '+' : ''}${shiftHours}h` : zone,
  };
}

const ZONE_ALIASES: Record<string, string> = { NY: 'America/New_York', LONDON: 'Europe/London' };

function isZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

/**
 * A clock from text: a fixed offset (`+3`, `UTC-5`, `+05:30`), an IANA zone (`Europe/London`), or a zone shifted by
 * whole hours (`NY+7`, `America/New_York+7`). Undefined when unreadable.
 */
export function parseSourceClock(text: string): SourceClock | undefined {
  const fixed = parseUtcOffset(text);
  if (fixed !== undefined) return fixedOffsetClock(fixed);
  const m = /^([A-Za-z_/-]+?)(?:([+-]\d{1,2})h?)?$/.exec(text.trim());
  if (!m) return undefined;
  const zone = ZONE_ALIASES[m[1]!.toUpperCase()] ?? m[1]!;
  if (!isZone(zone)) return undefined;
  return zoneClock(zone, Number(m[2] ?? 0));
}
