import { describe, expect, it } from 'vitest';
import { CsvLayoutError, detectLayout } from './csv-layout';

describe('detectLayout', () => {
  it('reads the common layout of ../shared/data', () => {
    const l = detectLayout('time,open,high,low,close,volume');
    expect(l).toMatchObject({ kind: 'named-header', delimiter: ',', hasHeader: true, dateColumn: 0, timeColumn: undefined });
    expect([l.open, l.high, l.low, l.close, l.volume]).toEqual([1, 2, 3, 4, 5]);
  });

  it('reads an MT5 export header, taking tick volume', () => {
    const l = detectLayout('<DATE>\t<TIME>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>');
    expect(l).toMatchObject({ kind: 'mt5-header', delimiter: '\t', dateColumn: 0, timeColumn: 1, open: 2, close: 5, volume: 6 });
    expect(l.description).toContain('MetaTrader 5');
  });

  it('reads a daily MT5 export (no <TIME>)', () => {
    const l = detectLayout('<DATE>\t<OPEN>\t<HIGH>\t<LOW>\t<CLOSE>\t<TICKVOL>\t<VOL>\t<SPREAD>');
    expect(l).toMatchObject({ kind: 'mt5-header', dateColumn: 0, timeColumn: undefined, open: 1, volume: 5 });
  });

  it("reads MT5 Python's header and quoted, capitalised names", () => {
    expect(detectLayout('time,open,high,low,close,tick_volume,spread,real_volume')).toMatchObject({ volume: 5, minFields: 6 });
    expect(detectLayout('"Date","Open","High","Low","Close","Volume"')).toMatchObject({ dateColumn: 0, volume: 5 });
  });

  it('reads header-less MT4/MT5 lines with a separate time column', () => {
    const l = detectLayout('2024.08.01,20:18,2441.14,2441.29,2440.93,2441.05,72');
    expect(l).toMatchObject({ kind: 'headerless', hasHeader: false, delimiter: ',', timeColumn: 1, open: 2, volume: 6, minFields: 7 });
    expect(detectLayout('2019.07.29;21:00:00;1.11443;1.11446;1.11442;1.11446;5')).toMatchObject({ delimiter: ';', timeColumn: 1 });
  });

  it('reads header-less lines with one date-time column, with or without volume', () => {
    expect(detectLayout('2021-01-25 02:48,1.36977,1.36984,1.3696,1.36964,47')).toMatchObject({ timeColumn: undefined, open: 1, volume: 5 });
    expect(detectLayout('2020-04-27 04:40\t1.08418\t1.08419\t1.08405\t1.08412\t154')).toMatchObject({ delimiter: '\t', volume: 5 });
    const noVolume = detectLayout('2021-01-25 02:48,1.36977,1.36984,1.3696,1.36964');
    expect(noVolume.volume).toBeUndefined();
    expect(noVolume.description).toContain('volume stored as 0');
  });

  it('ignores a byte-order mark', () => {
    expect(detectLayout('\uFEFFtime,open,high,low,close,volume').kind).toBe('named-header');
  });

  it('rejects what it cannot read, naming the missing columns', () => {
    expect(() => detectLayout('')).toThrow(CsvLayoutError);
    expect(() => detectLayout('symbol,price,qty')).toThrow(/time, open, high, low, close/);
    expect(() => detectLayout('time,open,high,low,volume')).toThrow(/close/);
  });
});
