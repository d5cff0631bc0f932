import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectApi, type DirectApi } from '../../../test/kit/direct';

/**
 * market.overlays against the real engine on the simulated market: the indicator lines must equal a plain reference
 * computation over the same candles `market.candles` sends, including the first bars of a window (warm-up taken
 * from before it), and markers must be the task's own fills.
 */

let direct: DirectApi;
let sessionId: string;
beforeAll(async () => {
  process.env.ECHO_FEED_SPEED = '400';
  direct = createDirectApi();
  sessionId = (await direct.api.session.create({ user_id: 'overlays' })).session_id;
});
afterAll(() => {
  delete process.env.ECHO_FEED_SPEED;
  direct?.close();
});

async function waitFor<T>(probe: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}

const sma = (xs: number[], end: number, n: number) => xs.slice(end - n + 1, end + 1).reduce((a, b) => a + b, 0) / n;

describe('market.overlays', () => {
  it('recomputes simple_ma lines over the window and marks the task’s entries and exits', async () => {
    const { api } = direct;
    const { task } = await api.trading.start({
      session_id: sessionId, pair: 'EURUSD', timeframe: '1M', strategy_name: 'simple_ma', config: { fast_period: 2, slow_period: 5 },
    });
    await waitFor(async () => ((await api.trading.trades({ task_id: task.task_id })).trades.length >= 2 ? true : undefined));
    await api.trading.stop({ session_id: sessionId, pair: 'EURUSD' });
    const stopped = (await api.trading.tasks({ session_id: sessionId, include_stopped: 'true' })).tasks.find((t) => t.task_id === task.task_id);
    const to = Date.parse(stopped?.last_bar_time ?? '');

    const candles = await api.market.candles({ symbol: 'EURUSD', timeframe: '1M', to, limit: 300 });
    const o = await api.market.overlays({ task_id: task.task_id, to, limit: 300 });
    expect(o).toMatchObject({ symbol: 'EURUSD', timeframe: '1M', strategy_name: 'simple_ma', simulated: true });
    expect(o.time).toEqual(candles.time);
    expect(o.series.map((s) => [s.key, s.pane, s.label])).toEqual([
      ['fast_ma', 'price', 'SMA(2)'],
      ['slow_ma', 'price', 'SMA(5)'],
    ]);
    // Wider history for the reference, so the window's first values have their warm-up.
    const wide = await api.market.candles({ symbol: 'EURUSD', timeframe: '1M', to, limit: 310 });
    const offset = wide.time.length - candles.time.length;
    const slow = o.series[1]?.values ?? [];
    expect(slow[0]).toBeCloseTo(sma(wide.close, offset, 5), 12);
    expect(slow.at(-1)).toBeCloseTo(sma(wide.close, wide.close.length - 1, 5), 12);

    const trades = (await api.trading.trades({ task_id: task.task_id })).trades;
    const first = o.time[0] as number;
    const inside = trades.filter((t) => Date.parse(t.exit_time) >= first);
    expect(inside.length).toBeGreaterThan(0);
    for (const t of inside) {
      const exit = o.markers.find((m) => m.kind === 'exit' && m.position_id === t.position_id);
      expect(exit).toMatchObject({ side: t.side, price: t.exit_price, time: Date.parse(t.exit_time), reason: t.exit_reason, open: false });
    }
    expect(o.markers.map((m) => m.time)).toEqual([...o.markers.map((m) => m.time)].sort((a, b) => a - b));
    expect(o.levels).toEqual([]); // stopped with close_positions: nothing open
  });

  it('gives gold_buy_dip its lookback bands, z-score pane and thresholds; honours from', async () => {
    const { api } = direct;
    const { task } = await api.trading.start({
      session_id: sessionId, pair: 'XAUUSD', timeframe: '1M', strategy_name: 'gold_buy_dip',
      config: {
        lookback_candles: 10, zscore_period: 8, zscore_threshold_buy: -1.5, zscore_threshold_sell: 1.5,
        percentage_threshold: 0.15, grid_percent: 0.1, take_profit_percent: 0.15,
      },
    });
    const full = await api.market.overlays({ task_id: task.task_id, limit: 100 });
    expect(full.series.map((s) => [s.key, s.pane])).toEqual([
      ['lookback_high', 'price'],
      ['lookback_low', 'price'],
      ['zscore', 'oscillator'],
    ]);
    expect(full.thresholds).toEqual([
      { pane: 'oscillator', value: 1.5, label: 'SELL z' },
      { pane: 'oscillator', value: -1.5, label: 'BUY z' },
    ]);
    const last = full.time.at(-1) as number;
    const candles = await api.market.candles({ symbol: 'XAUUSD', timeframe: '1M', to: last, limit: 100 });
    const i = candles.time.length - 1;
    expect(full.series[0]?.values.at(-1)).toBe(Math.max(...candles.high.slice(i - 9, i + 1)));
    expect(full.series[1]?.values.at(-1)).toBe(Math.min(...candles.low.slice(i - 9, i + 1)));
    const closes = candles.close.slice(i - 7, i + 1);
    const mean = closes.reduce((a, b) => a + b, 0) / 8;
    const sd = Math.sqrt(closes.reduce((a, b) => a + (b - mean) ** 2, 0) / 8);
    expect(full.series[2]?.values.at(-1)).toBeCloseTo(((candles.close[i] as number) - mean) / sd, 9);
    expect(full.series.every((s) => s.values.every((v) => v !== null))).toBe(true);

    // An open series: its entries and TP are drawn, and the next grid level while the grid has room.
    // Levels and positions read a moment apart: retry until both describe the same open series.
    const { levels, open } = await waitFor(async () => {
      const o = await api.market.overlays({ task_id: task.task_id, limit: 10 });
      const positions = (await api.trading.positions({ task_id: task.task_id })).positions;
      const entries = o.levels.filter((l) => l.kind === 'entry').map((l) => l.price).sort();
      const same = positions.length > 0 && JSON.stringify(entries) === JSON.stringify(positions.map((p) => p.entry_price).sort());
      return same ? { levels: o.levels, open: positions } : undefined;
    });
    expect(levels.find((l) => l.kind === 'take_profit')?.price).toBe(open[0]?.take_profit);
    expect(levels.some((l) => l.kind === 'next_grid')).toBe(open.length < 5);

    const from = candles.time[90] as number;
    const tail = await api.market.overlays({ task_id: task.task_id, from, to: last, limit: 100 });
    expect(tail.time).toEqual(candles.time.slice(90));
    expect(tail.series[2]?.values).toEqual(full.series[2]?.values.slice(90));
    await api.trading.stop({ session_id: sessionId, pair: 'XAUUSD' });
  });

  it('refuses an unknown task with NOT_FOUND', async () => {
    const result = await direct.call('market.overlays', { task_id: 4242 });
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.error.code).toBe('NOT_FOUND');
  });
});
