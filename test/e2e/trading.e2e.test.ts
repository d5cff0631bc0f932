import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The Trading workspace, through the real UI in Chromium against a real headless server on a fast simulated feed:
 * create a session → start simple_ma from the parameter form (after a range error is caught before submitting) →
 * the chart draws candles, its moving averages and trade markers → the position and trades reach the grids →
 * zoom/pan leaves live mode and loads older bars → stop the task from its row.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const uiDir = join(repoRoot, 'out', 'renderer');
const screenshotDir = join(repoRoot, 'test-results');
const USER = 'trader_ui';

let server: TestServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

function shot(name: string): Promise<Buffer> {
  return page.screenshot({ path: join(screenshotDir, name), fullPage: false });
}

const attr = async (testId: string, name: string) => Number(await page.getByTestId(testId).getAttribute(name));

/** Pixels of the chart canvas that differ from its background: proof that something was drawn. */
function drawnPixels(): Promise<number> {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="candle-chart"] canvas') as HTMLCanvasElement | null;
    if (!canvas) return 0;
    const ctx = canvas.getContext('2d');
    if (!ctx) return 0;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let drawn = 0;
    for (let i = 3; i < data.length; i += 4 * 7) if ((data[i] as number) > 0) drawn++;
    return drawn * 7;
  });
}

/** Pixels of the candle colours (green #2ebd85 / red #f0544f, within a tolerance) on the chart canvas. */
function candlePixels(): Promise<{ green: number; red: number }> {
  return page.evaluate(() => {
    const canvas = document.querySelector('[data-testid="candle-chart"] canvas') as HTMLCanvasElement;
    const { data } = (canvas.getContext('2d') as CanvasRenderingContext2D).getImageData(0, 0, canvas.width, canvas.height);
    let green = 0;
    let red = 0;
    const near = (i: number, r: number, g: number, b: number) =>
      Math.abs((data[i] as number) - r) < 24 && Math.abs((data[i + 1] as number) - g) < 24 && Math.abs((data[i + 2] as number) - b) < 24;
    for (let i = 0; i < data.length; i += 4) {
      if (near(i, 0x2e, 0xbd, 0x85)) green++;
      else if (near(i, 0xf0, 0x54, 0x4f)) red++;
    }
    return { green, red };
  });
}

beforeAll(async () => {
  if (!existsSync(join(uiDir, 'index.html'))) {
    execFileSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts'], { cwd: repoRoot, stdio: 'pipe' });
  }
  mkdirSync(screenshotDir, { recursive: true });
  // Read when the server starts: 200 bars a second, so a crossover strategy trades within moments.
  process.env.ECHO_FEED_SPEED = '200';
  server = await startTestServer({ uiDir });
  browser = await launchChromium();
  page = await openWorkstationPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // Chrome logs every non-2xx response; the refusal this test provokes (409: the task already runs) is expected.
    if (message.type() === 'error' && !/status of 409/.test(message.text())) pageErrors.push(message.text());
  });
}, 120_000);

afterAll(async () => {
  delete process.env.ECHO_FEED_SPEED;
  await browser?.close();
  await server?.stop();
});

