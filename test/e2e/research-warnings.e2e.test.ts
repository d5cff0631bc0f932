import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { candleFilePath } from '../kit/candles';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * A backtest that made no trades says why on screen (issue 9.1), in real Chromium against a real headless server
 * holding real gold M1 bars: $100 per trade on gold → the result view's warning banner, headed "This backtest made
 * no trades", names the refused entries, the 0.01-lot minimum and the size that would trade. With the form's own
 * defaults (all equity) gold_buy_dip on 1m trades, its % threshold shown as the 1m default.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const uiDir = join(repoRoot, 'out', 'renderer-research-warnings');
const screenshotDir = join(repoRoot, 'test-results');
const GOLD_FILE = candleFilePath('XAUUSD_M1_2025-05-15_2025-06-04.csv.gz');

let server: TestServer;
let browser: Browser;
let page: Page;
let dataDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'echo-research-warn-e2e-'));
  execFileSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts', '--outDir', uiDir, '--emptyOutDir'], { cwd: repoRoot, stdio: 'pipe' });
  execFileSync('npx', ['tsx', 'src/server/import-cli.ts', '--data-dir', dataDir, '--symbol', 'XAUUSD', '--timeframe', '1M', GOLD_FILE], { cwd: repoRoot, stdio: 'pipe' });
  server = await startTestServer({ dataDir, uiDir });
  browser = await launchChromium();
  page = await openWorkstationPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error') pageErrors.push(message.text());
  });
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('research warnings (browser)', () => {
  it('shows a warning banner on a run without trades, and the defaults trade', { timeout: 90_000 }, async () => {
    await page.goto(server.signInUrl());
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state')).toBe('connected');
    await page.getByTestId('nav-research').click();
    await page.getByTestId('backtest-form').waitFor();
    await expect.poll(() => page.getByTestId('bt-strategy').locator('option[value="confluence"]').count()).toBe(1);

    // The form's default sizing is all equity (a fixed $1,000 cannot buy 0.01 lot of gold).
    expect(await page.getByTestId('bt-sizing').inputValue()).toBe('all_equity');

    // 1. The document's $100 per trade on gold: completed, no trades, and the banner says why.
    await page.getByTestId('bt-strategy').selectOption('confluence');
    await page.getByTestId('bt-symbols').fill('XAUUSD');
    await page.getByTestId('bt-timeframe').selectOption('15m');
    await page.getByTestId('bt-start').fill('2025-05-20');
    await page.getByTestId('bt-end').fill('2025-06-04');
    await page.getByTestId('bt-sizing').selectOption('fixed_cash');
    await page.getByTestId('bt-size').fill('100');
    await page.getByTestId('bt-name').fill('gold $100');
    await page.getByTestId('bt-submit').click();
    await expect.poll(() => page.getByTestId('run-head').textContent()).toContain('gold $100');
    await expect.poll(() => page.getByTestId('run-head').getAttribute('data-status'), { timeout: 30_000 }).toBe('COMPLETED');
    const banner = page.getByTestId('run-warnings');
    await banner.waitFor();
    expect(await banner.isVisible()).toBe(true);
    expect(await page.getByTestId('run-warnings-title').textContent()).toContain('This backtest made no trades');
    const text = (await banner.textContent()) ?? '';
    expect(text).toMatch(/XAUUSD: \d+ entries were refused because the size was below the minimum lot \(LOT_TOO_SMALL\)/);
    expect(text).toContain("XAUUSD's minimum lot is 0.01 (1 XAU)");
    expect(text).toMatch(/position_size of at least \$3,\d{3}\.\d{2} with fixed_cash/);
    await page.screenshot({ path: join(screenshotDir, 'research-warning-banner.png') });

    // The walk-forward of that run: each window's out-of-sample warnings show above its results.
    await page.getByTestId('result-tab-walkforward').click();
    await page.getByTestId('wf-is').fill('7');
    await page.getByTestId('wf-oos').fill('3');
    await page.getByTestId('wf-run').click();
    await page.getByTestId('wf-windows').waitFor({ timeout: 30_000 });
    await page.getByTestId('wf-warnings').waitFor();
    expect(await page.getByTestId('wf-warnings').textContent()).toMatch(/W1 out-of-sample: XAUUSD: \d+ entr(y was|ies were) refused .*LOT_TOO_SMALL/);

    // 2. gold_buy_dip on 1m with the defaults: the threshold follows the timeframe, and the run trades.
    await page.getByTestId('bt-strategy').selectOption('gold_buy_dip');
    await page.getByTestId('bt-timeframe').selectOption('1m');
    await expect.poll(() => page.getByTestId('param-percentage_threshold').inputValue()).toBe('0.3');
    await page.getByTestId('bt-timeframe').selectOption('1h');
    await expect.poll(() => page.getByTestId('param-percentage_threshold').inputValue()).toBe('2');
    await page.getByTestId('bt-timeframe').selectOption('1m');
    await page.getByTestId('bt-sizing').selectOption('all_equity');
    await page.getByTestId('bt-start').fill('2025-05-16');
    await page.getByTestId('bt-name').fill('dip 1m defaults');
    await page.getByTestId('bt-submit').click();
    await expect.poll(() => page.getByTestId('run-head').textContent()).toContain('dip 1m defaults');
    await expect.poll(() => page.getByTestId('run-head').getAttribute('data-status'), { timeout: 30_000 }).toBe('COMPLETED');
    await page.getByTestId('stats-table').waitFor();
    const trades = Number((await page.getByTestId('stat-total_trades').locator('td').textContent()) ?? '0');
    expect(trades).toBeGreaterThan(0);
    expect(await page.getByTestId('run-settings').textContent()).toContain('percentage_threshold=0.3');

    expect(pageErrors).toEqual([]);
  });
});
