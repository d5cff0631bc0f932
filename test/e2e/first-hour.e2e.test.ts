import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { builtUiDir } from '../kit/ui';
import { candleFilePath } from '../kit/candles';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * A new trader's first hour (issue 9), as one walk through the real UI: import M1 gold with the README's command →
 * start a 15M task that trades on those prices (not SIMULATED) → see one price for gold in the market watch, the
 * task and its position → buy and close by hand → run a backtest with the form's defaults, which trades.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const uiDir = builtUiDir();
const screenshotDir = join(repoRoot, 'test-results');
const GOLD_FILE = candleFilePath('XAUUSD_M1_2025-05-15_2025-06-04.csv.gz');

let server: TestServer;
let browser: Browser;
let page: Page;
let dataDir: string;
const pageErrors: string[] = [];

const attr = async (testId: string, name: string) => Number(await page.getByTestId(testId).getAttribute(name));
/** The first number with a decimal point in a text: "XAUUSD 3,301.42 +0.1%" → 3301.42. */
const firstPrice = (text: string | null) => Number(/(\d[\d,]*\.\d+)/.exec(text ?? '')?.[1]?.replace(/,/g, '') ?? Number.NaN);

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  dataDir = mkdtempSync(join(tmpdir(), 'echo-first-hour-'));
  // The README's import command, into the folder the server then uses.
  execFileSync('npx', ['tsx', 'src/server/import-cli.ts', '--data-dir', dataDir, '--symbol', 'XAUUSD', '--timeframe', '1M', GOLD_FILE], { cwd: repoRoot, stdio: 'pipe' });
  process.env.ECHO_FEED_SPEED = '300';
  server = await startTestServer({ uiDir, dataDir });
  browser = await launchChromium();
  page = await openWorkstationPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 180_000);

afterAll(async () => {
  delete process.env.ECHO_FEED_SPEED;
  await browser?.close();
  await server?.stop();
  rmSync(dataDir, { recursive: true, force: true });
});