describe('trading workspace (browser)', () => {
  it('starts a task from the form, draws candles and trade markers, and shows the position in the grid', { timeout: 60_000 }, async () => {
    await page.goto(server.signInUrl());
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state')).toBe('connected');
    await page.getByTestId('nav-trading').click();
    await page.getByTestId('session-bar').waitFor();

    // 1. A session for a user.
    await page.getByTestId('session-user').fill(USER);
    await page.getByTestId('session-create').click();
    await expect.poll(async () => (await page.getByTestId('session-select').locator('option:checked').textContent()) ?? '').toContain(USER);

    // 2. The market watch lists the pairs, labelled SIMULATED (nothing is stored to replay).
    await expect.poll(() => page.getByTestId('watch-EURUSD').textContent(), { timeout: 5_000 }).toMatch(/1\.\d{5}/);
    expect(await page.getByTestId('market-watch').textContent()).toContain('SIMULATED');

    // 3. The start form: simple_ma on EURUSD 1M. A value out of range is caught before submitting.
    await page.getByTestId('start-pair').selectOption('EURUSD');
    await page.getByTestId('start-timeframe').selectOption('1M');
    await page.getByTestId('start-strategy').selectOption('simple_ma');
    const params = page.getByTestId('start-params');
    expect(await params.textContent()).toContain('Period of the fast moving average');
    expect(await params.textContent()).toContain('Default 10');
    await page.getByTestId('param-fast_period').fill('0');
    expect(await params.textContent()).toContain('fast_period must be at least 1 bars');
    expect(await page.getByTestId('start-submit').isDisabled()).toBe(true);
    await page.getByTestId('param-fast_period').fill('2');
    await page.getByTestId('param-slow_period').fill('5');
    expect(await page.getByTestId('start-submit').isEnabled()).toBe(true);
    await page.getByTestId('start-submit').click();
    await expect.poll(() => page.getByTestId('start-feedback').getAttribute('data-state'), { timeout: 5_000 }).toBe('success');
    const feedback = await page.getByTestId('start-feedback').textContent();
    expect(feedback).toContain('Started simple_ma on EURUSD 1M');
    expect(feedback).toContain('SIMULATED');

    // The same pair and timeframe again: the server refuses, and the form says why, inline.
    await page.getByTestId('start-submit').click();
    await expect.poll(() => page.getByTestId('start-feedback').getAttribute('data-state'), { timeout: 5_000 }).toBe('error');
    expect(await page.getByTestId('start-feedback').textContent()).toContain('EURUSD');

    // 4. The chart shows the task: candles, its two moving averages, entry/exit markers, SIMULATED on the chart.
    await expect.poll(() => page.getByTestId('chart-task').textContent(), { timeout: 5_000 }).toContain('simple_ma');
    await expect.poll(() => attr('candle-chart', 'data-bars'), { timeout: 15_000 }).toBeGreaterThan(100);
    await expect.poll(() => attr('candle-chart', 'data-entries'), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => attr('candle-chart', 'data-exits'), { timeout: 15_000 }).toBeGreaterThan(0);
    const chartPanel = await page.getByTestId('chart-panel').textContent();
    expect(chartPanel).toContain('SIMULATED');
    expect(chartPanel).toContain('SMA(2)');
    expect(chartPanel).toContain('SMA(5)');
    await expect.poll(drawnPixels, { timeout: 5_000 }).toBeGreaterThan(20_000);
    const colours = await candlePixels();
    expect(colours.green).toBeGreaterThan(200);
    expect(colours.red).toBeGreaterThan(200);

    // 5. The task and its position reach the grids, updated in place.
    await expect.poll(() => page.getByTestId('tasks-grid').getAttribute('data-rows'), { timeout: 5_000 }).toBe('1');
    expect(await page.getByTestId('task-row-1').textContent()).toContain('RUNNING');
    await page.getByTestId('live-tab-positions').click();
    await expect.poll(() => attr('positions-grid', 'data-rows'), { timeout: 15_000 }).toBeGreaterThan(0);
    const position = page.locator('[data-testid^="position-row-"]').first();
    expect(await position.textContent()).toMatch(/EURUSD(BUY|SELL)0\.10/);
    await page.getByTestId('live-tab-trades').click();
    await expect.poll(() => attr('trades-grid', 'data-rows'), { timeout: 5_000 }).toBeGreaterThan(0);
    // Virtualized: with more trades than fit, only the rows in view (plus a few) are in the DOM.
    await expect.poll(() => attr('trades-grid', 'data-rows'), { timeout: 15_000 }).toBeGreaterThan(40);
    const domRows = await page.locator('[data-testid="trades-grid"] .dgrid-body [role="row"]').count();
    expect(domRows).toBeGreaterThan(5);
    expect(domRows).toBeLessThan(30);
    // Sortable: P&L, largest first on the first click.
    await page.getByTestId('trades-grid-col-pnl').click();
    expect(await page.getByTestId('trades-grid-col-pnl').getAttribute('aria-sort')).toBe('descending');
    // 6. Notifications: fills and take-profits arrive as toasts.
    await expect.poll(() => page.getByTestId('toast').count(), { timeout: 10_000 }).toBeGreaterThan(0);

    // Slow the feed down from the session bar (market.feedSettings), so the screenshot shows a position held.
    await page.getByTestId('feed-speed').selectOption('2');
    await page.getByTestId('live-tab-positions').click();
    await expect.poll(() => attr('positions-grid', 'data-rows'), { timeout: 15_000 }).toBeGreaterThan(0);
    await expect.poll(() => attr('candle-chart', 'data-levels'), { timeout: 5_000 }).toBeGreaterThan(0);
    await page.mouse.move(0, 0);
    await page.waitForTimeout(600);
    await shot('trading-workspace.png');


    // 7. Zoom out and pan back in time: live mode ends, older bars are loaded for the new view, "Go live" returns.
    const box = (await page.getByTestId('candle-chart').boundingBox())!;
    const cx = box.x + box.width / 2;
    const cy = box.y + box.height * 0.3;
    await page.mouse.move(cx, cy);
    for (let i = 0; i < 6; i++) {
      await page.mouse.wheel(0, 400);
      await page.waitForTimeout(60);
    }
    const before = await attr('candle-chart', 'data-bars');
    for (let i = 0; i < 4; i++) {
      await page.mouse.move(box.x + box.width * 0.2, cy);
      await page.mouse.down();
      await page.mouse.move(box.x + box.width * 0.9, cy, { steps: 8 });
      await page.mouse.up();
      await page.waitForTimeout(150);
    }
    await expect.poll(() => page.getByTestId('candle-chart').getAttribute('data-follow')).toBe('false');
    await expect.poll(() => attr('candle-chart', 'data-bars'), { timeout: 10_000 }).toBeGreaterThan(before);
    await page.mouse.move(cx, cy);
    await page.waitForTimeout(300);
    await shot('trading-panned.png'); // with the crosshair and the bar's data window
    await page.getByTestId('chart-follow').click();
    await expect.poll(() => page.getByTestId('candle-chart').getAttribute('data-follow')).toBe('true');

    // 8. Full HD.
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.mouse.move(0, 0);
    await page.waitForTimeout(700);
    await shot('trading-1920x1080.png');

    // 9. Stop the task from its row: close positions is on by default.
    await page.getByTestId('live-tab-tasks').click();
    await page.getByTestId('task-stop-1').click();
    expect(await page.getByTestId('stop-close-positions').isChecked()).toBe(true);
    await shot('trading-stop-dialog.png');
    await page.getByTestId('stop-confirm').click();
    await expect.poll(() => page.getByTestId('task-row-1').textContent()).toContain('STOPPED');
    await page.getByTestId('live-tab-positions').click();
    await expect.poll(() => attr('positions-grid', 'data-rows')).toBe(0);

    // The API agrees with what the grids show.
    const trades = await server.call('GET', '/api/trading/trades?task_id=1&limit=10000');
    expect(trades.body.data.trades.length).toBeGreaterThan(0);

    expect(pageErrors).toEqual([]);
  });
});
