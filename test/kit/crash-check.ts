import Database from 'better-sqlite3';

/**
 * The exactly-once checker of the crash suites (paper, ccxt, MT5). It reads the app's database after a run (read-only)
 * and the broker's own record of what it received and holds, and lists every way an order could have been
 * duplicated or lost:
 *
 * - an order the broker received that was never journaled, or one the journal says was sent that the broker lacks;
 * - one (task, bar, intent) decision carried out by two orders (whatever their client order ids), one client order
 *   id received twice, one position opened or closed twice;
 * - a task holding more positions at once than its strategy allows (gold_buy_dip: max_grid_trades, else 1);
 * - the broker's open positions ≠ the engine's positions, or an engine position whose opening order is not filled
 *   in the journal; orders left unresolved (journaled / unknown) at the end.
 *
 * `compareRuns` then holds a killed run against the same seeded run without kills: the same decisions and the same
 * trades, up to the bar each task reached in the killed run.
 */

export interface BrokerRecord {
  /** Client order ids of every order the broker received, in the order it received them (duplicates included). */
  received: string[];
  /**
   * Engine position ids of the positions the broker holds now. A spot exchange holds balances, not positions: its
   * suite compares the net holdings instead and leaves this out.
   */
  openPositions?: string[];
}

export interface CrashFigures {
  orders: number;
  decisions: number;
  trades: number;
  openPositions: number;
  /** Per task: the most positions it held at once, and its limit. */
  peak: Record<string, { held: number; limit: number }>;
}

interface JournalRow {
  client_order_id: string; task_id: number; side: string; lots: number; closes_position_id: string | null; reason: string;
  decided_at: number; decision_key: string | null; status: string; fill_price: number | null;
}
interface Interval { id: string; task_id: number; entry_time: number; exit_time: number | null; client_order_id: string }

function limitsOf(db: Database.Database): Map<number, { name: string; limit: number }> {
  const tasks = db.prepare('SELECT id, strategy_name, config_json FROM trading_tasks').all() as { id: number; strategy_name: string; config_json: string }[];
  return new Map(tasks.map((t) => {
    const config = JSON.parse(t.config_json) as Record<string, unknown>;
    const grid = t.strategy_name === 'gold_buy_dip' && config.use_grid_trading !== false;
    return [t.id, { name: `${t.id} ${t.strategy_name}`, limit: grid ? Number(config.max_grid_trades ?? 5) : 1 }];
  }));
}

