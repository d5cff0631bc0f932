import { describe, expect, it } from 'vitest';
import { builtinInstrument } from '../domain/instruments';
import type { ClosedTrade, OrderFilled } from '../domain/trading';
import { manualLotsProblem, marketClosedReason } from './manual-order';
import { StrategyRunner } from './strategy-runner';

const gold = builtinInstrument('XAUUSD')!;
const btc = builtinInstrument('BTCUSDT')!;
const bar = (iso: string) => ({ time: Date.parse(iso), open: 1, high: 1, low: 1, close: 1, volume: 1 });

describe('manual order rules', () => {
  it('takes lots as the broker will (minimum, step, maximum) and never rounds them', () => {
    expect(manualLotsProblem(gold, 0.01)).toBeNull();
    expect(manualLotsProblem(gold, 0.07)).toBeNull();
    expect(manualLotsProblem(gold, 100)).toBeNull();
    expect(manualLotsProblem(gold, 0.005)).toBe("0.005 lots is below XAUUSD's minimum of 0.01 lots");
    expect(manualLotsProblem(gold, 0.015)).toBe("0.015 lots is not a multiple of XAUUSD's lot step 0.01; send 0.01 or 0.02");
    expect(manualLotsProblem(gold, 101)).toBe("101 lots is above XAUUSD's maximum of 100 lots");
    expect(manualLotsProblem(gold, 0)).toContain('positive');
    expect(manualLotsProblem(btc, 0.00123)).toBeNull();
  });

  it('knows the forex/metals weekend on the task’s own market clock (the close of its last bar)', () => {
    const at = (iso: string, source = 'replay', instrument = gold) => marketClosedReason({ instrument, timeframe: '15M', lastBar: bar(iso), source });
    expect(at('2024-03-08T21:30:00Z')).toBeNull(); // Friday, the bar closes 21:45
    expect(at('2024-03-08T21:45:00Z')).toContain('closed for the weekend'); // closes 22:00 Friday
    expect(at('2024-03-09T12:00:00Z')).toContain('opens Sunday 22:00 UTC');
    expect(at('2024-03-10T21:45:00Z')).toBeNull(); // Sunday, the bar closes 22:00: open again
    expect(at('2024-03-06T03:00:00Z')).toBeNull(); // a Wednesday
    expect(at('2024-03-09T12:00:00Z', 'replay', btc)).toBeNull(); // crypto trades at weekends
    expect(at('2024-03-09T12:00:00Z', 'simulated')).toBeNull(); // a simulated market trades whenever it has prices
    expect(marketClosedReason({ instrument: gold, timeframe: '15M', lastBar: undefined, source: 'replay' })).toContain('no price yet');
  });
});

describe('a manual order on a strategy’s task', () => {
  it('goes through the runner’s risk checks under its own id, and its fills and close are not the strategy’s', () => {
    const told: string[] = [];
    const routed: string[] = [];
    const runner = new StrategyRunner({
      taskId: '1', orderIdPrefix: 'E1', instrument: gold, capital: 10_000, magic: 7,
      strategy: { onBar: () => undefined, onFilled: (f: OrderFilled) => void told.push(`filled ${f.positionId}`), onClosed: (t: ClosedTrade) => void told.push(`closed ${t.positionId}`) },
      router: { submit: (o) => void routed.push(o.clientOrderId), setProtection: () => undefined },
      accountRate: () => 1,
    });
    const bars = { time: Float64Array.of(Date.UTC(2024, 2, 6)), open: Float64Array.of(2100), high: Float64Array.of(2100), low: Float64Array.of(2100), close: Float64Array.of(2100), volume: Float64Array.of(0), length: 1 };
    runner.onBar(bars, 0);
    // The same lot rule as the strategy's own orders.
    expect(runner.buy(0.001, { clientOrderId: 'E1-mtoo-small' })).toBeUndefined();
    expect(runner.buy(0.01, { clientOrderId: 'E1-mabc' })).toBe('E1-mabc');
    expect(runner.buy(0.01)).toMatch(/^E1-/); // the strategy's own
    expect(routed).toEqual(['E1-mabc', expect.stringMatching(/^E1-[0-9a-z]+-0$/)]);
    const fill = (id: string): OrderFilled => ({ clientOrderId: id, positionId: id, taskId: '1', symbol: 'XAUUSD', side: 'BUY', lots: 0.01, price: 2100, time: 1, commission: 0, opens: true });
    runner.applyFilled(fill('E1-mabc'));
    runner.applyFilled(fill(routed[1]!));
    expect(runner.positions.map((p) => p.id)).toEqual(['E1-mabc', routed[1]]);
    expect(told).toEqual([`filled ${routed[1]}`]);
    const trade = (id: string): ClosedTrade => ({ positionId: id, taskId: '1', symbol: 'XAUUSD', side: 'BUY', lots: 0.01, entryPrice: 2100, entryTime: 1, exitPrice: 2101, exitTime: 2, exitReason: 'manual', pnl: 1, commission: 0, magic: 7, clientOrderId: id });
    runner.applyClosed(trade('E1-mabc'));
    runner.applyClosed(trade(routed[1]!));
    expect(told).toEqual([`filled ${routed[1]}`, `closed ${routed[1]}`]);
  });
});

describe('a manual order on a paper-trading account task', () => {
  it('keeps the trader’s lots where the account would size the strategy’s, and still obeys the account’s refusals', () => {
    const routed: { id: string; lots: number }[] = [];
    let full = false;
    const runner = new StrategyRunner({
      taskId: '2', orderIdPrefix: 'E2', instrument: gold, capital: 10_000, magic: 7, strategy: { onBar: () => undefined },
      router: { submit: (o) => void routed.push({ id: o.clientOrderId, lots: o.lots }), setProtection: () => undefined },
      accountRate: () => 1,
      account: { admit: () => (full ? { code: 'MAX_OPEN_POSITIONS' as const, message: 'the account holds its maximum of positions' } : 0.37), protection: true },
    });
    const bars = { time: Float64Array.of(Date.UTC(2024, 2, 6)), open: Float64Array.of(2100), high: Float64Array.of(2100), low: Float64Array.of(2100), close: Float64Array.of(2100), volume: Float64Array.of(0), length: 1 };
    runner.onBar(bars, 0);
    runner.buy(0.01);
    runner.buy(0.02, { clientOrderId: 'E2-mx' });
    expect(routed.map((r) => r.lots)).toEqual([0.37, 0.02]);
    full = true;
    expect(runner.buy(0.02, { clientOrderId: 'E2-my' })).toBeUndefined();
  });
});
