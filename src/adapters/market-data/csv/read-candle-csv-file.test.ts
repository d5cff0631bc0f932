import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { candleFilePath, loadCandles } from '../../../../test/kit/candles';
import { readCandleCsvFile, type ReadProgress } from './read-candle-csv-file';

const dir = mkdtempSync(join(tmpdir(), 'echo-csv-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('readCandleCsvFile', () => {
  it('streams a real file to exactly the values written in it, reporting progress', async () => {
    const name = 'XAUUSD_M1_2024-08-01_2024-10-11.csv.gz';
    const progress: ReadProgress[] = [];
    const r = await readCandleCsvFile(candleFilePath(name), { onProgress: (p) => progress.push(p) });
    const expected = loadCandles(name); // the test kit's independent reader
    expect(r.rowsRead).toBe(68_943);
    expect(r.badRowCount).toBe(0);
    expect(r.series.length).toBe(expected.length);
    for (const f of ['time', 'open', 'high', 'low', 'close', 'volume'] as const) {
      expect(Buffer.from(r.series[f].buffer).equals(Buffer.from(expected[f].buffer)), f).toBe(true);
    }
    expect(progress.length).toBeGreaterThan(1);
    expect(progress.at(-1)).toEqual({ bytesRead: readFileSync(candleFilePath(name)).length, totalBytes: readFileSync(candleFilePath(name)).length });
  });

  it('reads date-only times (GOOG daily)', async () => {
    const r = await readCandleCsvFile(candleFilePath('GOOG_D1_2004-08-19_2013-03-01.csv.gz'));
    expect(r.series.length).toBe(2_148);
    expect(r.series.time[0]).toBe(Date.parse('2004-08-19T00:00:00Z'));
  });

  it('reads the UTF-16LE text MT5 export writes, and a last line without newline', async () => {
    const file = join(dir, 'XAUUSD_M1.csv');
    const text =
      '\uFEFF<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>\r\n' +
      '2024.08.01\t20:18:00\t2441.14\t2441.29\t2440.93\t2441.05\t72\t0\t12\r\n' +
      '2024.08.01\t20:19:00\t2441.07\t2441.10\t2440.40\t2440.44\t70\t0\t12';
    writeFileSync(file, Buffer.from(text, 'utf16le'));
    const r = await readCandleCsvFile(file);
    expect(r.layout.kind).toBe('mt5-header');
    expect(Array.from(r.series.close)).toEqual([2441.05, 2440.44]);
  });

  it('counts line numbers across read chunks', async () => {
    const file = join(dir, 'big.csv');
    const lines = ['time,open,high,low,close,volume'];
    const t0 = Date.parse('2024-01-01T00:00:00Z');
    for (let i = 0; i < 60_000; i++) lines.push(`${new Date(t0 + i * 60_000).toISOString()},1.5,2.25,1.25,2,${i}`);
    lines[45_001] = 'broken';
    writeFileSync(file, lines.join('\n'));
    const r = await readCandleCsvFile(file);
    expect(r.series.length).toBe(59_999);
    expect(r.badRows).toEqual([{ line: 45_002, reason: 'expected at least 6 fields, found 1', text: 'broken' }]);
  });
});
