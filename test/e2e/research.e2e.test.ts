import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { candleFilePath } from '../kit/candles';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The Research workspace, through the real UI in Chromium against a real headless server whose candle store holds
 * real gold M1 data (imported with the CLI first): run simple_ma from the form → progress bar → statistics, the
 * equity/drawdown chart, trade rows, the price chart with entries and exits → Monte Carlo histogram → walk-forward
 * windows → a second run compared side by side with the first.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
// Our own build of the UI: other suites may be rebuilding out/renderer at the same time.
const uiDir = join(repoRoot, 'out', 'renderer-research');
const screenshotDir = join(repoRoot, 'test-results');
const GOLD_FILE = candleFilePath('XAUUSD_M1_2025-05-15_2025-06-04.csv.gz'); // the whole shared file, as a fixture

let server: TestServer;
let browser: Browser;
let page: Page;
let dataDir: string;
const pageErrors: string[] = [];

function shot(name: string): Promise<Buffer> {
  return page.screenshot({ path: join(screenshotDir, name), fullPage: false });
}

/** Pixels drawn on a chart's canvas (non-transparent): proof that ECharts painted something. */
function drawnPixels(testId: string): Promise<number> {
  return page.evaluate((id) => {
    const canvas = document.querySelector(`[data-testid="${id}"] canvas`) as HTMLCanvasElement | null;
    const ctx = canvas?.getContext('2d');
    if (!canvas || !ctx || canvas.width === 0) return 0;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4 * 5) if ((data[i] as number) > 0) drawn++;
    return drawn * 5;
  }, testId);
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'echo-research-e2e-'));
  execFileSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--outDir', uiDir, '--emptyOutDir'], { cwd: repoRoot, stdio: 'pipe' });
  execFileSync('npx', ['tsx', 'src/server/import-cli.ts', '--data-dir', dataDir, '--symbol', 'XAUUSD', '--timeframe', '1M', GOLD_FILE], { cwd: repoRoot, stdio: 'pipe' });
  server = await startTestServer({ dataDir, uiDir });
  browser = await launchChromium();
  page = await openWorkstationPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('research workspace (browser)', () => {
  it('runs simple_ma on gold M1 from the form and shows progress, statistics, equity, trades, price chart, Monte Carlo, walk-forward and a comparison', { timeout: 90_000 }, async () => {
    await page.goto(server.signInUrl());
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state')).toBe('connected');
    await page.getByTestId('nav-research').click();
    await page.getByTestId('backtest-form').waitFor();

    // 1. The form is built from the strategy catalogue: simple_ma with every parameter and its default.
    await expect.poll(() => page.getByTestId('bt-strategy').locator('option[value="simple_ma"]').count()).toBe(1);
    await page.getByTestId('bt-strategy').selectOption('simple_ma');
    await expect.poll(() => page.getByTestId('param-fast_period').inputValue()).toBe('10');
    expect(await page.getByTestId('param-slow_period').inputValue()).toBe('20');
    await page.getByTestId('bt-symbols').fill('XAUUSD');
    await page.getByTestId('bt-timeframe').selectOption('1m');
    await page.getByTestId('bt-start').fill('2025-05-16');
    await page.getByTestId('bt-end').fill('2025-06-04');
    await page.getByTestId('bt-spread').fill('20');
    await page.getByTestId('bt-comm-lot').fill('3.5');
    await page.getByTestId('bt-sizing').selectOption('fixed_lots');
    await page.getByTestId('bt-size').fill('0.1');
    await page.getByTestId('bt-name').fill('MA 10/20 gold');
    await shot('research-1-form.png');

    // 2. Submit: the run header appears with its progress bar until it completes.
    await page.getByTestId('bt-submit').click();
    await page.getByTestId('run-head').waitFor();
    const sawProgress = await page
      .getByTestId('run-progress')
      .waitFor({ timeout: 5_000 })
      .then(() => true)
      .catch(() => false);
    if (sawProgress) await shot('research-2-progress.png');
    await expect.poll(() => page.getByTestId('run-head').getAttribute('data-status'), { timeout: 30_000 }).toBe('COMPLETED');
    expect(sawProgress || (await page.getByTestId('run-head').getAttribute('data-status')) === 'COMPLETED').toBe(true);

    // 3. Results: statistics with their definitions, the equity/drawdown chart drawn.
    await page.getByTestId('stats-table').waitFor();
    const trades = Number((await page.getByTestId('stat-total_trades').locator('td').textContent()) ?? '0');
    expect(trades).toBeGreaterThan(0);
    expect(await page.getByTestId('stat-sharpe_ratio').locator('th').getAttribute('title')).toContain('daily returns');
    await expect.poll(() => drawnPixels('equity-chart')).toBeGreaterThan(500);
    await shot('research-3-overview.png');

    // 4. Trades grid: at least one row; a click opens the price chart on that trade with entries and exits.
    await page.getByTestId('result-tab-trades').click();
    await expect.poll(() => page.getByTestId('trades-grid').getAttribute('data-rows')).toBe(String(trades));
    await page.getByTestId('trade-row-1').waitFor();
    await shot('research-4-trades.png');
    // The trades as a CSV file: one row per trade after the header.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByTestId('export-trades-csv').click()]);
    expect(download.suggestedFilename()).toMatch(/^backtest-\d+-trades\.csv$/);
    const csv = readFileSync(await download.path(), 'utf8');
    expect(csv.startsWith('trade_id,symbol,direction,entry_time')).toBe(true);
    expect(csv.trim().split('\r\n')).toHaveLength(trades + 1);
    await page.getByTestId('trade-row-2').click();
    await expect.poll(() => page.getByTestId('price-chart').getAttribute('data-bars').then(Number), { timeout: 15_000 }).toBeGreaterThan(1000);
    expect(Number(await page.getByTestId('price-chart').getAttribute('data-entries'))).toBe(trades);
    await expect.poll(() => drawnPixels('price-chart')).toBeGreaterThan(2000);
    await shot('research-5-price-chart.png');

    // 5. Monte Carlo on the run's trades: histogram with confidence bands.
    await page.getByTestId('result-tab-montecarlo').click();
    await page.getByTestId('mc-run').click();
    await page.getByTestId('mc-stats').waitFor({ timeout: 20_000 }).catch(async (e) => { await shot('research-debug-mc.png'); throw e; });
    await expect.poll(() => drawnPixels('mc-chart')).toBeGreaterThan(500);
    await shot('research-6-montecarlo.png');

    // 6. Walk-forward of the same setup: 7-day in-sample, 3-day out-of-sample windows, fast_period optimized.
    await page.getByTestId('result-tab-walkforward').click();
    await page.getByTestId('wf-run').click();
    await page.getByTestId('wf-windows').waitFor({ timeout: 30_000 });
    expect(await page.getByTestId('wf-windows').locator('tbody tr').count()).toBeGreaterThan(1);
    await expect.poll(() => drawnPixels('wf-chart')).toBeGreaterThan(500);
    await shot('research-7-walkforward.png');

    // 7. A second run (slower averages) and a side-by-side comparison.
    await page.getByTestId('param-fast_period').fill('20');
    await page.getByTestId('param-slow_period').fill('50');
    await page.getByTestId('bt-name').fill('MA 20/50 gold');
    await page.getByTestId('bt-submit').click();
    await expect.poll(() => page.getByTestId('run-head').textContent()).toContain('MA 20/50 gold');
    await expect.poll(() => page.getByTestId('run-head').getAttribute('data-status'), { timeout: 30_000 }).toBe('COMPLETED');
    await expect.poll(() => page.locator('[data-testid^="run-compare-"]:not([disabled])').count(), { timeout: 10_000 }).toBe(2);
    const boxes = page.locator('[data-testid^="run-compare-"]');
    await boxes.nth(0).check();
    await boxes.nth(1).check();
    await page.getByTestId('compare-open').click();
    await page.getByTestId('compare-table').waitFor();
    expect(await page.getByTestId('compare-table').textContent()).toContain('MA 10/20 gold');
    await expect.poll(() => drawnPixels('compare-chart')).toBeGreaterThan(500);
    await shot('research-8-compare.png');

    // 8. A 15-minute run over the M1 import: its price chart is the stored M1 history aggregated to 15 minutes, over
    //    the run's whole range (not blank because nothing is stored at 15M, not cut where a live replay stands).
    await page.getByTestId('bt-timeframe').selectOption('15m');
    await page.getByTestId('param-fast_period').fill('5');
    await page.getByTestId('param-slow_period').fill('12');
    await page.getByTestId('bt-name').fill('MA 5/12 gold 15m');
    await page.getByTestId('bt-submit').click();
    await expect.poll(() => page.getByTestId('run-head').textContent()).toContain('MA 5/12 gold 15m');
    await expect.poll(() => page.getByTestId('run-head').getAttribute('data-status'), { timeout: 30_000 }).toBe('COMPLETED');
    await page.getByTestId('result-tab-trades').click();
    await page.getByTestId('trade-row-1').click();
    // 2025-05-16 … 2025-06-04 is about 1,300 bars of 15 minutes (about 20,000 of one minute).
    await expect.poll(() => page.getByTestId('price-chart').getAttribute('data-bars').then(Number), { timeout: 15_000 }).toBeGreaterThan(1_000);
    expect(Number(await page.getByTestId('price-chart').getAttribute('data-bars'))).toBeLessThan(2_000);
    await expect.poll(() => drawnPixels('price-chart')).toBeGreaterThan(2000);
    await shot('research-9-price-chart-15m.png');

    expect(pageErrors).toEqual([]);
  });
});