/** Every violation found (empty: exactly once held), and the figures of the run. */
export function checkExactlyOnce(dbFile: string, broker: BrokerRecord): { violations: string[]; figures: CrashFigures } {
  const db = new Database(dbFile, { readonly: true });
  const violations: string[] = [];
  try {
    if (db.pragma('integrity_check', { simple: true }) !== 'ok') violations.push('database integrity_check failed');
    const journal = db.prepare('SELECT * FROM order_journal').all() as JournalRow[];
    const byId = new Map(journal.map((j) => [j.client_order_id, j]));

    // Journal ↔ broker: nothing reached the broker unjournaled, nothing the journal calls sent is missing there.
    const receivedCount = new Map<string, number>();
    for (const id of broker.received) receivedCount.set(id, (receivedCount.get(id) ?? 0) + 1);
    for (const [id, n] of receivedCount) {
      if (n > 1) violations.push(`client order id ${id} received ${n} times by the broker`);
      if (!byId.has(id)) violations.push(`the broker received ${id}, which was never journaled`);
    }
    for (const j of journal) {
      if ((j.status === 'submitted' || j.status === 'filled') && !receivedCount.has(j.client_order_id)) violations.push(`${j.client_order_id} is ${j.status} in the journal but the broker never received it`);
      if (j.status === 'journaled' || j.status === 'unknown') violations.push(`${j.client_order_id} is still ${j.status} after the run`);
    }

    // One decision, one order: (task, bar, intent) among the orders that reached the broker.
    const decisions = new Map<string, string[]>();
    for (const id of receivedCount.keys()) {
      const j = byId.get(id);
      if (!j) continue;
      const intent = j.closes_position_id ? `close ${j.closes_position_id}` : `open ${j.side} ${j.reason.replace(/[\d.]+/g, '#')}`;
      const key = `${j.task_id}@${j.decided_at}:${intent}`;
      decisions.set(key, [...(decisions.get(key) ?? []), id]);
      // The same grid step re-decided on a later bar is caught by the limits below; this catches it on one bar.
    }
    for (const [key, ids] of decisions) if (ids.length > 1) violations.push(`decision ${key} sent ${ids.length} times: ${ids.join(', ')}`);
    const keyed = new Map<string, string>();
    for (const j of journal) {
      if (!j.decision_key) continue;
      const other = keyed.get(j.decision_key);
      if (other) violations.push(`decision key ${j.decision_key} journaled twice (${other}, ${j.client_order_id})`);
      keyed.set(j.decision_key, j.client_order_id);
    }

    // Positions: opened once, closed once, within the task's limit at every moment.
    const open = db.prepare('SELECT id, task_id, entry_time, NULL AS exit_time, client_order_id FROM positions').all() as Interval[];
    const closed = db.prepare('SELECT position_id AS id, task_id, entry_time, exit_time, client_order_id FROM trades').all() as Interval[];
    const openedBy = new Map<string, number>();
    for (const p of [...open, ...closed]) openedBy.set(p.client_order_id, (openedBy.get(p.client_order_id) ?? 0) + 1);
    for (const [id, n] of openedBy) if (n > 1) violations.push(`opening order ${id} gave ${n} positions`);
    const closes = new Map<string, number>();
    for (const j of journal) if (j.closes_position_id && j.status === 'filled') closes.set(j.closes_position_id, (closes.get(j.closes_position_id) ?? 0) + 1);
    for (const [id, n] of closes) if (n > 1) violations.push(`position ${id} closed by ${n} filled orders`);

    const limits = limitsOf(db);
    const peak: CrashFigures['peak'] = {};
    for (const [taskId, { name, limit }] of limits) {
      const edges: [number, number][] = [];
      for (const p of [...open, ...closed]) {
        if (p.task_id !== taskId) continue;
        edges.push([p.entry_time, +1]);
        if (p.exit_time !== null) edges.push([p.exit_time, -1]);
      }
      // At one time, exits before entries (a reversal closes and opens on the same bar).
      edges.sort((a, b) => a[0] - b[0] || a[1] - b[1]);
      let held = 0;
      let most = 0;
      for (const [time, step] of edges) {
        held += step;
        if (held > most) most = held;
        if (step > 0 && held > limit) violations.push(`task ${name} held ${held} positions at ${new Date(time).toISOString()}, limit ${limit}`);
      }
      peak[name] = { held: most, limit };
    }

    // Broker book = engine positions = journal.
    if (broker.openPositions) {
      const engine = open.map((p) => p.id).sort();
      const held = [...broker.openPositions].sort();
      if (JSON.stringify(engine) !== JSON.stringify(held)) violations.push(`broker holds [${held.join(', ')}] but the engine [${engine.join(', ')}]`);
    }
    for (const p of open) if (byId.get(p.client_order_id)?.status !== 'filled') violations.push(`engine position ${p.id}: its opening order is ${byId.get(p.client_order_id)?.status ?? 'not journaled'}`);

    return {
      violations,
      figures: { orders: broker.received.length, decisions: decisions.size, trades: closed.length, openPositions: open.length, peak },
    };
  } finally {
    db.close();
  }
}

export interface RunComparison {
  /**
   * Decisions the killed run made that the run without kills did not, before the task's first missed decision: a
   * kill made the app decide something extra. (After a miss the task's path has diverged; differences are expected.)
   */
  extraOrders: string[];
  /** Orders the run without kills sent that the killed run did not (an entry missed around a restart). */
  missedOrders: string[];
  /** Closed trades that differ either way (a missed grid entry moves a series' take-profit). */
  tradeDifferences: string[];
  compared: { orders: number; trades: number };
}

