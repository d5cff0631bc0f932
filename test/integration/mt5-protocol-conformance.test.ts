import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { APP_MESSAGE_TYPES, COMMAND_TIMEOUT_MS, EA_MESSAGE_TYPES } from '../../src/adapters/brokers/mt5/protocol';

/**
 * PROTOCOL.md is the contract between the app and EchoBridge.mq5 (which cannot be compiled here). This test reads
 * both: every message and command the protocol's table defines must be built (EA → app) or dispatched to its
 * handler (app → EA) in the EA, and known to the app's protocol module and to the fake terminal the other tests use.
 */
const root = join(__dirname, '..', '..');
const protocol = readFileSync(join(root, 'resources', 'mt5', 'PROTOCOL.md'), 'utf8');
const ea = readFileSync(join(root, 'resources', 'mt5', 'EchoBridge.mq5'), 'utf8');
const fake = readFileSync(join(root, 'test', 'kit', 'fake-mt5-terminal', 'fake-mt5-terminal.ts'), 'utf8');

interface Row {
  direction: 'ea' | 'app';
  type: string;
  kind: string;
  handler: string;
}

function messageTable(): Row[] {
  const start = protocol.indexOf('<!-- message-table:start -->');
  const end = protocol.indexOf('<!-- message-table:end -->');
  expect(start, 'PROTOCOL.md has the message table markers').toBeGreaterThan(-1);
  const rows: Row[] = [];
  for (const line of protocol.slice(start, end).split('\n')) {
    const cells = line.split('|').map((c) => c.trim()).filter(Boolean);
    if (cells.length !== 4 || !cells[1]?.startsWith('`')) continue;
    const [direction, type, kind, handler] = cells as [string, string, string, string];
    rows.push({ direction: direction.startsWith('EA') ? 'ea' : 'app', type: type.replace(/`/g, ''), kind, handler: handler.replace(/`/g, '') });
  }
  return rows;
}

/** The MQL5 source with comments, string contents and character literals blanked out (same length, same offsets). */
function code(source: string): string {
  const out = source.split('');
  for (let i = 0; i < source.length; i++) {
    const c = source[i];
    if (c === '/' && source[i + 1] === '/') {
      while (i < source.length && source[i] !== '\n') out[i++] = ' ';
    } else if (c === '/' && source[i + 1] === '*') {
      const end = source.indexOf('*/', i + 2) + 2;
      for (; i < end; i++) if (source[i] !== '\n') out[i] = ' ';
      i--;
    } else if (c === '"' || c === "'") {
      i++;
      while (i < source.length && source[i] !== c) {
        const step = source[i] === '\\' ? 2 : 1;
        for (let k = 0; k < step; k++) out[i + k] = ' ';
        i += step;
      }
    }
  }
  return out.join('');
}

