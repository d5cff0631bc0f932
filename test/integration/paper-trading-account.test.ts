import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createDirectApi, type DirectApi } from '../kit/direct';

/**
 * The paper account's rules, called directly through the contract (no transport) on the simulated market:
 * exact sizing at position_size_percent of the equity, and auto_close_on_sl_tp off (no TP/SL placed).
 */
let api: DirectApi;
beforeAll(() => {
  process.env.ECHO_FEED_SPEED = '400';
  api = createDirectApi();
});
afterAll(() => {
  api?.close();
  delete process.env.ECHO_FEED_SPEED;
});

async function call(name: string, input: unknown): Promise<any> {
  const result = await api.call(name, input);
  if (!result.ok) throw new Error(`${name}: ${result.error.message}`);
  return result.data;
}

async function waitFor<T>(probe: () => Promise<T | undefined>, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('paper account rules', () => {
  it('sizes the first position at exactly position_size_percent of the initial capital (lot step 0.00001 BTC), and places no TP/SL when auto-close is off', async () => {
    await call('paperTrading.enable', {
      initial_capital: 25_000, position_size_percent: 8, max_open_positions: 1, auto_close_on_sl_tp: false, symbols: ['BTCUSDT'],
      timeframe: '1h', strategy: 'simple_ma', strategy_params: { fast_period: 2, slow_period: 5, take_profit_pips: 300, stop_loss_pips: 200 },
    });
    const first = await waitFor(async () => {
      const h = await call('paperTrading.history', { page_size: 100 });
      const p = await call('paperTrading.positions', {});
      // The oldest position of the run, open or closed.
      const all = [...h.results, ...p.positions].sort((a: any, b: any) => a.id - b.id);
      return all[0];
    }, 'the first position');
    const signal = await call('signals.get', { id: first.signal_id });
    // Nothing was realized before it: equity = initial capital; quantity = 25 000 × 8 % / decision close, down to 0.00001.
    const expected = Math.floor((2_000 / signal.indicator_values.close) * 1e5 + 1e-9) / 1e5;
    expect(first.position_size).toBeCloseTo(expected, 8);
    // The signal keeps the levels the strategy asked for; the position has none.
    expect(signal.take_profit).not.toBeNull();
    expect(signal.stop_loss).not.toBeNull();
    const open = await waitFor(async () => {
      const p = await call('paperTrading.positions', {});
      return p.positions[0];
    }, 'an open position');
    expect(open).toMatchObject({ stop_loss: null, take_profit: null });
    // Positions close only by the strategy's reversal (SIGNAL), never at a stop or a take-profit.
    await waitFor(async () => {
      const h = await call('paperTrading.history', { page_size: 100 });
      return h.count >= 3 ? h : undefined;
    }, 'three closed positions');
    const history = await call('paperTrading.history', { page_size: 100 });
    expect(new Set(history.results.map((t: any) => t.exit_reason))).toEqual(new Set(['SIGNAL']));
    const positions = await call('paperTrading.positions', {});
    expect(positions.count).toBeLessThanOrEqual(1);
    const disabled = await call('paperTrading.disable', {});
    expect(disabled.closed_positions).toBeLessThanOrEqual(1);
  });
});
