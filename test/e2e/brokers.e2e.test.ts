import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BinanceSpotEmulator } from '../kit/exchange-emulator/binance-spot-emulator';
import { MemorySecretStore } from '../kit/exchange-emulator/memory-secret-store';
import { FakeMt5Terminal } from '../kit/fake-mt5-terminal';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The Brokers workspace in Chromium against a real headless server whose ccxt instances talk to the local Binance
 * emulator: add a Binance testnet account through the form, test the connection (balances appear), and check that no
 * credential is ever in the page or in any answer it received; then the MetaTrader 5 card: stopped → connect → waiting,
 * with the setup steps, and the status bar's broker item.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const uiDir = join(repoRoot, 'out', 'renderer');
const screenshotDir = join(repoRoot, 'test-results');

const KEY = 'kE7yBrokersE2eQ2Vb8sYpLxN3wTfZ7uKjR4hGcD1eM9aS6oIiP0lBnQvXyWa1f3';
const SECRET = 'sEcRetBrokersE2eZr7Yq1Xw3Vu5Ts7Rq9Po2Nm4Lk6Ji8Hg0Fe2Dc4Ba6Zy8X';
const MT5_PASSWORD = 'Mt5-PaSsWoRd-e2e-9f8e7d';
const SECRETS = [KEY, SECRET, MT5_PASSWORD];

let emulator: BinanceSpotEmulator;
let server: TestServer;
let browser: Browser;
let page: Page;
let dataDir: string;
let fake: FakeMt5Terminal | undefined;
const secrets = new MemorySecretStore();
const pageErrors: string[] = [];
/** The raw text of every API answer the page received. */
const answers: Promise<string>[] = [];

function shot(name: string): Promise<Buffer> {
  return page.screenshot({ path: join(screenshotDir, name), fullPage: false });
}

/** True when the built UI already has the Brokers workspace (else it is rebuilt). */
function uiHasBrokers(): boolean {
  const assets = join(uiDir, 'assets');
  if (!existsSync(join(uiDir, 'index.html')) || !existsSync(assets)) return false;
  return readdirSync(assets).some((f) => f.endsWith('.js') && readFileSync(join(assets, f), 'utf8').includes('brokers-workspace'));
}

/** Everything the page holds: its HTML plus the live values of every input. */
async function pageText(): Promise<string> {
  const html = await page.content();
  const values = await page.evaluate(() => Array.from(document.querySelectorAll('input, textarea')).map((el) => (el as HTMLInputElement).value));
  return `${html}\n${values.join('\n')}`;
}

beforeAll(async () => {
  if (!uiHasBrokers()) {
    execFileSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts'], { cwd: repoRoot, stdio: 'pipe' });
  }
  mkdirSync(screenshotDir, { recursive: true });
  emulator = new BinanceSpotEmulator({
    apiKey: KEY,
    secret: SECRET,
    prices: { BTCUSDT: 30_000, ETHUSDT: 2_000, ETHBTC: 0.0667 },
    balances: { USDT: 5_000, BTC: 0.1, ETH: 2 },
  });
  await emulator.start();
  // The MT5 bridge on any free port, so parallel tests never fight over 5555.
  dataDir = mkdtempSync(join(tmpdir(), 'echo-brokers-e2e-'));
  writeFileSync(join(dataDir, 'mt5-bridge.json'), JSON.stringify({ port: 0 }));
  server = await startTestServer({ uiDir, dataDir, context: { secrets, exchanges: { apiOrigin: emulator.url, timeoutMs: 3_000 } } });
  browser = await launchChromium();
  page = await openWorkstationPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  page.on('console', (message) => {
    if (message.type() === 'error' && !/status of (4\d\d)/.test(message.text())) pageErrors.push(message.text());
  });
  page.on('response', (response) => {
    if (!response.url().includes('/api/')) return;
    answers.push(response.text().catch(() => ''));
  });
}, 120_000);

