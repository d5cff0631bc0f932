#!/usr/bin/env node
// Cuts the test fixtures in test/fixtures/candles (gzip) from the real candles in ../shared/data, and copies the spec
// document the strategy tests read into test/fixtures/spec. Deterministic: the same source files give the same cuts,
// byte for byte (the rows are copied as written, never re-formatted). Writes test/fixtures/candles/README.md with
// each cut's provenance (source, range, rows, sha256 of the uncompressed cut).
//
//   node scripts/cut-fixtures.mjs            regenerate from ../shared (or ECHO_SHARED_DATA) and rewrite the README
//   node scripts/cut-fixtures.mjs --check    verify the committed fixtures are exactly what the cuts give
import { createHash } from 'node:crypto';
import { copyFileSync, existsSync, mkdirSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { gunzipSync, gzipSync } from 'node:zlib';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const sharedData = process.env.ECHO_SHARED_DATA ?? resolve(root, '../shared/data');
const sharedSpec = resolve(sharedData, '../spec');
const candleDir = join(root, 'test/fixtures/candles');
const specDir = join(root, 'test/fixtures/spec');
const HEADER = 'time,open,high,low,close,volume';

/**
 * Each cut: rows of `source` whose bar time is ≥ `from` and < `to` (ISO UTC; absent = the file's edge). The fixture's
 * name is `<SYMBOL>_<TF>_<first bar day>_<last bar day>.csv.gz`. `why` says what the tests need from it.
 */
const CUTS = [
  { source: 'XAUUSD_M1_2024-08_2024-10.csv', why: 'gold_buy_dip / simple_ma / confluence rule checks, backtest parity, research API (1M optimization over Aug–Oct), indicator references (catastrophic-cancellation case), CSV reader, source clock (London)' },
  { source: 'XAUUSD_H1_2018-04_2026-05.csv', to: '2021-01-01', why: 'gold_buy_dip defaults on H1, research prepare / walk-forward windows over 2019, research API (2018-11 … 2020-01), source clock (NY+7 across DST changes)' },
  { source: 'XAUUSD_M1_2025-05_2025-06.csv', why: 'research e2e (browser) imports it; import CLI warns M1 bars are finer than 1H' },
  { source: 'XAUUSD_M1_2026-03_2026-05.csv', to: '2026-03-26', why: 'import CLI end to end: its first bars are overlapped by a patch file' },
  { source: 'XAGUSD_H1_2018-04_2026-05.csv', from: '2018-12-01', to: '2019-07-02', why: 'contract parity: research jobs on silver H1 Dec 2018 – Jun 2019 (the test finds the first bar of July)' },
  { source: 'EURUSD_M1_2020-04_2020-06.csv', to: '2020-05-23', why: 'simple_ma rule checks (TP/SL, trailing stop, crossovers) and backtest trade-by-trade check' },
  { source: 'USDJPY_M1_2017-01_2017-02.csv', why: 'simple_ma on a JPY quote (risk sizing, TP/SL, EMA)' },
  { source: 'EURUSD_H1_2017-04_2018-02.csv', why: 'research runner (optimizations, walk-forward) on 5,000 H1 bars' },
  { source: 'EURUSD_M1_2018-06.csv', to: '2018-06-09', why: 'indicator references (5 decimals, quiet nights with flat windows), source clock (NY+7)' },
  { source: 'BTCUSDT_M1_2023-03_2023-05.csv', from: '2023-03-27', to: '2023-04-05', why: 'indicator references (fractional volumes), ccxt emulator candles (download of 2023-04-01)' },
  { source: 'BTCUSDT_H1_2017-08_2022-10.csv', from: '2018-11-01', to: '2021-12-01', why: 'backtest API (2019–2020 and the spec examples on 2021), research API (2020-07 … 2021-11), simple_ma / confluence trade checks' },
  { source: 'GOOG_D1_2004-08_2013-03.csv', why: 'daily bars with date-only times, indicator references and conventions, the classic SmaCross' },
];
const SPEC_FILES = ['forex-echo-backend-api.md'];

const check = process.argv.includes('--check');
const sha256 = (data) => createHash('sha256').update(data).digest('hex');
const day = (line) => line.slice(0, 10);

function cut({ source, from, to }) {
  const path = join(sharedData, source);
  if (!existsSync(path)) throw new Error(`${source} not found in ${sharedData} (set ECHO_SHARED_DATA to the shared data folder)`);
  const lines = readFileSync(path, 'latin1').split('\n');
  if (lines[0].trim() !== HEADER) throw new Error(`${source}: unexpected header ${lines[0]}`);
  const rows = lines.slice(1).filter((line) => line.trim() !== '' && (!from || line >= from) && (!to || line < to));
  if (rows.length === 0) throw new Error(`${source}: the cut ${from ?? 'start'} … ${to ?? 'end'} is empty`);
  const text = `${HEADER}\n${rows.join('\n')}\n`;
  const [symbol, timeframe] = source.split('_');
  const name = `${symbol}_${timeframe}_${day(rows[0])}_${day(rows.at(-1))}.csv.gz`;
  return { name, text, rows: rows.length, sourceRows: lines.slice(1).filter((l) => l.trim() !== '').length, first: rows[0].split(',')[0], last: rows.at(-1).split(',')[0] };
}

const results = CUTS.map((c) => ({ ...c, ...cut(c) }));
let failures = 0;
if (check) {
  for (const r of results) {
    const path = join(candleDir, r.name);
    const ok = existsSync(path) && sha256(gunzipSync(readFileSync(path))) === sha256(r.text);
    if (!ok) failures++;
    console.log(`${ok ? 'ok  ' : 'DIFF'} ${r.name}`);
  }
  for (const f of SPEC_FILES) {
    const ok = existsSync(join(specDir, f)) && sha256(readFileSync(join(specDir, f))) === sha256(readFileSync(join(sharedSpec, f)));
    if (!ok) failures++;
    console.log(`${ok ? 'ok  ' : 'DIFF'} spec/${f}`);
  }
  process.exit(failures ? 1 : 0);
}

mkdirSync(candleDir, { recursive: true });
mkdirSync(specDir, { recursive: true });
for (const old of readdirSync(candleDir).filter((f) => f.endsWith('.csv.gz'))) rmSync(join(candleDir, old));
let total = 0;
for (const r of results) {
  const gz = gzipSync(Buffer.from(r.text, 'latin1'), { level: 9 });
  writeFileSync(join(candleDir, r.name), gz);
  r.gzBytes = gz.length;
  total += gz.length;
}
for (const f of SPEC_FILES) copyFileSync(join(sharedSpec, f), join(specDir, f));

const kb = (n) => `${(n / 1024).toFixed(0)} KB`;
const range = (r) => (r.from || r.to ? `${r.from ?? 'start'} ≤ time < ${r.to ?? 'end'}` : 'whole file');
const readme = `# Candle fixtures

Real market candles for the test suite, cut from the shared data folder (\`../shared/data\`, see its README for the
sources and time zones) so that \`npm test\` runs on a fresh clone without it. Rows are copied exactly as written there
(same layout \`${HEADER}\`, UTC times); only the range is cut. Read them with \`loadCandles('<name>.csv.gz')\` or
\`candleFilePath('<name>.csv.gz')\` from \`test/kit/candles.ts\`; a name ending in \`.csv\` means the whole file in the
shared folder (benchmarks and long real-data checks, skipped with a message when the folder is absent).

Regenerate (deterministic) with \`node scripts/cut-fixtures.mjs\`; verify with \`node scripts/cut-fixtures.mjs --check\`.
The sha256 is of the uncompressed cut (the gzip bytes may differ by zlib build).

| fixture | source file | cut (bar open time, UTC) | rows (of source) | first bar | last bar | sha256 of the cut | gz size | used for |
|---|---|---|---:|---|---|---|---:|---|
${results.map((r) => `| \`${r.name}\` | \`${r.source}\` | ${range(r)} | ${r.rows.toLocaleString('en-US')} (of ${r.sourceRows.toLocaleString('en-US')}) | ${r.first} | ${r.last} | \`${sha256(r.text)}\` | ${kb(r.gzBytes)} | ${r.why} |`).join('\n')}

Total: ${results.length} files, ${kb(total)} compressed.

\`../spec/forex-echo-backend-api.md\` is copied unchanged to \`test/fixtures/spec/\` (the gold_buy_dip parameter table and
examples are checked against it); sha256 ${SPEC_FILES.map((f) => `\`${sha256(readFileSync(join(sharedSpec, f)))}\``).join(', ')}.
`;
writeFileSync(join(candleDir, 'README.md'), readme);
for (const r of results) console.log(`${r.name}: ${r.rows} rows, ${kb(r.gzBytes)}`);
console.log(`total ${kb(total)}`);
