import { describe, expect, it } from 'vitest';
import { builtinInstrument } from '../domain/instruments';
import { manualLotsProblem, marketClosedReason } from './manual-order';

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
