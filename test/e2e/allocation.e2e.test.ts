import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { builtUiDir } from '../kit/ui';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The capital allocation workspace, driven through the real UI in Chromium against a real headless server:
 * create → allocate strategies → allocate pairs → see the tree → get refused when going over 100 %.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const uiDir = builtUiDir();
const screenshotDir = join(repoRoot, 'test-results');
const USER = 'trader_e2e';

let server: TestServer;
let browser: Browser;
let page: Page;
const pageErrors: string[] = [];

function shot(name: string): Promise<Buffer> {
  return page.screenshot({ path: join(screenshotDir, name), fullPage: false });
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startTestServer({ uiDir });
  browser = await launchChromium();
  page = await openWorkstationPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    // Chrome logs every non-2xx response; the refusals this test provokes (409 over-allocation, 401 signed out) are expected.
    const expectedRefusal = /status of (409|401)/.test(message.text());
    if (message.type() === 'error' && !expectedRefusal) pageErrors.push(message.text());
  });
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('capital allocation workspace (browser)', () => {
  it('allocates a portfolio through the UI and shows the over-allocation refusal inline', { timeout: 60_000 }, async () => {
    await page.goto(server.signInUrl());
    await expect.poll(() => page.getByTestId('create-user-id').count()).toBe(1);
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state')).toBe('connected');
    expect(await page.getByTestId('transport').textContent()).toBe('Browser HTTP');

    // 1. A $50,000 portfolio.
    await page.getByTestId('create-user-id').fill(USER);
    await page.getByTestId('create-capital').fill('50,000');
    await page.getByTestId('create-currency').fill('USD');
    await page.getByTestId('create-submit').click();
    await page.getByTestId(`portfolio-item-${USER}`).waitFor();
    await expect.poll(() => page.getByTestId('summary-total').textContent()).toBe('$50,000.00');

    // 2. Two strategies: one by amount, one by percentage; the preview shows the 100 % rule before submitting.
    await page.getByTestId('ticket-tab-strategy').click();
    await page.getByTestId('strategy-name').fill('Major Pairs');
    await page.getByTestId('strategy-value').fill('35000');
    expect(await page.getByTestId('strategy-preview').textContent()).toContain('After this: 70.00 %');
    expect(await page.getByTestId('strategy-preview').textContent()).toContain('$15,000.00 left');
    await page.getByTestId('strategy-submit').click();
    await expect.poll(() => page.getByTestId('strategy-feedback').getAttribute('data-state')).toBe('success');
    await expect.poll(() => page.getByTestId('summary-allocated').textContent()).toBe('$35,000.00');

    await page.getByTestId('strategy-name').fill('Gold Scalping');
    await page.getByTestId('strategy-mode-percentage').click();
    await page.getByTestId('strategy-value').fill('30');
    expect(await page.getByTestId('strategy-preview').textContent()).toContain('After this: 100.00 %');
    await page.getByTestId('strategy-submit').click();
    await expect.poll(() => page.getByTestId('summary-utilization').textContent()).toBe('100.00 %');
    expect(await page.getByTestId('strategy-feedback').textContent()).toContain('Gold Scalping');

    // 3. Split Major Pairs equally between three pairs: $35,000 / 3 leaves 2 cents, which the server reports.
    await page.getByTestId('ticket-tab-split').click();
    await page.getByTestId('split-strategy').selectOption('Major Pairs');
    await page.getByTestId('split-pairs').fill('EURUSD, GBPUSD, USDJPY');
    expect(await page.getByTestId('split-preview').textContent()).toContain('$11,666.67');
    await page.getByTestId('split-submit').click();
    await expect.poll(() => page.getByTestId('split-feedback').getAttribute('data-state')).toBe('success');
    expect(await page.getByTestId('split-feedback-notes').textContent()).toContain('2 cent(s) went one each to EURUSD, GBPUSD');

    // 4. Gold Scalping: XAUUSD by amount with a 15 % floating-loss threshold.
    await page.getByTestId('ticket-tab-pairs').click();
    await page.getByTestId('pairs-strategy').selectOption('Gold Scalping');
    await page.getByTestId('pairs-row-0-pair').fill('XAUUSD');
    await page.getByTestId('pairs-row-0-value').fill('15000');
    await page.getByTestId('pairs-row-0-threshold').fill('15');
    expect(await page.getByTestId('pairs-preview').textContent()).toContain('$0.00 left');
    await page.getByTestId('pairs-submit').click();
    await expect.poll(() => page.getByTestId('pairs-feedback').getAttribute('data-state')).toBe('success');

    // 5. The tree shows the server's amounts, to the cent.
    const row = (testId: string) => page.getByTestId(testId).textContent();
    await expect.poll(() => row('tree-pair-Gold Scalping-XAUUSD')).toContain('15,000.00');
    expect(await row('tree-strategy-Major Pairs')).toContain('35,000.00');
    expect(await row('tree-pair-Major Pairs-EURUSD')).toContain('11,666.67');
    expect(await row('tree-pair-Major Pairs-GBPUSD')).toContain('11,666.67');
    expect(await row('tree-pair-Major Pairs-USDJPY')).toContain('11,666.66');
    expect(await row('tree-pair-Gold Scalping-XAUUSD')).toContain('15.0 %');
    expect(await page.getByTestId('allocation-sunburst').locator('canvas').count()).toBeGreaterThan(0);
    await expect.poll(() => page.getByTestId('risk-overall').textContent()).toBe('MEDIUM');
    await page.mouse.move(0, 0);
    await page.waitForTimeout(500); // let the sunburst finish its short animation
    await shot('allocation-workspace.png');

    // 6. A third strategy over the remaining capital: previewed in red, then refused by the server, inline.
    await page.getByTestId('ticket-tab-strategy').click();
    await page.getByTestId('strategy-mode-amount').click();
    await page.getByTestId('strategy-name').fill('Crypto Momentum');
    await page.getByTestId('strategy-value').fill('5000');
    expect(await page.getByTestId('strategy-preview').getAttribute('data-state')).toBe('over');
    expect(await page.getByTestId('strategy-preview').textContent()).toContain('Over by $5,000.00');
    expect(await page.getByTestId('strategy-submit').isEnabled()).toBe(true);
    await page.getByTestId('strategy-submit').click();
    await expect.poll(() => page.getByTestId('strategy-feedback').getAttribute('data-state')).toBe('error');
    const refusal = await page.getByTestId('strategy-feedback').textContent();
    expect(refusal).toContain('ALLOCATION_EXCEEDED');
    expect(refusal).toContain('Cannot allocate $5,000.00');
    expect(refusal).toContain('Allocations can never exceed 100 %');
    await shot('allocation-refusal.png');

    // Nothing changed, as the API itself reports.
    const dashboard = await server.call('GET', `/api/capital/dashboard/${USER}`);
    expect(dashboard.status).toBe(200);
    expect(dashboard.body.data.utilization_percentage).toBe(100);
    expect(dashboard.body.data.allocated_capital).toBe(50000);
    expect(Object.keys(dashboard.body.data.strategies)).toEqual(['Major Pairs', 'Gold Scalping']);
    expect(await page.getByTestId('summary-utilization').textContent()).toBe('100.00 %');
    expect(await page.getByTestId('tree-strategy-Crypto Momentum').count()).toBe(0);

    // The same workspace on a laptop and on a full-HD screen.
    await page.setViewportSize({ width: 1280, height: 800 });
    await page.waitForTimeout(400);
    await shot('allocation-1280x800.png');
    await page.setViewportSize({ width: 1920, height: 1080 });
    await page.waitForTimeout(400);
    await shot('allocation-1920x1080.png');

    await page.getByTestId('nav-api').click();
    await expect.poll(() => page.getByTestId('api-health').textContent()).toContain('connected');
    await shot('api-workspace.png');

    // A browser whose session is gone is told how to sign in again, instead of showing stale figures.
    await page.getByTestId('nav-allocation').click();
    await page.context().clearCookies();
    // Any request now answers 401; a background poll may get there before the click and swap the screen first.
    await page.getByTestId('refresh').click({ timeout: 3_000 }).catch(() => undefined);
    await page.getByTestId('not-signed-in').waitFor();
    expect(await page.getByTestId('not-signed-in').textContent()).toContain('npm run serve');

    expect(pageErrors).toEqual([]);
  });
});
