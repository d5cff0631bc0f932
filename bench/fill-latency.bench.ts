import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Bench } from './run';
import { launchChromium, openWorkstationPage } from '../test/kit/browser';
import { startTestServer } from '../test/kit/server';

/**
 * A fill, from the moment the server publishes it (right after the broker's fill was committed with its bar) to the
 * moment the browser UI shows that order as filled in the order journal grid: event over the WebSocket, the
 * workspace's refetch, React's render. Real headless server, real Chromium, the built UI; simple_ma(2, 5) on a
 * simulated EURUSD 1M feed at 20 bars a second, so it trades every few bars. Before issue 10 this was up to one
 * poll period (1 s) plus the refetch.
 */

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const uiDir = join(repoRoot, 'out', 'renderer');
const FILLS = Number(process.env.ECHO_BENCH_FILLS ?? 60);

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] as number;
}

const bench: Bench = async (report) => {
  if (!existsSync(join(uiDir, 'index.html'))) execFileSync('npx', ['vite', 'build', '--config', 'vite.renderer.config.ts'], { cwd: repoRoot, stdio: 'pipe' });
  const previousSpeed = process.env.ECHO_FEED_SPEED;
  process.env.ECHO_FEED_SPEED = '20';
  const server = await startTestServer({ uiDir });
  const browser = await launchChromium();
  try {
    const published = new Map<string, number>();
    server.events.subscribe((event) => {
      const id = event.type === 'OrderFilled' ? event.data?.clientOrderId : undefined;
      if (id) published.set(id, Date.now());
    });
    const page = await openWorkstationPage(browser);
    await page.goto(server.signInUrl());
    await page.waitForFunction(() => (globalThis as unknown as { document: { querySelector(s: string): { getAttribute(n: string): string | null } | null } }).document.querySelector('[data-testid="api-state"]')?.getAttribute('data-state') === 'connected');
    const session = await server.call('POST', '/api/session/create', { user_id: 'bench_fills' });
    const sessionId = session.body.data.session_id as string;
    await page.getByTestId('nav-trading').click();
    await page.getByTestId('session-select').selectOption(sessionId);
    await page.getByTestId('live-tab-orders').click();
    // The first time each order is shown as filled in the grid, on the page's clock (the same machine's wall clock).
    // (A string, not a function: the bench runs through tsx, whose helpers do not exist in the page.)
    await page.evaluate(`(() => {
      const seen = {};
      window.__filledSeen = seen;
      new MutationObserver(() => {
        const now = Date.now();
        for (const status of document.querySelectorAll('[data-testid="orders-grid"] .ostatus.filled')) {
          let row = status.parentElement;
          while (row && !row.querySelector('.mono')) row = row.parentElement;
          const id = row && row.querySelector('.mono') ? row.querySelector('.mono').textContent : null;
          if (id && seen[id] === undefined) seen[id] = now;
        }
      }).observe(document.body, { childList: true, subtree: true, characterData: true, attributes: true });
    })()`);
    const started = await server.call('POST', `/api/dynamic-trading/${sessionId}/start`, {
      pair: 'EURUSD', timeframe: '1M', strategy_name: 'simple_ma', config: { fast_period: 2, slow_period: 5 },
    });
    if (started.status !== 200) throw new Error(`the task did not start: ${JSON.stringify(started.body)}`);
    const deadline = Date.now() + 120_000;
    while (published.size < FILLS && Date.now() < deadline) await page.waitForTimeout(250);
    await page.waitForTimeout(1_000); // the last fills reach the grid
    const seen = (await page.evaluate('window.__filledSeen')) as Record<string, number>;
    const latencies = [...published].flatMap(([id, at]) => (seen[id] !== undefined ? [Math.max(0, (seen[id] as number) - at)] : []));
    const missed = published.size - latencies.length;
    latencies.sort((a, b) => a - b);
    if (latencies.length === 0) throw new Error('no fill reached the grid');
    const base = { fills: latencies.length, missed, feed_bars_per_second: 20 };
    report({ bench: 'fill-to-browser-ui-p50', value: percentile(latencies, 50), unit: 'ms', ...base });
    report({ bench: 'fill-to-browser-ui-p95', value: percentile(latencies, 95), unit: 'ms', ratio: { target_100ms: percentile(latencies, 95) / 100 }, ...base });
    report({ bench: 'fill-to-browser-ui-max', value: latencies[latencies.length - 1] as number, unit: 'ms', ...base });
  } finally {
    await browser.close();
    await server.stop();
    if (previousSpeed === undefined) delete process.env.ECHO_FEED_SPEED;
    else process.env.ECHO_FEED_SPEED = previousSpeed;
  }
};

export default bench;
