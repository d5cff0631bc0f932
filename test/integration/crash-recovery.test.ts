import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startServeProcess, type ServeProcess } from '../kit/serve-process';

/**
 * Crash test: trading on an accelerated feed, the server process is killed with SIGKILL at random moments, 20 times,
 * and restarted on the same data directory each time. Afterwards the order journal and the paper broker's book
 * agree: no order sent twice, none lost, every position the broker holds known to the engine, database intact.
 */
const KILLS = 20;
const dataDir = mkdtempSync(join(tmpdir(), 'echo-crash-'));
const env = { ECHO_FEED_SPEED: '1500', ECHO_LOG_LEVEL: 'warn' };
afterAll(() => rmSync(dataDir, { recursive: true, force: true }));

/** Deterministic "random" moments, so a failure can be replayed. */
function* moments(seed: number): Generator<number> {
  let x = seed;
  for (;;) {
    x = (x * 1103515245 + 12345) % 2147483648;
    yield 150 + (x % 1200);
  }
}

describe('crash recovery', () => {
  it(`survives ${KILLS} SIGKILLs mid-trading without duplicating or losing an order`, async () => {
    let serve: ServeProcess = await startServeProcess({ dataDir, env });
    const session = (await serve.call('POST', '/api/session/create', { user_id: 'crash' })).body.data.session_id as string;
    const starts = [
      { pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip', config: { lot_size: 0.01, percentage_threshold: 0.05, lookback_candles: 20, zscore_period: 10, zscore_threshold_buy: -0.5, zscore_threshold_sell: 0.5, use_take_profit_percent: true, take_profit_percent: 0.05, grid_spacing_percent: 0.03 } },
      { pair: 'EURUSD', timeframe: '1M', strategy_name: 'simple_ma', config: { lot_size: 0.1, fast_period: 3, slow_period: 7, take_profit_pips: 0, stop_loss_pips: 0 } },
      { pair: 'XAGUSD', timeframe: '5M', strategy_name: 'gold_buy_dip', config: { lot_size: 0.05, percentage_threshold: 0.05, lookback_candles: 15, zscore_period: 10, zscore_threshold_buy: -0.5, zscore_threshold_sell: 0.5, use_take_profit_percent: true, take_profit_percent: 0.05 } },
      { pair: 'GBPUSD', timeframe: '1M', strategy_name: 'simple_ma', config: { lot_size: 0.1, fast_period: 2, slow_period: 5, take_profit_pips: 5, stop_loss_pips: 5 } },
    ];
    for (const start of starts) {
      const res = await serve.call('POST', `/api/dynamic-trading/${session}/start`, start);
      expect(res.status, JSON.stringify(res.body)).toBe(200);
    }

    const wait = moments(20261122);
    const progress: number[] = [];
    for (let kill = 0; kill < KILLS; kill++) {
      await new Promise((r) => setTimeout(r, wait.next().value as number));
      await serve.stop('SIGKILL');
      serve = await startServeProcess({ dataDir, env });
      const tasks = (await serve.call('GET', `/api/dynamic-trading/${session}/tasks`)).body.data.tasks as { status: string }[];
      expect(tasks).toHaveLength(starts.length);
      progress.push((await serve.call('GET', '/api/trading/orders?limit=10000')).body.data.orders.length);
    }
    await new Promise((r) => setTimeout(r, 500));
    await serve.stop('SIGTERM');

    const db = new Database(join(dataDir, 'echo.sqlite'), { readonly: true });
    try {
      expect(db.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(db.pragma('foreign_key_check')).toEqual([]);

      const journal = db.prepare('SELECT client_order_id, status, closes_position_id FROM order_journal').all() as {
        client_order_id: string; status: string; closes_position_id: string | null;
      }[];
      const brokerOrders = db.prepare("SELECT client_order_id, status, order_json FROM paper_orders WHERE order_json != '{}'").all() as {
        client_order_id: string; status: string; order_json: string;
      }[];
      // Trading really happened, and kept happening across restarts.
      expect(journal.length).toBeGreaterThan(20);
      expect(progress.at(-1)).toBeGreaterThan(progress[0] as number);

      // Every order the broker received was journaled first, exactly once; none the journal says was sent is missing.
      const journaled = new Map(journal.map((j) => [j.client_order_id, j]));
      for (const order of brokerOrders) expect(journaled.has(order.client_order_id), order.client_order_id).toBe(true);
      const received = new Set(brokerOrders.map((o) => o.client_order_id));
      for (const entry of journal) {
        if (entry.status === 'submitted' || entry.status === 'filled') expect(received.has(entry.client_order_id), entry.client_order_id).toBe(true);
      }
      // No decision executed twice: one position per opening order, one close per position.
      const opened = db.prepare('SELECT client_order_id, count(*) n FROM (SELECT client_order_id FROM positions UNION ALL SELECT client_order_id FROM trades) GROUP BY client_order_id HAVING n > 1').all();
      expect(opened).toEqual([]);

      // The engine knows every position the broker holds, and holds nothing the broker does not.
      const brokerPositions = (db.prepare('SELECT id FROM paper_positions ORDER BY id').all() as { id: string }[]).map((r) => r.id);
      const enginePositions = (db.prepare('SELECT id FROM positions ORDER BY id').all() as { id: string }[]).map((r) => r.id);
      expect(enginePositions).toEqual(brokerPositions);
    } finally {
      db.close();
    }
  }, 600_000);
});
