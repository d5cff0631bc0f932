import { describe, expect, it } from 'vitest';
import { formatUtcOffset, looksLikeTimeOfDay, parseTime, parseUtcOffset } from './csv-time';

const utc = (iso: string) => Date.parse(iso);

describe('parseTime', () => {
  it.each([
    ['2026-03-24T14:00:00Z', '2026-03-24T14:00:00Z', true],
    ['2004-08-19', '2004-08-19T00:00:00Z', false],
    ['2024.08.01 20:18', '2024-08-01T20:18:00Z', false],
    ['2024.08.01 20:18:07', '2024-08-01T20:18:07Z', false],
    ['2024/8/1 9:05', '2024-08-01T09:05:00Z', false],
    ['2024-08-01 20:18:00.250', '2024-08-01T20:18:00.250Z', false],
    ['01.08.2024 20:18:00', '2024-08-01T20:18:00Z', false],
    ['2024-08-01T23:18:00+03:00', '2024-08-01T20:18:00Z', true],
    ['2024-08-01T23:18:00+0300', '2024-08-01T20:18:00Z', true],
    ['2024-08-01 15:18-05', '2024-08-01T20:18:00Z', true],
    ['1722543480', '2024-08-01T20:18:00Z', true],
    ['1722543480000', '2024-08-01T20:18:00Z', true],
  ])('reads %s', (text, iso, absolute) => {
    expect(parseTime(text)).toEqual({ ms: utc(iso), absolute });
  });

  it.each(['', 'time', '2024-13-01', '2024-02-30', '2023-02-29 00:00', '2024-08-01 24:00', '2024-08-01 20:60', '0024-08-01', '2024-08-01 20', '12345'])(
    'rejects %j',
    (text) => expect(parseTime(text)).toBeUndefined(),
  );

  it('accepts 29 February in a leap year', () => expect(parseTime('2024-02-29')?.ms).toBe(utc('2024-02-29T00:00:00Z')));
});

describe('utc offsets', () => {
  it.each([
    ['+3', 180], ['-5', -300], ['3', 180], ['0', 0], ['+05:30', 330], ['+0530', 330], ['UTC+2', 120], ['GMT-4', -240],
  ])('%s is %i minutes', (text, minutes) => expect(parseUtcOffset(text)).toBe(minutes));

  it.each(['', 'abc', '+15', '+3:75', 'NY+7'])('rejects %j', (text) => expect(parseUtcOffset(text)).toBeUndefined());

  it('formats', () => {
    expect(formatUtcOffset(180)).toBe('UTC+3');
    expect(formatUtcOffset(-330)).toBe('UTC-5:30');
    expect(formatUtcOffset(0)).toBe('UTC+0');
  });

  it('recognises a time-of-day column', () => {
    expect(looksLikeTimeOfDay('20:18')).toBe(true);
    expect(looksLikeTimeOfDay('20:18:00')).toBe(true);
    expect(looksLikeTimeOfDay('2441.14')).toBe(false);
  });
});
