import { describe, expect, it } from 'vitest';
import { CsvLayoutError } from './csv-layout';
import { parseCandleCsv } from './candle-csv-parser';
import { fixedOffsetClock } from './source-clock';

const utc = (iso: string) => Date.parse(iso);
const rows = (...lines: string[]) => `${lines.join('\n')}\n`;

describe('parseCandleCsv', () => {
  it('reads an MT5 history export (tab-separated, <DATE> <TIME>, tick volume)', () => {
    const text = rows(
      '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>',
      '2024.08.01\t20:18:00\t2441.14\t2441.29\t2440.93\t2441.05\t72\t0\t12',
      '2024.08.01\t20:19:00\t2441.07\t2441.10\t2440.40\t2440.44\t70\t0\t12',
    );
    const r = parseCandleCsv(text);
    expect(r.layout.kind).toBe('mt5-header');
    expect(r.rowsRead).toBe(2);
    expect(r.badRowCount).toBe(0);
    expect(Array.from(r.series.time)).toEqual([utc('2024-08-01T20:18:00Z'), utc('2024-08-01T20:19:00Z')]);
    expect(Array.from(r.series.open)).toEqual([2441.14, 2441.07]);
    expect(Array.from(r.series.high)).toEqual([2441.29, 2441.1]);
    expect(Array.from(r.series.volume)).toEqual([72, 70]);
  });

  it('reads a daily MT5 export (no <TIME> column) with CRLF line ends', () => {
    const text = '<DATE>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\r\n2024.08.01\t2447.5\t2462.9\t2434.1\t2446.3\t91234\t0\t20\r\n';
    const r = parseCandleCsv(text);
    expect(r.series.length).toBe(1);
    expect(r.series.time[0]).toBe(utc('2024-08-01T00:00:00Z'));
    expect(r.series.close[0]).toBe(2446.3);
  });

  it('reads the header-less MT4/MT5 comma layout and shifts a broker clock to UTC', () => {
    const text = rows('2024.08.01,23:18,2441.14,2441.29,2440.93,2441.05,72', '2024.08.01,23:19,2441.07,2441.1,2440.4,2440.44,70');
    const r = parseCandleCsv(text, { clock: fixedOffsetClock(180) });
    expect(r.layout.kind).toBe('headerless');
    expect(r.rowsRead).toBe(2);
    expect(r.series.time[0]).toBe(utc('2024-08-01T20:18:00Z'));
  });

  it('does not shift times that carry their own zone', () => {
    const r = parseCandleCsv(rows('time,open,high,low,close,volume', '2024-08-01T20:18:00Z,1,2,0.5,1.5,3'), { clock: fixedOffsetClock(180) });
    expect(r.series.time[0]).toBe(utc('2024-08-01T20:18:00Z'));
  });

  it('reads decimal commas in semicolon files', () => {
    const r = parseCandleCsv(rows('2019.07.29;21:00:00;1,11443;1,11446;1,11442;1,11446;5'));
    expect(Array.from(r.series.open)).toEqual([1.11443]);
  });

  it('stores volume 0 when the file has none', () => {
    const r = parseCandleCsv(rows('Date,Open,High,Low,Close', '2004-08-19,100,104.06,95.96,100.34'));
    expect(Array.from(r.series.volume)).toEqual([0]);
  });

  it('reports every bad row with its 1-based line number and reason, and keeps going', () => {
    const text = rows(
      'time,open,high,low,close,volume', //                               line 1
      '2024-08-01T20:18:00Z,10,11,9,10.5,1', //                           2 ok
      '2024-08-01T20:19:00Z,10,9.5,9,10.5,1', //                          3 high below close
      '2024-08-01T20:20:00Z,10,11,10.2,10.5,1', //                        4 low above open
      'yesterday,10,11,9,10.5,1', //                                      5 bad time
      '2024-08-01T20:22:00Z,10,abc,9,10.5,1', //                          6 not a number
      '2024-08-01T20:23:00Z,10,11,9', //                                  7 too few fields
      '', //                                                              8 blank: skipped, not bad
      '2024-08-01T20:24:00Z,10,11,9,10.5,-1', //                          9 negative volume
      '2024-08-01T20:25:00Z,,11,9,10.5,1', //                            10 empty field
      '2024-08-01T20:26:00Z,NaN,11,9,10.5,1', //                         11 NaN
      '2024-02-30T20:27:00Z,10,11,9,10.5,1', //                          12 no such date
      '2024-08-01T20:28:00Z,10,11,9,10.5,1', //                          13 ok
    );
    const r = parseCandleCsv(text);
    expect(r.rowsRead).toBe(11);
    expect(r.series.length).toBe(2);
    expect(r.badRowCount).toBe(9);
    expect(r.badRows.map((b) => b.line)).toEqual([3, 4, 5, 6, 7, 9, 10, 11, 12]);
    expect(r.badRows.map((b) => b.reason)).toEqual([
      'high is below open or close',
      'low is above open or close',
      'time "yesterday" is not a date/time',
      'high "abc" is not a number',
      'expected at least 6 fields, found 4',
      'volume is negative',
      'open "" is not a number',
      'open "NaN" is not a number',
      'time "2024-02-30T20:27:00Z" is not a date/time',
    ]);
    expect(r.badRows[0]!.text).toBe('2024-08-01T20:19:00Z,10,9.5,9,10.5,1');
  });

  it('reads numbers strictly: exponent and padding yes, hex, Infinity and blanks no', () => {
    const r = parseCandleCsv(
      rows(
        'time,open,high,low,close,volume',
        '2024-08-01T20:18:00Z, 1.5 ,2e0,1,1.5,0', // ok
        '2024-08-01T20:19:00Z,0x1,2,1,1.5,0',
        '2024-08-01T20:20:00Z,1.5,Infinity,1,1.5,0',
        '2024-08-01T20:21:00Z,1.5,2,1,1.5, ',
        '2024-08-01T20:22:00Z,-1.5,-1,-2,-1.25,0', // negative prices exist (oil, spreads)
      ),
    );
    expect(r.badRows.map((b) => b.reason)).toEqual(['open "0x1" is not a number', 'high "Infinity" is not a number', 'volume " " is not a number']);
    expect(Array.from(r.series.open)).toEqual([1.5, -1.5]);
    expect(r.series.high[0]).toBe(2);
  });

  it('counts every bad row even beyond the kept details', () => {
    const lines = ['time,open,high,low,close,volume', ...Array.from({ length: 30 }, () => 'x,1,1,1,1,1')];
    const r = parseCandleCsv(rows(...lines), { maxBadRowDetails: 5 });
    expect(r.badRowCount).toBe(30);
    expect(r.badRows.map((b) => b.line)).toEqual([2, 3, 4, 5, 6]);
  });

  it('sorts out-of-order rows and merges duplicate times (the later line wins)', () => {
    const r = parseCandleCsv(
      rows(
        'time,open,high,low,close,volume',
        '2024-08-01T20:20:00Z,3,3,3,3,3',
        '2024-08-01T20:18:00Z,1,1,1,1,1',
        '2024-08-01T20:19:00Z,2,2,2,2,2',
        '2024-08-01T20:18:00Z,9,9,9,9,9',
      ),
    );
    expect(r.outOfOrder).toBe(2);
    expect(r.duplicates).toBe(1);
    expect(Array.from(r.series.open)).toEqual([9, 2, 3]);
  });

  it('rejects a file whose first line is neither data nor a known header', () => {
    expect(() => parseCandleCsv('hello world\n1,2,3\n')).toThrow(CsvLayoutError);
    expect(() => parseCandleCsv('')).toThrow(/empty/);
  });
});
