import { mkdirSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { builtUiDir } from '../kit/ui';
import { MemorySecretStore } from '../kit/exchange-emulator/memory-secret-store';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * Users & access through the real UI in Chromium: the owner adds a viewer and gives her an API key; she signs in on
 * the sign-in form as a non-owner, sees who she is, may read but not write (403 in words), and signs out.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
const uiDir = builtUiDir();
const screenshotDir = join(repoRoot, 'test-results');

let server: TestServer;
let browser: Browser;
const pageErrors: string[] = [];

async function freshPage(): Promise<Page> {
  const page = await openWorkstationPage(browser);
  page.on('pageerror', (error) => pageErrors.push(error.message));
  return page;
}

beforeAll(async () => {
  mkdirSync(screenshotDir, { recursive: true });
  server = await startTestServer({ uiDir, context: { secrets: new MemorySecretStore() } });
  browser = await launchChromium();
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

describe('Users & access (browser)', () => {
  it('the owner adds a viewer; she signs in with the form, reads, is refused a write, and signs out', { timeout: 90_000 }, async () => {
    // The owner, signed in by the one-time link.
    const owner = await freshPage();
    await owner.goto(server.signInUrl());
    await expect.poll(() => owner.getByTestId('signed-in-as').textContent()).toContain('Owner');
    await owner.getByTestId('nav-users').click();
    await owner.locator('#new-user-name').fill('vera');
    await owner.locator('#new-user-email').fill('vera@example.com');
    await owner.locator('#new-user-password').fill('viewer-pass-1');
    await owner.getByTestId('add-user-submit').click();
    await expect.poll(() => owner.getByTestId('add-user-feedback').getAttribute('data-state')).toBe('success');
    await expect.poll(() => owner.getByTestId('user-row-vera').count()).toBe(1);
    await owner.locator('#api-key-user').selectOption({ label: 'vera (viewer)' });
    await owner.getByTestId('api-key-create').click();
    await expect.poll(async () => (await owner.getByTestId('api-key-shown').textContent()) ?? '').toMatch(/^ek_/);
    await owner.screenshot({ path: join(screenshotDir, 'users-owner.png') });
    await owner.close();

    // Vera, in another browser profile with no owner cookie: the sign-in page, then the workstation as a viewer.
    const vera = await freshPage();
    await vera.goto(server.url);
    await expect.poll(() => vera.locator('input[name=username]').count(), { timeout: 15_000 }).toBe(1);
    await vera.locator('input[name=username]').fill('vera');
    await vera.locator('input[name=password]').fill('wrong-password');
    await vera.locator('button[type=submit]').click();
    await expect.poll(() => vera.locator('body').textContent(), { timeout: 15_000 }).toContain('Wrong username/email or password');
    await vera.locator('input[name=username]').fill('vera@example.com');
    await vera.locator('input[name=password]').fill('viewer-pass-1');
    await vera.locator('button[type=submit]').click();
    await expect.poll(() => vera.getByTestId('signed-in-as').textContent(), { timeout: 15_000 }).toContain('vera · viewer');
    // Her window follows the event stream like the owner's (a viewer reads what it carries).
    await expect.poll(() => vera.getByTestId('api-state').getAttribute('data-state'), { timeout: 15_000 }).toBe('connected');
    // Reads work: the allocation workspace lists portfolios without an error.
    await expect.poll(() => vera.getByTestId('create-user-id').count()).toBe(1);
    // A write is refused in words.
    await vera.getByTestId('create-user-id').fill('vera_portfolio');
    await vera.getByTestId('create-capital').fill('10,000');
    await vera.getByTestId('create-currency').fill('USD');
    await vera.getByTestId('create-submit').click();
    await expect.poll(async () => (await vera.locator('[role=alert]').first().textContent()) ?? '').toMatch(/viewer.*may not do this/);
    await vera.getByTestId('nav-users').click();
    await expect.poll(() => vera.getByTestId('users-me-role').textContent()).toBe('viewer');
    expect(await vera.getByTestId('users-list').count()).toBe(0); // the user list is for admins
    await vera.screenshot({ path: join(screenshotDir, 'users-viewer.png') });

    await vera.getByTestId('sign-out').click();
    await expect.poll(() => vera.locator('input[name=username]').count(), { timeout: 15_000 }).toBe(1);
    const after = await vera.evaluate(async () => (await fetch('/api/v1/auth/me')).status);
    expect(after).toBe(401);
    await vera.close();
    expect(pageErrors).toEqual([]);
  });
});