const stripped = code(ea);
const DEFINITION = /^[ \t]*(?:void|bool|string|int|long|ulong|double|datetime|ENUM_[A-Z_]+)\s+([A-Za-z_]\w*)\s*\(/gm;
const definedFunctions = new Set([...stripped.matchAll(DEFINITION)].map((m) => m[1] as string));

/** The body of a function defined in the EA (with its strings), by brace matching. */
function body(name: string): string {
  const match = new RegExp(`^[ \\t]*(?:void|bool|string|int|long|ulong|double|datetime|ENUM_[A-Z_]+)\\s+${name}\\s*\\(`, 'm').exec(ea);
  if (!match) throw new Error(`${name} is not defined in EchoBridge.mq5`);
  const open = ea.indexOf('{', match.index);
  const s = code(ea.slice(open));
  let depth = 0;
  for (let i = 0; i < s.length; i++) {
    if (s[i] === '{') depth++;
    else if (s[i] === '}' && --depth === 0) return ea.slice(open, open + i + 1);
  }
  throw new Error(`unbalanced braces in ${name}`);
}

describe('PROTOCOL.md ↔ EchoBridge.mq5 ↔ the app', () => {
  const rows = messageTable();

  it('the message table lists both directions, and matches the app’s protocol module', () => {
    expect(rows.length).toBeGreaterThan(20);
    expect(rows.filter((r) => r.direction === 'ea').map((r) => r.type).sort()).toEqual([...EA_MESSAGE_TYPES].sort());
    expect(rows.filter((r) => r.direction === 'app').map((r) => r.type).sort()).toEqual([...APP_MESSAGE_TYPES].sort());
    const commands = rows.filter((r) => r.kind === 'command').map((r) => r.type).sort();
    expect(commands).toEqual(Object.keys(COMMAND_TIMEOUT_MS).sort());
  });

  it('every EA → app message is built by the named function in EchoBridge.mq5, and that function is used', () => {
    for (const row of rows.filter((r) => r.direction === 'ea')) {
      expect(definedFunctions.has(row.handler), `${row.handler} (for ${row.type}) is defined`).toBe(true);
      expect(body(row.handler), `${row.handler} builds "${row.type}"`).toContain(`"${row.type}"`);
      const calls = stripped.match(new RegExp(`\\b${row.handler}\\s*\\(`, 'g')) ?? [];
      expect(calls.length, `${row.handler} is called somewhere besides its definition`).toBeGreaterThan(1);
    }
    // Sequenced messages carry a seq; the others do not.
    for (const row of rows.filter((r) => r.direction === 'ea')) {
      const hasSeq = body(row.handler).includes('SeqField()');
      expect(hasSeq, `${row.type} ${row.kind === 'sequenced' ? 'carries' : 'carries no'} seq`).toBe(row.kind === 'sequenced');
    }
  });

  it('every app → EA message and command is dispatched to its handler in EchoBridge.mq5', () => {
    for (const row of rows.filter((r) => r.direction === 'app')) {
      expect(definedFunctions.has(row.handler), `${row.handler} (for ${row.type}) is defined`).toBe(true);
      const dispatch = new RegExp(`type\\s*==\\s*"${row.type}"\\s*\\)\\s*(?:\\{\\s*)?${row.handler}\\s*\\(`);
      expect(dispatch.test(ea), `"${row.type}" is dispatched to ${row.handler}`).toBe(true);
    }
    // Commands get a reply, success or refusal.
    for (const row of rows.filter((r) => r.kind === 'command')) {
      expect(body(row.handler), `${row.handler} replies`).toMatch(/\bReply(Ok|Error)\s*\(/);
    }
    expect(body('HandleLine')).toContain('UNKNOWN_COMMAND');
  });

  it('the commands table documents every command, and the fake terminal answers each of them', () => {
    for (const row of rows.filter((r) => r.kind === 'command')) {
      expect(protocol, `PROTOCOL.md documents ${row.type}`).toMatch(new RegExp(`^\\| \`${row.type}\` \\|`, 'm'));
      expect(fake, `the fake terminal handles ${row.type}`).toContain(`case '${row.type}':`);
    }
  });

  it('EchoBridge.mq5 is plain MQL5: no DLL imports, the event handlers it needs, sockets for the link, CTrade for orders', () => {
    expect(ea).not.toMatch(/#import/);
    for (const handler of ['OnInit', 'OnDeinit', 'OnTimer', 'OnTick', 'OnTradeTransaction']) expect(definedFunctions.has(handler), handler).toBe(true);
    for (const api of ['SocketCreate', 'SocketConnect', 'SocketSend', 'SocketRead', 'SocketIsReadable', 'EventSetMillisecondTimer']) expect(ea).toContain(`${api}(`);
    expect(ea).toMatch(/#include <Trade\\Trade\.mqh>/);
    expect(ea).toMatch(/^CTrade\s+g_trade;/m);
    expect(ea).toMatch(/TerminalInfoInteger\(TERMINAL_CONNECTED\)/);
    expect(ea).toMatch(/input string InpToken/);
    expect(ea).toMatch(/input int\s+InpPort/);
    expect(ea).toMatch(/#define EB_PROTOCOL\s+1\b/);
  });

  it('EchoBridge.mq5 is balanced and calls only functions it defines or MQL5 provides', () => {
    for (const [open, close] of [['{', '}'], ['(', ')'], ['[', ']']] as const) {
      expect(stripped.split(open).length, `${open}${close} balanced`).toBe(stripped.split(close).length);
    }
    const MQL5 = new Set([
      // sockets, timer, files
      'SocketCreate', 'SocketConnect', 'SocketIsConnected', 'SocketIsReadable', 'SocketRead', 'SocketSend', 'SocketClose',
      'EventSetMillisecondTimer', 'EventKillTimer', 'FileOpen', 'FileIsEnding', 'FileReadString', 'FileClose',
      // strings, arrays, math, errors
      'StringToCharArray', 'CharArrayToString', 'StringLen', 'StringFind', 'StringSubstr', 'StringGetCharacter', 'StringTrimLeft',
      'StringTrimRight', 'StringReplace', 'StringFormat', 'StringToDouble', 'StringToInteger', 'IntegerToString', 'DoubleToString',
      'ShortToString', 'StringToUpper', 'ArrayResize', 'ArraySize', 'ArrayCopy', 'ArrayRemove', 'MathMin', 'MathAbs', 'MathFloor', 'MathRound',
      'MathIsValidNumber', 'NormalizeDouble', 'GetLastError', 'ResetLastError', 'Print', 'Alert', 'ZeroMemory',
      // time
      'GetTickCount64', 'TimeTradeServer', 'TimeGMT',
      // terminal, account, program
      'TerminalInfoInteger', 'TerminalInfoString', 'MQLInfoInteger', 'AccountInfoInteger', 'AccountInfoDouble', 'AccountInfoString',
      // symbols and prices
      'SymbolsTotal', 'SymbolName', 'SymbolSelect', 'SymbolExist', 'SymbolInfoInteger', 'SymbolInfoDouble', 'SymbolInfoString',
      'SymbolInfoTick', 'CopyRates', 'iTime',
      // positions, orders, history, trading
      'PositionsTotal', 'PositionGetTicket', 'PositionGetInteger', 'PositionGetDouble', 'PositionGetString', 'OrdersTotal',
      'OrderGetTicket', 'OrderGetInteger', 'OrderGetDouble', 'OrderGetString', 'HistorySelect', 'HistorySelectByPosition',
      'HistoryDealSelect', 'HistoryDealsTotal', 'HistoryDealGetTicket', 'HistoryDealGetInteger', 'HistoryDealGetDouble',
      'HistoryDealGetString', 'HistoryOrdersTotal', 'HistoryOrderGetTicket', 'HistoryOrderGetInteger', 'HistoryOrderGetString',
      'OrderSend',
      // CTrade methods (called as g_trade.X)
      'SetDeviationInPoints', 'SetAsyncMode', 'SetExpertMagicNumber', 'SetTypeFillingBySymbol', 'PositionOpen', 'PositionModify',
      'ResultRetcode', 'ResultRetcodeDescription', 'ResultDeal', 'ResultOrder', 'ResultVolume', 'ResultPrice',
    ]);
    const KEYWORDS = new Set(['if', 'for', 'while', 'switch', 'return', 'sizeof']);
    const called = new Set([...stripped.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)].map((m) => m[1] as string));
    const unknown = [...called].filter((name) => !definedFunctions.has(name) && !MQL5.has(name) && !KEYWORDS.has(name) && !/^(void|bool|string|int|long|ulong|uint|ushort|double|datetime|ENUM_\w+)$/.test(name));
    expect(unknown).toEqual([]);
  });
});