/**
 * The killed run against the same seeded run without kills, task by task, up to the last bar the task reached in the
 * killed run — or, on a real broker, up to the first decision a kill dropped unsent (cancelled at restart because its
 * bar had passed, so the runs rightly part there): orders (client order id, side, lots, final status, fill price) and
 * closed trades (times left out: a real broker stamps its own).
 */
export function compareRuns(killedDb: string, baselineDb: string): RunComparison {
  const read = (file: string) => {
    const db = new Database(file, { readonly: true });
    try {
      const bars = new Map((db.prepare('SELECT id, last_bar_time FROM trading_tasks').all() as { id: number; last_bar_time: number | null }[]).map((t) => [t.id, t.last_bar_time ?? 0]));
      const orders = db.prepare('SELECT task_id, decided_at, client_order_id, side, lots, closes_position_id, status, fill_price, error FROM order_journal ORDER BY client_order_id').all() as (JournalRow & { error: string | null })[];
      const trades = db.prepare(
        `SELECT t.task_id, t.position_id, t.side, t.lots, t.entry_price, t.exit_price, t.exit_reason,
                coalesce((SELECT max(j.decided_at) FROM order_journal j WHERE j.closes_position_id = t.position_id AND j.status = 'filled'), t.exit_time) AS closed_by
         FROM trades t ORDER BY t.position_id`,
      ).all() as { task_id: number; closed_by: number }[];
      return { bars, orders, trades };
    } finally {
      db.close();
    }
  };
  const killed = read(killedDb);
  const baseline = read(baselineDb);
  const result: RunComparison = { extraOrders: [], missedOrders: [], tradeDifferences: [], compared: { orders: 0, trades: 0 } };
  for (const [taskId, lastBar] of killed.bars) {
    if ((baseline.bars.get(taskId) ?? 0) < lastBar) result.missedOrders.push(`task ${taskId}: the baseline run stopped before ${lastBar}`);
    const dropped = killed.orders.filter((o) => o.task_id === taskId && o.status === 'cancelled' && /never reached the broker|never received/.test(o.error ?? ''));
    const cutoff = Math.min(lastBar, ...dropped.map((o) => o.decided_at));
    const orders = (run: typeof killed) =>
      run.orders.filter((o) => o.task_id === taskId && o.decided_at < cutoff).map(({ error: _error, ...o }) => JSON.stringify(o));
    const trades = (run: typeof killed) => run.trades.filter((t) => t.task_id === taskId && t.closed_by < cutoff).map((t) => JSON.stringify(t));
    const [ko, bo, kt, bt] = [orders(killed), orders(baseline), trades(killed), trades(baseline)];
    result.compared.orders += ko.length;
    result.compared.trades += kt.length;
    // A decision is (when, which side, open or close, how much); fill prices and ids are compared through the trades.
    const decision = (json: string) => {
      const o = JSON.parse(json) as JournalRow;
      return `${o.decided_at}|${o.side}|${o.closes_position_id === null ? 'open' : 'close'}|${o.lots}`;
    };
    const [kd, bd] = [ko.map(decision), bo.map(decision)];
    const missed = bo.filter((_, i) => !kd.includes(bd[i] as string));
    // Once a restart made the task miss a decision its path has diverged: what it decides after that may differ and
    // is not counted as extra. An extra decision before any miss is what a kill must never cause.
    const diverged = Math.min(...missed.map((x) => (JSON.parse(x) as JournalRow).decided_at));
    result.extraOrders.push(...ko.filter((x, i) => !bd.includes(kd[i] as string) && (JSON.parse(x) as JournalRow).decided_at < diverged));
    result.missedOrders.push(...missed);
    result.tradeDifferences.push(...kt.filter((x) => !bt.includes(x)), ...bt.filter((x) => !kt.includes(x)));
  }
  return result;
}
