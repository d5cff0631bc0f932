import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The power of the one token, from the UI (issue 8.4): the API workspace's Rotate button ends the old token and every
 * other browser's sign-in while this browser stays signed in; the MetaTrader card keeps the owner's allow-list of
 * terminals that Connect may start.
 */
const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const uiDir = join(repoRoot, 'out', 'renderer');

/** True when the built UI already has the Rotate button and the allow-list (else it is rebuilt). */
function uiIsCurrent(): boolean {
  const assets = join(uiDir, 'assets');
  if (!existsSync(join(uiDir, 'index.html')) || !existsSync(assets)) return false;
  return readdirSync(assets).some((f) => f.endsWith('.js') && /rotate-token-confirm[\s\S]*mt5-allowed-save|mt5-allowed-save[\s\S]*rotate-token-confirm/.test(readFileSync(join(assets, f), 'utf8')));
}

let server: TestServer;
let browser: Browser;
let page: Page;
let other: Page;
let dataDir: string;
const pageErrors: string[] = [];

beforeAll(async () => {
  if (!uiIsCurrent()) execFileSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts'], { cwd: repoRoot, stdio: 'pipe' });
  dataDir = mkdtempSync(join(tmpdir(), 'echo-token-e2e-'));
  writeFileSync(join(dataDir, 'mt5-bridge.json'), JSON.stringify({ port: 0 }));
  server = await startTestServer({ uiDir, dataDir });
  browser = await launchChromium();
  page = await openWorkstationPage(browser);
  other = await openWorkstationPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
}, 180_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

describe('the API token and the terminal allow-list (browser)', () => {
  it('Rotate token ends the old token and other browsers’ sign-ins; this browser stays signed in', { timeout: 60_000 }, async () => {
    await other.goto(server.signInUrl());
    await expect.poll(() => other.getByTestId('api-state').getAttribute('data-state')).toBe('connected');
    await page.goto(server.signInUrl());
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state')).toBe('connected');
    const oldToken = server.token;

    await page.getByTestId('nav-api').click();
    await page.getByTestId('rotate-token').click();
    await page.getByTestId('rotate-token-confirm').click();
    await expect.poll(() => page.getByTestId('rotate-token-feedback').getAttribute('data-state')).not.toBe('error');
    expect(await page.getByTestId('rotate-token-feedback').textContent()).toContain('New API token in effect');

    expect((await fetch(`${server.url}/api/capital/portfolios`, { headers: { authorization: `Bearer ${oldToken}` } })).status).toBe(401);
    const newToken = readFileSync(join(dataDir, 'api-token'), 'utf8').trim();
    expect((await fetch(`${server.url}/api/capital/portfolios`, { headers: { authorization: `Bearer ${newToken}` } })).status).toBe(200);
    // This browser got a fresh cookie with the answer; the other one is signed out.
    expect(await page.evaluate(async () => (await fetch('/api/capital/portfolios')).status)).toBe(200);
    expect(await other.evaluate(async () => (await fetch('/api/capital/portfolios')).status)).toBe(401);
    await other.reload();
    const signInPage = (await other.textContent('body')) ?? '';
    expect(signInPage).toContain('not signed in');
    expect(signInPage).toContain('npm run token');
    expect(signInPage).not.toContain(dataDir);
  });

  it('the MetaTrader card keeps the allow-list; a path that is not terminal64.exe is refused with the reason', { timeout: 60_000 }, async () => {
    await page.getByTestId('nav-brokers').click();
    await page.getByTestId('mt5-terminals').locator('summary').click();
    await page.getByTestId('mt5-allowed-terminals').fill('/usr/bin/env');
    await page.getByTestId('mt5-allowed-save').click();
    await expect.poll(() => page.getByTestId('mt5-allowed-feedback').getAttribute('data-state')).toBe('error');
    expect(await page.getByTestId('mt5-allowed-feedback').textContent()).toContain('terminal64.exe');

    const exe = 'C:\\Program Files\\Broker MT5\\terminal64.exe';
    await page.getByTestId('mt5-allowed-terminals').fill(exe);
    await page.getByTestId('mt5-allowed-save').click();
    await expect.poll(async () => (await page.getByTestId('mt5-allowed-feedback').textContent()) ?? '').toContain('1 terminal(s) allowed');
    const listed = await server.call('GET', '/api/mt5/terminals', undefined, { authorization: `Bearer ${server.apiToken.current()}` });
    expect(listed.body.data.allowed).toEqual([exe]);
    expect(pageErrors).toEqual([]);
  });
});