describe("a new trader's first hour (browser)", () => {
  it('imported gold → a 15M task that trades on it → one price → manual buy and close → a default backtest that trades', { timeout: 150_000 }, async () => {
    await page.goto(server.signInUrl());
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state')).toBe('connected');

    // 1. A session and a 15M simple_ma task on the imported gold.
    await page.getByTestId('nav-trading').click();
    await page.getByTestId('session-user').fill('first_hour');
    await page.getByTestId('session-create').click();
    await expect.poll(async () => (await page.getByTestId('session-select').locator('option:checked').textContent()) ?? '').toContain('first_hour');
    await page.getByTestId('start-pair').selectOption('XAUUSD');
    await page.getByTestId('start-timeframe').selectOption('15M');
    await page.getByTestId('start-strategy').selectOption('simple_ma');
    await page.getByTestId('param-fast_period').fill('2');
    await page.getByTestId('param-slow_period').fill('5');
    await page.getByTestId('start-submit').click();
    await expect.poll(() => page.getByTestId('start-feedback').getAttribute('data-state'), { timeout: 10_000 }).toBe('success');
    expect(await page.getByTestId('start-feedback').textContent()).not.toContain('SIMULATED');

    // 2. It trades on the imported prices (2025 gold, around 3,200–3,400), not on a simulation.
    await page.getByTestId('live-tab-trades').click();
    await expect.poll(() => attr('trades-grid', 'data-rows'), { timeout: 60_000 }).toBeGreaterThan(0);
    const trades = (await server.call('GET', '/api/trading/trades?task_id=1')).body.data.trades as { entry_price: number; entry_time: string }[];
    expect(trades[0]!.entry_time.startsWith('2025-')).toBe(true);
    expect(trades[0]!.entry_price).toBeGreaterThan(3000);
    expect(trades[0]!.entry_price).toBeLessThan(3600);

    // 3. One price: with the feed all but stopped, the market watch shows the price the task trades at.
    const session = await page.getByTestId('session-select').inputValue();
    const taskPrice = async () => ((await server.call('GET', `/api/dynamic-trading/${session}/tasks`)).body.data.tasks?.[0]?.last_price ?? null) as number | null;
    await server.call('POST', '/api/market/feed', { bars_per_second: 0.0001 });
    const frozen = await taskPrice();
    expect(frozen).toBeGreaterThan(3000);
    await expect.poll(async () => firstPrice(await page.getByTestId('watch-XAUUSD').textContent()), { timeout: 10_000 }).toBe(frozen);

    // 4. Buy by hand from the ticket (it fills at the next bar: the feed runs again), value it at the same price, close it.
    await server.call('POST', '/api/market/feed', { bars_per_second: 300 });
    await expect.poll(() => page.getByTestId('order-ticket').getAttribute('data-task')).toBe('1');
    await page.getByTestId('order-lots').fill('0.01');
    await page.getByTestId('order-buy').click();
    await expect.poll(() => page.getByTestId('order-feedback').getAttribute('data-state'), { timeout: 30_000 }).toBe('success');
    const manualId = /\((E1-m[0-9a-z]+)\)/.exec((await page.getByTestId('order-feedback').textContent()) ?? '')?.[1] as string;
    expect(manualId).toBeDefined();
    // Submitted now, filled at the next bar's open: its position appears, then the feed is stopped again.
    const openIds = async () => ((await server.call('GET', '/api/trading/positions')).body.data.positions as { position_id: string }[]).map((p) => p.position_id);
    const closedManual = async () => ((await server.call('GET', '/api/trading/trades?task_id=1&limit=10000')).body.data.trades as { position_id: string; exit_reason: string }[]).find((t) => t.position_id === manualId);
    await expect.poll(async () => (await openIds()).includes(manualId) || (await closedManual()) !== undefined, { timeout: 30_000 }).toBe(true);
    // The strategy keeps trading (at 300 bars/s it crosses many times a second) and never closes the trader's position.
    const strategyTrades = async () => (await server.call('GET', '/api/trading/trades?task_id=1&limit=1')).body.data.total_count as number;
    const before = await strategyTrades();
    await expect.poll(strategyTrades, { timeout: 15_000 }).toBeGreaterThan(before + 3);
    expect(await closedManual(), 'the manual position must stay open until the trader closes it').toBeUndefined();
    await server.call('POST', '/api/market/feed', { bars_per_second: 0.0001 });
    await page.getByTestId('live-tab-positions').click();
    await page.getByTestId(`position-row-${manualId}`).waitFor({ timeout: 10_000 });
    const held = await taskPrice();
    const manual = ((await server.call('GET', '/api/trading/positions')).body.data.positions as { position_id: string; current_price: number }[]).find((p) => p.position_id === manualId);
    expect(manual?.current_price).toBe(held);
    await expect.poll(async () => firstPrice(await page.getByTestId('watch-XAUUSD').textContent()), { timeout: 10_000 }).toBe(held);
    await page.screenshot({ path: join(screenshotDir, 'first-hour-trading.png') });
    await server.call('POST', '/api/market/feed', { bars_per_second: 5 });
    await page.getByTestId(`position-close-${manualId}`).click();
    await expect.poll(() => page.getByTestId('position-close-feedback').getAttribute('data-state'), { timeout: 30_000 }).not.toBeNull();
    expect(await page.getByTestId('position-close-feedback').textContent()).toMatch(new RegExp(`^Position ${manualId} closed at \\d`));
    await expect.poll(() => page.getByTestId(`position-row-${manualId}`).count(), { timeout: 10_000 }).toBe(0);

    // 5. A backtest with the form's defaults (only the market and the range chosen) trades.
    await page.getByTestId('nav-research').click();
    await page.getByTestId('backtest-form').waitFor();
    await page.getByTestId('bt-symbols').fill('XAUUSD');
    await page.getByTestId('bt-timeframe').selectOption('15m');
    await page.getByTestId('bt-start').fill('2025-05-16');
    await page.getByTestId('bt-end').fill('2025-06-04');
    await page.getByTestId('bt-submit').click();
    await page.getByTestId('run-head').waitFor();
    await expect.poll(() => page.getByTestId('run-head').getAttribute('data-status'), { timeout: 60_000 }).toBe('COMPLETED');
    const total = Number((await page.getByTestId('stat-total_trades').locator('td').textContent()) ?? '0');
    expect(total).toBeGreaterThan(0);
    await page.screenshot({ path: join(screenshotDir, 'first-hour-backtest.png') });
    expect(pageErrors).toEqual([]);
  });
});
