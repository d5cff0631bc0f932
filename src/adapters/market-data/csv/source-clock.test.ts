import { describe, expect, it } from 'vitest';
import { loadCandles } from '../../../../test/kit/candles';
import { parseCandleCsv } from './candle-csv-parser';
import { fixedOffsetClock, parseSourceClock, UTC_CLOCK, zoneClock } from './source-clock';

const wall = (text: string) => Date.parse(`${text}Z`); // a wall-clock reading, as the parser hands it over
const utc = (iso: string) => Date.parse(iso);

/** The test's own UTC → wall clock conversion, straight from Intl, to check the inverse against. */
function toWall(zone: string, shiftHours: number) {
  const f = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit' });
  const offsetAt = (t: number) => {
    const p = Object.fromEntries(f.formatToParts(t).map((x) => [x.type, x.value]));
    return Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!) - Math.floor(t / 60_000) * 60_000;
  };
  // Intl is slow: remember each UTC day's offset, or each hour's on a day the zone changes (always on the hour here).
  const offsets = new Map<string, number | null>();
  const cached = (key: string, compute: () => number | null) => {
    let v = offsets.get(key);
    if (v === undefined) offsets.set(key, (v = compute()));
    return v;
  };
  return (utcMs: number) => {
    const day = Math.floor(utcMs / 86_400_000) * 86_400_000;
    const hour = Math.floor(utcMs / 3_600_000) * 3_600_000;
    const whole = cached(`d${day}`, () => (offsetAt(day) === offsetAt(day + 86_340_000) ? offsetAt(day) : null));
    const offset = whole ?? cached(`h${hour}`, () => offsetAt(hour))!;
    const iso = new Date(utcMs + offset + shiftHours * 3_600_000).toISOString();
    return `${iso.slice(0, 4)}.${iso.slice(5, 7)}.${iso.slice(8, 10)},${iso.slice(11, 16)}`;
  };
}

describe('source clocks', () => {
  it('reads fixed offsets and zones', () => {
    expect(parseSourceClock('+3')?.label).toBe('UTC+3');
    expect(parseSourceClock('0')).toBe(UTC_CLOCK);
    expect(parseSourceClock('NY+7')?.label).toBe('America/New_York+7h');
    expect(parseSourceClock('America/New_York+7')?.label).toBe('America/New_York+7h');
    expect(parseSourceClock('Europe/London')?.label).toBe('Europe/London');
    expect(parseSourceClock('London')?.label).toBe('Europe/London');
    expect(parseSourceClock('Mars/Olympus')).toBeUndefined();
    expect(parseSourceClock('NY+x')).toBeUndefined();
  });

  it('shifts a fixed offset', () => {
    expect(fixedOffsetClock(180).toUtc(wall('2024-08-01T23:18:00'))).toBe(utc('2024-08-01T20:18:00Z'));
  });

  it('follows New York daylight saving on an NY+7 server: UTC+2 in winter, UTC+3 in summer', () => {
    const ny7 = parseSourceClock('NY+7')!;
    expect(ny7.toUtc(wall('2024-01-15T10:00:00'))).toBe(utc('2024-01-15T08:00:00Z'));
    expect(ny7.toUtc(wall('2024-07-15T10:00:00'))).toBe(utc('2024-07-15T07:00:00Z'));
    // The week opens Monday 00:00 server time = Sunday 17:00 New York in both seasons.
    expect(ny7.toUtc(wall('2024-03-11T00:00:00'))).toBe(utc('2024-03-10T21:00:00Z'));
    expect(ny7.toUtc(wall('2024-03-04T00:00:00'))).toBe(utc('2024-03-03T22:00:00Z'));
  });

  it('handles the hours DST removes and repeats', () => {
    const ny = zoneClock('America/New_York');
    expect(ny.toUtc(wall('2024-03-10T01:30:00'))).toBe(utc('2024-03-10T06:30:00Z')); // EST, just before
    expect(ny.toUtc(wall('2024-03-10T03:30:00'))).toBe(utc('2024-03-10T07:30:00Z')); // EDT, just after
    expect(ny.toUtc(wall('2024-03-10T02:30:00'))).toBe(utc('2024-03-10T07:30:00Z')); // does not exist: read as EST
    expect(ny.toUtc(wall('2024-11-03T00:30:00'))).toBe(utc('2024-11-03T04:30:00Z')); // EDT
    expect(ny.toUtc(wall('2024-11-03T01:30:00'))).toBe(utc('2024-11-03T06:30:00Z')); // twice: the later (EST)
    expect(ny.toUtc(wall('2024-11-03T02:30:00'))).toBe(utc('2024-11-03T07:30:00Z')); // EST
  });

  it.each([
    ['EURUSD_M1_2018-05-31_2018-06-08.csv.gz', 'NY+7', 'America/New_York', 7],
    ['XAUUSD_M1_2024-08-01_2024-10-11.csv.gz', 'Europe/London', 'Europe/London', 0],
    ['XAUUSD_H1_2018-04-01_2020-12-31.csv.gz', 'NY+7', 'America/New_York', 7],
  ])('turns %s, rewritten on its source clock as an MT4 file, back into its UTC times (%s)', (name, clockText, zone, shift) => {
    const bars = loadCandles(name);
    const toText = toWall(zone, shift);
    const lines: string[] = [];
    for (let i = 0; i < bars.length; i++) {
      lines.push(`${toText(bars.time[i]!)},${bars.open[i]},${bars.high[i]},${bars.low[i]},${bars.close[i]},${bars.volume[i]}`);
    }
    const r = parseCandleCsv(lines.join('\n'), { clock: parseSourceClock(clockText)! });
    expect(r.badRowCount).toBe(0);
    expect(r.duplicates).toBe(0);
    expect(Buffer.from(r.series.time.buffer).equals(Buffer.from(bars.time.buffer))).toBe(true);
    expect(Buffer.from(r.series.close.buffer).equals(Buffer.from(bars.close.buffer))).toBe(true);
  });
});
