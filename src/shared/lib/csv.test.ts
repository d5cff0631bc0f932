import { describe, expect, it } from 'vitest';
import { toCsv } from './csv';

describe('toCsv', () => {
  it('quotes commas, quotes and line breaks; leaves numbers as written; CRLF rows', () => {
    expect(toCsv(['a', 'b', 'c'], [[1.5, 'x,y', 'say "hi"'], [null, 'two\nlines', -3]])).toBe(
      'a,b,c\r\n1.5,"x,y","say ""hi"""\r\n,"two\nlines",-3\r\n',
    );
  });
  it('defuses spreadsheet formulas in text fields but not negative numbers', () => {
    expect(toCsv(['m'], [['=HYPERLINK("x")'], ['@SUM(A1)'], [-2]])).toBe('m\r\n"\'=HYPERLINK(""x"")"\r\n\'@SUM(A1)\r\n-2\r\n');
  });
});
