import type { Browser, Page, Request } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchChromium, openWorkstationPage } from '../kit/browser';
import { builtUiDir } from '../kit/ui';
import { startTestServer, type TestServer } from '../kit/server';

/**
 * The UI lives on the domain event stream, not on timers: an idle window sends no HTTP request at all, and what
 * happens on the server (a task starting, a broker link changing) reaches the screens over the WebSocket.
 */

// ECHO_TEST_UI_DIR: run against another build (e.g. one from before issue 10, to see this test fail on its pollers).
const uiDir = process.env.ECHO_TEST_UI_DIR ?? builtUiDir();

let server: TestServer;
let browser: Browser;
let page: Page;
const requests: string[] = [];

beforeAll(async () => {
  server = await startTestServer({ uiDir });
  browser = await launchChromium();
  page = await openWorkstationPage(browser);
  page.on('request', (request: Request) => requests.push(`${request.method()} ${new URL(request.url()).pathname}`));
}, 120_000);

afterAll(async () => {
  await browser?.close();
  await server?.stop();
});

async function countRequestsFor(ms: number): Promise<string[]> {
  const from = requests.length;
  await page.waitForTimeout(ms);
  return requests.slice(from);
}

describe('event stream in the browser', () => {
  it('an idle window sends 0 HTTP requests in 10 s, on the start page and on the Trading workspace', { timeout: 60_000 }, async () => {
    await page.goto(server.signInUrl());
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
    await page.waitForTimeout(1_500); // the first screen's own loads settle
    expect(await countRequestsFor(10_000)).toEqual([]);

    await page.getByTestId('nav-trading').click();
    await page.getByTestId('session-bar').waitFor();
    await page.waitForTimeout(1_500);
    expect(await countRequestsFor(10_000)).toEqual([]);
  });

  it('a task started elsewhere (a script on the API) shows up on the Trading workspace through the stream', { timeout: 30_000 }, async () => {
    const session = await server.call('POST', '/api/session/create', { user_id: 'stream_ui' });
    expect(session.status).toBe(200);
    const sessionId = session.body.data.session_id as string;
    await page.reload();
    await expect.poll(() => page.getByTestId('api-state').getAttribute('data-state'), { timeout: 10_000 }).toBe('connected');
    await page.getByTestId('nav-trading').click();
    await page.getByTestId('session-select').selectOption(sessionId);
    const before = requests.length;
    const started = await server.call('POST', `/api/dynamic-trading/${sessionId}/start`, { pair: 'EURUSD', timeframe: '1H', strategy_name: 'simple_ma', config: {} });
    expect(started.status).toBe(200);
    // No timer would have fetched the tasks: the TaskStarted event made the workspace refetch.
    await expect.poll(() => page.getByTestId('live-panel').textContent(), { timeout: 5_000 }).toContain('simple_ma');
    expect(requests.slice(before).some((r) => r.includes('/tasks'))).toBe(true);
  });
});
