import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { builtUiDir } from '../kit/ui';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The Trading workspace, through the real UI in Chromium against a real headless server on a fast simulated feed:
 * create a session → start simple_ma from the parameter form (after a range error is caught before submitting) →
 * the chart draws candles, its moving averages and trade markers → the position and trades reach the grids →
 * zoom/pan leaves live mode and loads older bars → a manual buy from the order ticket, closed from its row → stop the
 * task from its row (closing positions offered only when it has some) → the trades footer shows the database's totals.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const uiDir = builtUiDir();
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
    // 6. Notifications: at 200 bars a second fills and take-profits are not toasted (nobody can read them; the grids
    // have them). Slowed down from the session bar (market.feedSettings), they are — folded per symbol.
    await page.waitForTimeout(2 * 1_500);
    expect(await page.locator('[data-testid="toast"][data-kind="fill"]').count()).toBe(0);
    await page.getByTestId('feed-speed').selectOption('2');
    await expect.poll(() => page.locator('[data-testid="toast"][data-kind="fill"]').count(), { timeout: 15_000 }).toBeGreaterThan(0);
    expect(await page.locator('[data-testid="toast"][data-kind="fill"]').count()).toBe(1); // one per symbol, however many fills
    expect(await page.locator('[data-testid="toast"][data-kind="fill"]').textContent()).toMatch(/Order filled · task 1|\d+ fills on EURUSD/);

    // With the feed slow, the screenshot shows a position held.
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

    // 8b. Toasts sit clear of the start form (its submit and answer) and stack at most 3.
    const toastBox = await page.getByTestId('toasts').boundingBox();
    const formBox = await page.getByTestId('start-task-form').boundingBox();
    if (toastBox && formBox && toastBox.height > 0) {
      const overlap = toastBox.x < formBox.x + formBox.width && formBox.x < toastBox.x + toastBox.width && toastBox.y < formBox.y + formBox.height && formBox.y < toastBox.y + toastBox.height;
      expect(overlap).toBe(false);
    }
    expect(await page.getByTestId('toast').count()).toBeLessThanOrEqual(3);

    // 9. A manual order from the ticket over the chart: on the task the chart shows, lots checked against the
    // instrument before anything is sent, then a journaled market BUY; its position closed from its row.
    await expect.poll(() => page.getByTestId('order-ticket').getAttribute('data-task')).toBe('1');
    await page.getByTestId('order-lots').fill('0.015');
    await expect.poll(() => page.getByTestId('order-feedback').getAttribute('data-state')).toBe('invalid');
    expect(await page.getByTestId('order-feedback').textContent()).toContain('steps of 0.01');
    expect(await page.getByTestId('order-buy').isDisabled()).toBe(true);
    await page.getByTestId('order-lots').fill('0.03');
    await page.getByTestId('order-buy').click();
    await expect.poll(() => page.getByTestId('order-feedback').getAttribute('data-state'), { timeout: 10_000 }).toBe('success');
    expect(await page.getByTestId('order-feedback').textContent()).toMatch(/^BUY 0\.03 EURUSD filled at 1\.\d{1,5} \(E1-m[0-9a-z]+\)$/);
    const manualId = /\((E1-m[0-9a-z]+)\)/.exec((await page.getByTestId('order-feedback').textContent()) ?? '')?.[1] as string;
    const journal = (await server.call('GET', '/api/trading/orders?task_id=1&limit=10000')).body.data.orders as { client_order_id: string; status: string; reason: string }[];
    expect(journal.find((o) => o.client_order_id === manualId)).toMatchObject({ status: 'filled', reason: expect.stringContaining('manual order') });
    await page.getByTestId('live-tab-positions').click();
    await page.getByTestId(`position-row-${manualId}`).waitFor({ timeout: 5_000 });
    expect(await page.getByTestId(`position-row-${manualId}`).textContent()).toMatch(/EURUSDBUY0\.03/);
    await page.mouse.move(0, 0);
    await shot('trading-manual-order.png');
    // For the README: the workspace as a trader leaves it (the start form's earlier answer gone), at 1920 × 1080.
    await page.getByTestId('nav-allocation').click();
    await page.getByTestId('nav-trading').click();
    await page.getByTestId(`position-row-${manualId}`).waitFor({ timeout: 5_000 });
    await page.waitForTimeout(400);
    await shot('trading-docs.png');
    await page.getByTestId(`position-close-${manualId}`).click();
    await expect.poll(() => page.getByTestId('position-close-feedback').getAttribute('data-state'), { timeout: 10_000 }).toBe('success');
    expect(await page.getByTestId('position-close-feedback').textContent()).toMatch(new RegExp(`^Position ${manualId} closed at 1\\.\\d{1,5}: [+-]\\d+\\.\\d{2}$`));
    await expect.poll(() => page.getByTestId(`position-row-${manualId}`).count(), { timeout: 5_000 }).toBe(0);
    const manualTrade = (await server.call('GET', '/api/trading/trades?task_id=1&limit=10000')).body.data.trades.find((t: { position_id: string }) => t.position_id === manualId);
    expect(manualTrade).toMatchObject({ exit_reason: 'manual', lots: 0.03 });

    // 10. Stop the task from its row: closing its positions is offered (and on by default) only when it has some.
    await page.getByTestId('live-tab-tasks').click();
    await page.getByTestId('task-stop-1').click();
    const openAtStop = Number(await page.getByTestId('stop-dialog').getAttribute('data-open-positions'));
    expect(await page.getByTestId('stop-close-positions').count()).toBe(openAtStop > 0 ? 1 : 0);
    if (openAtStop > 0) expect(await page.getByTestId('stop-close-positions').isChecked()).toBe(true);
    await shot('trading-stop-dialog.png');
    await page.getByTestId('stop-confirm').click();
    await expect.poll(() => page.getByTestId('task-row-1').textContent()).toContain('STOPPED');
    await page.getByTestId('live-tab-positions').click();
    await expect.poll(() => attr('positions-grid', 'data-rows')).toBe(0);

    // The API agrees with what the grids show: the trades footer and the header carry the database's totals over
    // every trade of the task, not a sum of the rows listed.
    const trades = await server.call('GET', '/api/trading/trades?task_id=1&limit=10000');
    expect(trades.body.data.trades.length).toBeGreaterThan(0);
    const { total_count: sqlCount, total_pnl: sqlNet } = trades.body.data as { total_count: number; total_pnl: number };
    await page.getByTestId('live-tab-trades').click();
    await expect.poll(() => attr('trades-total', 'data-count'), { timeout: 5_000 }).toBe(sqlCount);
    expect(await attr('trades-total', 'data-net')).toBe(sqlNet);
    const footer = (await page.getByTestId('trades-total').textContent()) ?? '';
    expect(footer).toContain(`${sqlCount.toLocaleString('en-US')} trades · net ${sqlNet > 0 ? '+' : sqlNet < 0 ? '-' : ''}${Math.abs(sqlNet).toLocaleString('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 })}`);
    expect(await page.getByTestId('live-tab-trades').textContent()).toContain(String(sqlCount));
    expect(await page.getByTestId('total-realized').textContent()).toBe(await page.getByTestId('trades-total').locator('span').last().textContent());
    await shot('trading-trades-footer.png');

    // 11. The tasks grid shows a 15M task's timeframe in full ("15M", not "1…").
    const session = (await server.call('GET', '/api/session/active')).body.data.sessions.find((x: { user_id: string }) => x.user_id === USER).session_id as string;
    const gold = await server.call('POST', `/api/dynamic-trading/${session}/start`, {
      pair: 'XAUUSD', timeframe: '15M', strategy_name: 'gold_buy_dip', config: { percentage_threshold: 100, zscore_threshold_buy: -20, zscore_threshold_sell: 20 },
    });
    expect(gold.status, JSON.stringify(gold.body)).toBe(200);
    await page.getByTestId('live-tab-tasks').click();
    const goldRow = page.getByTestId(`task-row-${gold.body.data.task.task_id}`);
    await goldRow.waitFor({ timeout: 5_000 });
    const tfCell = goldRow.locator('.dgrid-td').nth(2);
    expect(await tfCell.textContent()).toBe('15M');
    expect(await tfCell.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
    // Its stop dialog has no positions to close, so it does not offer to.
    await page.getByTestId(`task-stop-${gold.body.data.task.task_id}`).click();
    expect(await page.getByTestId('stop-dialog').getAttribute('data-open-positions')).toBe('0');
    expect(await page.getByTestId('stop-close-positions').count()).toBe(0);
    expect(await page.getByTestId('stop-confirm').textContent()).toBe('Stop task');
    await page.getByTestId('stop-confirm').click();

    expect(pageErrors).toEqual([]);
  });
});