afterAll(async () => {
  fake?.disconnect();
  await browser?.close();
  await server?.stop();
  await emulator?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('brokers workspace (browser)', () => {
  it('adds a Binance testnet account, tests it, never shows a secret; MT5 card stopped → waiting with the setup steps', { timeout: 60_000 }, async () => {
    await page.goto(server.signInUrl());
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state')).toBe('connected');
    await expect.poll(() => page.getByTestId('broker-status').getAttribute('data-mt5-state')).toBe('bridge_stopped');
    expect(await page.getByTestId('broker-status').textContent()).toContain('0 exchange accounts');

    // 1. Brokers workspace from the sidebar: no accounts yet, MT5 bridge stopped with the setup steps.
    await page.getByTestId('nav-brokers').click();
    await page.getByTestId('brokers-workspace').waitFor();
    await expect.poll(() => page.getByTestId('mt5-state').getAttribute('data-state')).toBe('bridge_stopped');
    expect(await page.getByTestId('mt5-state').textContent()).toContain('stopped');
    const steps = await page.getByTestId('mt5-setup-steps').textContent();
    expect(steps).toContain('EchoBridge.mq5');
    expect(steps).toContain('Compile');
    expect(steps).toContain('127.0.0.1');
    expect(steps).toContain('Tools → Options → Expert Advisors');
    expect(steps).toContain('mt5-bridge-token');
    expect(await page.getByTestId('mt5-link').getAttribute('data-state')).toBe('down');
    expect(await page.getByTestId('mt5-terminal').getAttribute('data-state')).toBe('never_connected');
    expect(await page.getByTestId('paper-state').textContent()).toContain('connected');
    await shot('brokers-1-empty.png');

    // 2. Add a Binance testnet account through the form: the inputs are cleared, the list shows masked hints only.
    await page.getByTestId('account-exchange').fill('binance');
    expect(await page.getByTestId('account-testnet').isChecked()).toBe(true);
    await page.getByTestId('account-initial').fill('10000');
    await page.getByTestId('account-key').fill(KEY);
    await page.getByTestId('account-secret').fill(SECRET);
    await page.getByTestId('account-submit').click();
    await expect.poll(() => page.getByTestId('account-feedback').getAttribute('data-state')).toBe('success');
    expect(await page.getByTestId('account-key').inputValue()).toBe('');
    expect(await page.getByTestId('account-secret').inputValue()).toBe('');
    const row = page.locator('[data-testid^="account-row-"]');
    await expect.poll(() => row.count()).toBe(1);
    const accountId = ((await row.getAttribute('data-testid')) ?? '').replace('account-row-', '');
    expect(await row.textContent()).toContain('TESTNET');
    expect(await page.getByTestId(`account-key-hint-${accountId}`).textContent()).toBe(`••••${KEY.slice(-4)}`);
    expect(await page.getByTestId(`account-balance-${accountId}`).textContent()).toBe('—');
    await expect.poll(() => page.getByTestId('broker-status-accounts').textContent()).toContain('1 exchange account');
    expect(await secrets.get(accountId, 'api_secret')).toBe(SECRET);
    for (const secret of [KEY, SECRET]) expect((await pageText()).includes(secret)).toBe(false);

    // 3. Test connection = sync-balance against the emulator: balance, equity and the asset balances appear.
    await page.getByTestId(`account-test-${accountId}`).click();
    await expect.poll(() => page.getByTestId(`account-conn-${accountId}`).getAttribute('data-state'), { timeout: 15_000 }).toBe('ok');
    expect(await page.getByTestId(`account-test-ok-${accountId}`).textContent()).toContain('5,000.00 USDT');
    expect(await page.getByTestId(`account-balance-${accountId}`).textContent()).toBe('5,000.00 USDT');
    expect(await page.getByTestId(`account-equity-${accountId}`).textContent()).toBe('12,000.00 USDT');
    const balances = page.getByTestId(`balances-${accountId}`);
    expect(await balances.getByTestId('balance-BTC').textContent()).toContain('3,000.00');
    expect(await balances.getByTestId('balance-ETH').textContent()).toContain('4,000.00');
    expect(emulator.requests.length).toBeGreaterThan(0);
    await shot('brokers-2-account-synced.png');

    // 4. Edit credentials with a wrong secret: the test shows the exchange's clear refusal.
    await page.getByTestId(`account-edit-${accountId}`).click();
    expect(await page.getByTestId('account-edit-target').textContent()).toContain(`••••${KEY.slice(-4)}`);
    await page.getByTestId('account-key').fill(KEY);
    await page.getByTestId('account-secret').fill(`${SECRET}x`);
    await page.getByTestId('account-submit').click();
    await page.getByTestId('account-exchange').waitFor(); // back to the add form
    await page.getByTestId(`account-test-${accountId}`).click();
    await expect.poll(() => page.getByTestId(`account-conn-${accountId}`).getAttribute('data-state'), { timeout: 15_000 }).toBe('error');
    expect(await page.getByTestId(`account-test-error-${accountId}`).textContent()).toMatch(/EXCHANGE_AUTH_FAILED.*Binance refused/);
    await shot('brokers-3-refused.png');

    // 5. MT5: connect (the password goes to the keychain) → the bridge listens, waiting for the terminal.
    await page.getByTestId('mt5-login').fill('12345678');
    await page.getByTestId('mt5-password').fill(MT5_PASSWORD);
    await page.getByTestId('mt5-server').fill('MetaQuotes-Demo');
    await page.getByTestId('mt5-connect').click();
    await expect.poll(() => page.getByTestId('mt5-state').getAttribute('data-state')).toBe('waiting_for_terminal');
    expect(await page.getByTestId('mt5-password').inputValue()).toBe('');
    expect(await page.getByTestId('mt5-feedback').getAttribute('data-state')).toBe('success');
    expect(await page.getByTestId('mt5-state').textContent()).toContain('waiting');
    expect(await page.getByTestId('mt5-port').textContent()).toMatch(/listening 127\.0\.0\.1:\d+/);
    expect(await page.getByTestId('mt5-link').getAttribute('data-state')).toBe('connecting');
    expect(await page.getByTestId('mt5-hint').textContent()).toContain('InpToken');
    expect(await page.getByTestId('mt5-setup-steps').count()).toBe(1);
    await expect.poll(() => page.getByTestId('broker-status').getAttribute('data-mt5-state')).toBe('waiting_for_terminal');
    expect(await page.getByTestId('broker-status').textContent()).toContain('MT5 waiting');
    await shot('brokers-4-mt5-waiting.png');

    // 6. A terminal attaches EchoBridge (the fake terminal, over real TCP with the token file's token): the 2 s poll shows it.
    const status = (await server.call('GET', '/api/mt5/status')).body.data;
    fake = new FakeMt5Terminal({ port: status.bridge.port, token: readFileSync(status.bridge.token_file, 'utf8').trim(), login: '12345678', server: 'MetaQuotes-Demo' });
    await fake.connect();
    await expect.poll(() => page.getByTestId('mt5-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
    expect(await page.getByTestId('mt5-link').getAttribute('data-state')).toBe('up');
    expect(await page.getByTestId('mt5-terminal').getAttribute('data-state')).toBe('connected');
    expect(await page.getByTestId('mt5-broker').getAttribute('data-state')).toBe('connected');
    expect(await page.getByTestId('mt5-account').textContent()).toContain('12345678');
    expect(await page.getByTestId('mt5-setup-steps').count()).toBe(0);
    await expect.poll(() => page.getByTestId('broker-status').textContent(), { timeout: 10_000 }).toContain('MT5 connected');
    await shot('brokers-5-mt5-connected.png');

    // 7. The start-task form offers the account as a broker.
    await page.getByTestId('nav-trading').click();
    const brokerSelect = page.getByTestId('start-broker');
    await brokerSelect.waitFor();
    await expect.poll(() => brokerSelect.locator(`option[value="ccxt:${accountId}"]`).count()).toBe(1);
    await brokerSelect.selectOption(`ccxt:${accountId}`);
    await page.getByTestId('start-task-form').screenshot({ path: join(screenshotDir, 'brokers-6-start-form.png') });

    // 8. Disconnect MT5 and delete the account (with confirm).
    await page.getByTestId('nav-brokers').click();
    await page.getByTestId('mt5-disconnect').click();
    await expect.poll(() => page.getByTestId('mt5-state').getAttribute('data-state')).toBe('bridge_stopped');
    await page.getByTestId(`account-delete-${accountId}`).click();
    await page.getByTestId(`account-delete-confirm-${accountId}`).click();
    await expect.poll(() => row.count()).toBe(0);
    expect(await secrets.get(accountId, 'api_key')).toBeUndefined();

    // No credential anywhere: not in the page, not in any answer the page received.
    const text = await pageText();
    const received = (await Promise.all(answers)).join('\n');
    expect(received.length).toBeGreaterThan(0);
    for (const secret of SECRETS) {
      expect(text.includes(secret)).toBe(false);
      expect(received.includes(secret)).toBe(false);
    }
    expect(pageErrors).toEqual([]);
  });
});
