import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, describe, expect, it } from 'vitest';
import { candleFilePath } from '../../test/kit/candles';
import { createSqliteCandleStore } from '../adapters/persistence/sqlite/candle-store';
import { DATABASE_FILE, openDatabase } from '../adapters/persistence/sqlite/database';
import { runImportCli, type CliIo } from './import-cli';

const repo = resolve(import.meta.dirname, '..', '..');
const root = mkdtempSync(join(tmpdir(), 'echo-import-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let n = 0;
const freshDir = () => join(root, `data-${++n}`);

function storedIn(dataDir: string) {
  const db = openDatabase(join(dataDir, DATABASE_FILE));
  try {
    const store = createSqliteCandleStore(db);
    return { list: store.list(), xau: store.load('XAUUSD', '1M') };
  } finally {
    db.close();
  }
}

async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let out = '';
  let err = '';
  const io: CliIo = { out: (t) => (out += t), err: (t) => (err += t), isTTY: false, env, cwd: root };
  const code = await runImportCli(argv, io);
  return { code, out, err };
}

function write(name: string, text: string): string {
  const file = join(root, name);
  writeFileSync(file, text);
  return file;
}

const utc = (iso: string) => Date.parse(iso);
const MT5_HEADER = '<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>';

describe('npm run import', () => {
  it('imports a real file end to end (spawned), merges an overlapping file and reports its bad rows by line', async () => {
    const dataDir = freshDir();
    const real = candleFilePath('XAUUSD_M1_2026-03-24_2026-03-25.csv.gz'); // 1,916 rows (test/fixtures/candles/README.md)
    // Overlaps the real file's first two bars (replacing them), adds one new bar, and has two bad rows.
    const patch = write(
      'patch.csv',
      [
        'time,open,high,low,close,volume',
        '2026-03-24T14:00:00Z,4381.5,4387.04,4380.75,4386.67,612',
        '2026-03-24T14:01:00Z,4387.12,4391.36,4384.9,4384.98,593',
        '2026-03-24T13:59:00Z,4380,4382,4379.5,4381.49,10',
        '2026-03-24T14:02:00Z,4387,4386,4384,4385,1',
        'not a time,1,1,1,1,1',
      ].join('\n'),
    );
    const { stdout, stderr } = await promisify(execFile)(
      'npx',
      ['tsx', 'src/server/import-cli.ts', '--data-dir', dataDir, '--symbol', 'XAUUSD', '--timeframe', '1M', real, patch],
      { cwd: repo },
    );
    expect(stderr).toBe('');
    expect(stdout).toContain('XAUUSD_M1_2026-03-24_2026-03-25.csv: 1,916 rows, 1,916 imported, 0 duplicates merged, 0 bad rows');
    expect(stdout).toContain('patch.csv: 5 rows, 3 imported, 2 duplicates merged, 2 bad rows');
    expect(stdout).toContain('Source clock: UTC (default)');
    expect(stdout).toMatch(/rows read: +1,921/);
    expect(stdout).toMatch(/imported: +1,919 bars \(1,917 new, 2 replaced stored bars\)/);
    expect(stdout).toContain('patch.csv line 5: high is below open or close');
    expect(stdout).toContain('patch.csv line 6: time "not a time" is not a date/time');
    expect(stdout).toMatch(/first bar: +2026-03-24 13:59 UTC/);
    expect(stdout).toMatch(/last bar: +2026-03-25 23:59 UTC/);
    expect(stdout).toMatch(/stored now: +XAUUSD 1M: 1,917 bars/);
    expect(stdout).toMatch(/time taken: +\d+\.\d s/);
    const stored = storedIn(dataDir);
    expect(stored.list).toMatchObject([{ symbol: 'XAUUSD', timeframe: '1M', count: 1_917 }]);
    expect(stored.xau.open[1]).toBe(4381.5); // the patch's bar replaced the stored one
    expect(stored.xau.volume[1]).toBe(612);
  });

  it('imports an MT5 export with a broker clock offset, and the header-less MT4 layout', async () => {
    const dataDir = freshDir();
    const mt5 = write(
      'XAUUSD_M1.mt5.csv',
      `${MT5_HEADER}\n2024.08.01\t23:18:00\t2441.14\t2441.29\t2440.93\t2441.05\t72\t0\t12\n2024.08.01\t23:19:00\t2441.07\t2441.10\t2440.40\t2440.44\t70\t0\t12\n`,
    );
    const mt4 = write('XAUUSD1.mt4.csv', '2024.08.01,23:20,2440.44,2440.9,2440.1,2440.5,55\n');
    const r = await run(['--data-dir', dataDir, '--symbol', 'xauusd', '--timeframe', 'M1', '--utc-offset', '+3', mt5, mt4]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Source clock: UTC+3');
    expect(r.out).toContain('layout: MetaTrader 5 export');
    expect(r.out).toContain('layout: MetaTrader-style CSV without header');
    expect(Array.from(storedIn(dataDir).xau.time)).toEqual(
      ['2024-08-01T20:18:00Z', '2024-08-01T20:19:00Z', '2024-08-01T20:20:00Z'].map((t) => Date.parse(t)),
    );
  });

  it('follows the DST of an NY+7 broker clock with --timezone', async () => {
    const dataDir = freshDir();
    const file = write('EURUSD_M1.ny7.csv', '2024.01.15,10:00,1.1,1.2,1.0,1.1,5\n2024.07.15,10:00,1.1,1.2,1.0,1.1,5\n');
    const r = await run(['--data-dir', dataDir, '--symbol', 'XAUUSD', '--timeframe', '1M', '--timezone', 'NY+7', file]);
    expect(r.code).toBe(0);
    expect(r.out).toContain('Source clock: America/New_York+7h');
    expect(Array.from(storedIn(dataDir).xau.time)).toEqual([utc('2024-01-15T08:00:00Z'), utc('2024-07-15T07:00:00Z')]);
  });

  it('uses ECHO_DATA_DIR when --data-dir is not given', async () => {
    const dataDir = freshDir();
    const r = await run(['--symbol', 'XAUUSD', '--timeframe', '1M', write('one.csv', 'time,open,high,low,close,volume\n2024-08-01T20:18:00Z,1,2,0.5,1.5,3\n')], {
      ECHO_DATA_DIR: dataDir,
    });
    expect(r.code).toBe(0);
    expect(storedIn(dataDir).xau.length).toBe(1);
  });

  it.each([
    [['--symbol', 'XAUUSD', '--timeframe', '1M', 'missing.csv'], /File not found: missing\.csv/],
    [['--symbol', 'XAUUSD', '--timeframe', '2M', 'x.csv'], /Unknown timeframe "2M": use one of 1M, 5M, 15M, 1H, 4H, 1D/],
    [['--symbol', 'XAU USD', '--timeframe', '1M', 'x.csv'], /Invalid symbol "XAU USD"/],
    [['--timeframe', '1M', 'x.csv'], /--symbol is required/],
    [['--symbol', 'XAUUSD', '--timeframe', '1M', '--utc-offset', 'NY', 'x.csv'], /Invalid --utc-offset "NY"/],
    [['--symbol', 'XAUUSD', '--timeframe', '1M', '--timezone', 'Mars/Olympus', 'x.csv'], /Unknown --timezone "Mars\/Olympus"/],
    [['--symbol', 'XAUUSD', '--timeframe', '1M', '--timezone', 'NY+7', '--utc-offset', '+3', 'x.csv'], /not both/],
    [['--symbol', 'XAUUSD', '--timeframe', '1M'], /No input file given/],
    [['--symbol', 'XAUUSD', '--timeframe', '1M', '--bogus', 'x.csv'], /Unknown option --bogus/],
  ])('refuses %j with exit code 2 before touching the store', async (argv, message) => {
    const dataDir = freshDir();
    const r = await run(['--data-dir', dataDir, ...argv]);
    expect(r.code).toBe(2);
    expect(r.err).toMatch(message);
    expect(r.err).toContain('Usage: npm run import');
    expect(r.out).toBe('');
  });

  it('exits 1 naming an unusable file, after importing the usable ones', async () => {
    const dataDir = freshDir();
    const junk = write('junk.csv', 'hello world\n');
    const allBad = write('all-bad.csv', 'time,open,high,low,close,volume\nx,1,1,1,1,1\n');
    const good = write('good.csv', 'time,open,high,low,close,volume\n2024-08-01T20:18:00Z,1,2,0.5,1.5,3\n');
    const r = await run(['--data-dir', dataDir, '--symbol', 'XAUUSD', '--timeframe', '1M', junk, allBad, good]);
    expect(r.code).toBe(1);
    expect(r.err).toContain('2 file(s) could not be imported');
    expect(r.err).toMatch(/junk\.csv: Unrecognised layout/);
    expect(r.err).toMatch(/all-bad\.csv: no valid bars/);
    expect(storedIn(dataDir).xau.length).toBe(1);
  });

  it('warns when the bars are finer than the timeframe given', async () => {
    const r = await run(['--data-dir', freshDir(), '--symbol', 'XAUUSD', '--timeframe', '1H', candleFilePath('XAUUSD_M1_2025-05-15_2025-06-04.csv.gz')]);
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/warning: \d+% of consecutive bars are closer than 1H/);
  });
});
