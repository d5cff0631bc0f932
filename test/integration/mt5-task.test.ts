import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SecretStore } from '../../src/core/ports/secret-store';
import { startHeadless, type HeadlessInstance } from '../../src/server/headless';
import { FakeMt5Terminal, until } from '../kit/fake-mt5-terminal';

/**
 * A trading task end to end on MetaTrader 5: the kernel's task on broker 'mt5', bars from the (fake) terminal over
 * the real bridge protocol, orders with our client order id in the comment, fills back, and a consistent book after
 * the link drops while the broker closes a position.
 */
const keychain = new Map<string, string>();
const secrets: SecretStore = {
  set: async (id, field, value) => void keychain.set(`${id}:${field}`, value),
  get: async (id, field) => keychain.get(`${id}:${field}`),
  delete: async (id, field) => keychain.delete(`${id}:${field}`),
  status: async () => ({ available: true, detail: 'in-memory test keychain' }),
};

let dataDir: string;
let server: HeadlessInstance;
let fake: FakeMt5Terminal;

/** Like the kit's `until`, for checks that have to ask the server. */
async function eventually<T>(check: () => Promise<T | undefined | false>, timeoutMs: number, what: string): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

async function call(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const res = await fetch(`${server.url}${path}`, {
    method,
    headers: { authorization: `Bearer ${server.token}`, ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
    ...(body !== undefined ? { body: JSON.stringify(body) } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

beforeAll(async () => {
  dataDir = mkdtempSync(join(tmpdir(), 'echo-mt5-task-'));
  writeFileSync(join(dataDir, 'mt5-bridge.json'), JSON.stringify({ port: 0, heartbeat_ms: 50, stale_after_ms: 500 }));
  server = await startHeadless({ port: 0, dataDir, context: { secrets } });
});

afterAll(async () => {
  fake?.disconnect();
  await server?.close();
  rmSync(dataDir, { recursive: true, force: true });
});

describe('a trading task on MetaTrader 5', () => {
  it('trades through the bridge and keeps one book with the terminal across a dropped link', async () => {
    const session = (await call('POST', '/api/session/create', { user_id: 'mt5_task' })).body.data.session_id as string;
    const connect = await call('POST', '/api/mt5/connect', { login: 12345678, password: 'pw', server: 'Echo-Demo', session_id: session });
    expect(connect.status).toBe(200);
    const token = readFileSync(connect.body.data.bridge.token_file as string, 'utf8').trim();
    fake = new FakeMt5Terminal({ port: connect.body.data.bridge.port, token, login: '12345678', server: 'Echo-Demo' });
    await fake.connect();
    await eventually(async () => (await call('GET', '/api/mt5/status')).body.data.state === 'connected', 5_000, 'connected');

    const started = await call('POST', `/api/dynamic-trading/${session}/start`, {
      pair: 'EURUSD', timeframe: '1M', strategy_name: 'simple_ma', broker: 'mt5',
      config: { lot_size: 0.1, fast_period: 2, slow_period: 4, take_profit_pips: 0, stop_loss_pips: 0 },
    });
    expect(started.status, JSON.stringify(started.body)).toBe(200);
    expect(started.body.data.task).toMatchObject({ broker: 'mt5', feed_source: 'broker', simulated_prices: false });
    const taskId = started.body.data.task.task_id as number;

    // Bars after the warm-up history: down, then up — a strict crossover of the 2- over the 4-bar average.
    const step = 60_000;
    let time = Math.floor(Date.now() / step) * step;
    const closes = [1.1, 1.099, 1.098, 1.097, 1.096, 1.095, 1.097, 1.1, 1.104, 1.108, 1.11];
    for (const close of closes) {
      fake.setPrice('EURUSD', close);
      fake.closeBar('EURUSD', 'M1', time, close);
      time += step;
      await new Promise((r) => setTimeout(r, 40));
    }
    const position = await until(() => [...fake.positions.values()].find((p) => p.comment.startsWith(`E${taskId.toString(36)}-`)), 5_000, 'a position at the terminal');
    expect(position).toMatchObject({ symbol: 'EURUSD', volume: 0.1 });
    const orders = await eventually(async () => {
      const list = (await call('GET', `/api/trading/orders?task_id=${taskId}`)).body.data.orders as { status: string; client_order_id: string }[];
      return list.some((o) => o.status === 'filled') ? list : undefined;
    }, 5_000, 'a filled order in the journal');
    expect(orders.find((o) => o.status === 'filled')?.client_order_id).toBe(position.comment);

    // The link drops; the broker closes the position at its stop meanwhile; after the reconnect both books agree.
    fake.disconnect();
    fake.hitStop(position.ticket, 1.105);
    await new Promise((r) => setTimeout(r, 200));
    await fake.connect();
    await eventually(async () => (await call('GET', `/api/trading/positions?task_id=${taskId}`)).body.data.positions.length === 0, 8_000, 'the engine dropping the closed position');
    const journal = (await call('GET', `/api/trading/orders?task_id=${taskId}`)).body.data.orders as { status: string }[];
    expect(journal.filter((o) => o.status === 'unknown' || o.status === 'journaled')).toEqual([]);
    // Exactly one order at the terminal per decision: no duplicate comments.
    const comments = fake.deals.filter((d) => d.comment).map((d) => d.comment);
    expect(new Set(comments).size).toBe(comments.length);
  }, 30_000);
});
