/** The data the reference tests stand on: test/kit/candles.ts reads the fixtures and shared CSV files right, or says why not. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, afterEach, describe, expect, it } from 'vitest';
import { candleFileProblem, candleFilePath, loadCandles, sharedDataPath } from '../../../test/kit/candles';
import { describeWithSharedData } from '../../../test/kit/long-check';
import { REFERENCE_FILES } from './reference.test-helpers';

/** Row counts from the fixtures' README (test/fixtures/candles) and, for the whole files, the data folder's README. */
const README_ROWS: Record<string, number> = {
  'XAUUSD_M1_2024-08-01_2024-10-11.csv.gz': 68_943,
  'EURUSD_M1_2018-05-31_2018-06-08.csv.gz': 8_635,
  'BTCUSDT_M1_2023-03-27_2023-04-04.csv.gz': 12_960,
  'GOOG_D1_2004-08-19_2013-03-01.csv.gz': 2_148,
  'XAUUSD_M1_2024-08_2024-10.csv': 68_943,
  'EURUSD_M1_2018-06.csv': 30_203,
  'BTCUSDT_M1_2023-03_2023-05.csv': 71_041,
  'GOOG_D1_2004-08_2013-03.csv': 2_148,
};
const SHARED_REFERENCE_FILES = ['XAUUSD_M1_2024-08_2024-10.csv', 'EURUSD_M1_2018-06.csv', 'BTCUSDT_M1_2023-03_2023-05.csv', 'GOOG_D1_2004-08_2013-03.csv'];

const savedShared = process.env.ECHO_SHARED_DATA;

function expectEveryRowRead(file: string) {
  const candles = loadCandles(file);
  expect(candles.length).toBe(README_ROWS[file]);
  let problems = 0;
  for (let i = 0; i < candles.length; i++) {
    const open = candles.open[i] as number;
    const high = candles.high[i] as number;
    const low = candles.low[i] as number;
    const close = candles.close[i] as number;
    if (!(high >= Math.max(open, close, low) && low <= Math.min(open, close))) problems++;
    if (i > 0 && !((candles.time[i] as number) > (candles.time[i - 1] as number))) problems++;
  }
  expect(problems).toBe(0);
}

describe('loadCandles', () => {
  it.each(REFERENCE_FILES)('reads every row of the fixture %s, in time order, with consistent OHLC', expectEveryRowRead);

  it('parses times as UTC epoch ms and prices exactly as written', () => {
    const gold = loadCandles('XAUUSD_M1_2024-08-01_2024-10-11.csv.gz');
    // first row: 2024-08-01T20:18:00Z,2441.14,2441.29,2440.93,2441.05,72
    expect(gold.time[0]).toBe(Date.UTC(2024, 7, 1, 20, 18));
    expect([gold.open[0], gold.high[0], gold.low[0], gold.close[0], gold.volume[0]]).toEqual([
      2441.14, 2441.29, 2440.93, 2441.05, 72,
    ]);
    const goog = loadCandles('GOOG_D1_2004-08-19_2013-03-01.csv.gz');
    expect(goog.time[0]).toBe(Date.UTC(2004, 7, 19));
  });

  describe('with ECHO_SHARED_DATA pointing elsewhere', () => {
    const saved = process.env.ECHO_SHARED_DATA;
    const folder = mkdtempSync(join(tmpdir(), 'echo-candles-'));
    afterEach(() => {
      if (saved === undefined) delete process.env.ECHO_SHARED_DATA;
      else process.env.ECHO_SHARED_DATA = saved;
    });
    afterAll(() => rmSync(folder, { recursive: true, force: true }));
    const write = (name: string, text: string) => {
      writeFileSync(join(folder, name), text);
      process.env.ECHO_SHARED_DATA = folder;
    };

    it('reads date-only times, negative numbers, exponents and CRLF line ends', () => {
      write('ok.csv', 'time,open,high,low,close,volume\r\n2004-08-19,-1.5,2e3,0.1,12345678901234567,7\r\n\r\n');
      const candles = loadCandles('ok.csv');
      expect(candles.length).toBe(1);
      expect(candles.time[0]).toBe(Date.UTC(2004, 7, 19));
      expect([candles.open[0], candles.high[0], candles.low[0], candles.close[0], candles.volume[0]]).toEqual([
        -1.5, 2000, 0.1, 12345678901234567, 7,
      ]);
    });

    it('names the file and line of a malformed row', () => {
      write('bad.csv', 'time,open,high,low,close,volume\n2024-08-01T20:18:00Z,1,2,0.5,1.5,3\n2024-08-01T20:19:00Z,1,2,abc,1.5,3\n');
      expect(() => loadCandles('bad.csv')).toThrow('bad.csv line 3: unreadable number: "2024-08-01T20:19:00Z,1,2,abc,1.5,3"');
      write('short.csv', 'time,open,high,low,close,volume\n2024-08-01T20:18:00Z,1,2,0.5,1.5\n');
      expect(() => loadCandles('short.csv')).toThrow('short.csv line 2: expected 6 comma-separated fields');
      write('time.csv', 'time,open,high,low,close,volume\n2024-13-01T20:18:00Z,1,2,0.5,1.5,3\n');
      expect(() => loadCandles('time.csv')).toThrow('time.csv line 2: unreadable time');
      write('header.csv', 'date,o,h,l,c,v\n');
      expect(() => loadCandles('header.csv')).toThrow('expected header "time,open,high,low,close,volume"');
    });

    it('says where it looked for a missing file, naming both places candles come from', () => {
      process.env.ECHO_SHARED_DATA = folder;
      expect(() => sharedDataPath('nope.csv')).toThrow(`nope.csv not found at ${join(folder, 'nope.csv')}`);
      expect(() => loadCandles('nope.csv')).toThrow(/nope\.csv not found at .*; the test suite reads the fixtures in test\/fixtures\/candles .*\.csv\.gz/);
      expect(() => loadCandles('nope.csv.gz')).toThrow(/Candle fixture nope\.csv\.gz not found in test\/fixtures\/candles .*shared data folder .*scripts\/cut-fixtures\.mjs/);
      expect(candleFileProblem('GOOG_D1_2004-08-19_2013-03-01.csv.gz')).toBeUndefined();
    });
  });

  it('gives a fixture as a plain CSV file for code that reads files, the same candles', () => {
    const name = 'XAGUSD_H1_2018-12-02_2019-07-01.csv.gz';
    const path = candleFilePath(name);
    expect(path.endsWith('XAGUSD_H1_2018-12-02_2019-07-01.csv')).toBe(true);
    expect(candleFilePath(name)).toBe(path);
    process.env.ECHO_SHARED_DATA = dirname(path);
    try {
      expect(loadCandles('XAGUSD_H1_2018-12-02_2019-07-01.csv')).toEqual(loadCandles(name));
    } finally {
      if (savedShared === undefined) delete process.env.ECHO_SHARED_DATA;
      else process.env.ECHO_SHARED_DATA = savedShared;
    }
  });
});

describeWithSharedData('loadCandles on the whole shared files (long real-data check)', SHARED_REFERENCE_FILES, () => {
  it.each(SHARED_REFERENCE_FILES)('reads every row of %s, in time order, with consistent OHLC', expectEveryRowRead);
});
