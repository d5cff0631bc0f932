import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { applyMigrations, openDatabase, type SqliteDatabase } from '../../adapters/persistence/sqlite/database';
import { migrations } from '../../adapters/persistence/sqlite/migrations';
import { createSqliteCustomStrategyRepository } from '../../adapters/persistence/sqlite/custom-strategy-repository';
import * as contract from '../../shared/contract/custom-strategies';
import { isDomainError, statusOf, type ErrorCode } from '../../shared/contract/errors';
import { describeZodError } from '../../shared/contract/invoke';
import type { Procedure } from '../../shared/contract/procedure';
import { createCustomStrategyHandlers, type CustomStrategyHandlers } from './custom-strategy-handlers';

/**
 * The handlers over a real SQLite file, called the way every transport calls them: input validated by the procedure's
 * schema, refusals as DomainErrors, output checked against the output schema.
 */

type Result = { ok: true; data: any } | { ok: false; code: ErrorCode; status: number; message: string };

const PROCEDURES = {
  'customStrategies.create': contract.createCustomStrategy,
  'customStrategies.list': contract.listCustomStrategies,
  'customStrategies.get': contract.getCustomStrategy,
  'customStrategies.update': contract.updateCustomStrategy,
  'customStrategies.delete': contract.deleteCustomStrategy,
  'customStrategies.use': contract.useCustomStrategy,
} satisfies Record<keyof CustomStrategyHandlers, Procedure>;
type Name = keyof typeof PROCEDURES;

let dir: string;
let db: SqliteDatabase;
let handlers: CustomStrategyHandlers;
let time: number;

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'echo-custom-strategies-'));
  db = openDatabase(join(dir, 'echo.sqlite'));
  time = Date.parse('2025-01-06T08:00:00.000Z');
  // Every read of the clock is one second later, so creation order is visible in the timestamps.
  const clock = { now: () => new Date((time += 1000)) };
  handlers = createCustomStrategyHandlers(createSqliteCustomStrategyRepository(db, clock));
});
afterEach(() => {
  db.close();
  rmSync(dir, { recursive: true, force: true });
});

async function call(name: Name, input: unknown): Promise<Result> {
  const procedure = PROCEDURES[name] as Procedure;
  const parsed = procedure.input.safeParse(input ?? {});
  if (!parsed.success) {
    return { ok: false, code: 'VALIDATION_FAILED', status: 400, message: describeZodError(parsed.error).message };
  }
  try {
    const output = await (handlers[name] as (i: unknown) => unknown)(parsed.data);
    const checked = procedure.output.safeParse(output);
    if (!checked.success) throw new Error(`output of ${name} broke the contract: ${checked.error.message}`);
    expect(typeof procedure.message(checked.data)).toBe('string');
    return { ok: true, data: checked.data };
  } catch (error) {
    if (isDomainError(error)) return { ok: false, code: error.code, status: statusOf(error.code), message: error.message };
    throw error;
  }
}

async function ok(name: Name, input: unknown): Promise<any> {
  const result = await call(name, input);
  if (!result.ok) throw new Error(`${name} refused: ${result.message}`);
  return result.data;
}

async function refused(name: Name, input: unknown): Promise<Extract<Result, { ok: false }>> {
  const result = await call(name, input);
  if (result.ok) throw new Error(`${name} should have been refused, got ${JSON.stringify(result.data)}`);
  return result;
}

const INDIA = {
  name: 'India Session Breakout',
  type: 'Breakout',
  timeframe: '15M',
  preferred_pairs: 'XAUUSD',
  entry_conditions: 'Price breaks above/below previous India session high/low after 8 AM GMT.',
  exit_conditions: 'Take profit at 2R or stop loss hit. Close positions before India close.',
  indicators_used: 'Session High/Low, ATR',
  risk_reward_ratio_target: 2.0,
  max_drawdown_tolerance: 5.0,
};

const LONDON = {
  name: 'London Open Scalp',
  entry_conditions: 'Price momentum at London open',
  exit_conditions: 'Quick 10-15 pip targets',
  risk_reward_ratio_target: 2.0,
};

describe('create', () => {
  it('stores the spec’s example as given and answers with the whole record', async () => {
    const s = await ok('customStrategies.create', INDIA);
    expect(s).toEqual({
      strategy_id: 1,
      ...INDIA,
      pairs: ['XAUUSD'],
      created_at: '2025-01-06T08:00:01.000Z',
      updated_at: '2025-01-06T08:00:01.000Z',
    });
    expect(await ok('customStrategies.get', { strategy_id: 1 })).toEqual(s);
  });

  it('works with only the fields of the spec’s Scenario 2, filling the documented defaults', async () => {
    const s = await ok('customStrategies.create', LONDON);
    expect(s).toMatchObject({
      ...LONDON,
      type: 'Custom',
      timeframe: '15M',
      preferred_pairs: '',
      pairs: [],
      indicators_used: '',
      risk_reward_ratio_target: 2,
      max_drawdown_tolerance: 5,
    });
    expect(await ok('customStrategies.create', { name: 'Bare' })).toMatchObject({ entry_conditions: '', exit_conditions: '' });
  });

  it('accepts MetaTrader and ccxt spellings of timeframes and stores the canonical one', async () => {
    const cases: [string, string][] = [['M15', '15M'], ['H1', '1H'], ['d1', '1D'], ['4h', '4H'], ['1m', '1M'], [' 5M ', '5M']];
    for (const [i, [given, stored]] of cases.entries()) {
      expect((await ok('customStrategies.create', { name: `tf ${i}`, timeframe: given })).timeframe, given).toBe(stored);
    }
    const bad = await refused('customStrategies.create', { name: 'x', timeframe: '2H' });
    expect(bad.status).toBe(400);
    expect(bad.message).toContain('timeframe "2H" is not known; use one of 1M, 5M, 15M, 1H, 4H, 1D');
  });

  it('takes preferred pairs as a text or a list, keeping the text and the parsed symbols', async () => {
    const text = await ok('customStrategies.create', { name: 'a', preferred_pairs: 'xauusd, EURUSD;gbpusd  XAUUSD,' });
    expect(text).toMatchObject({ preferred_pairs: 'xauusd, EURUSD;gbpusd  XAUUSD,', pairs: ['XAUUSD', 'EURUSD', 'GBPUSD'] });
    const list = await ok('customStrategies.create', { name: 'b', preferred_pairs: ['eurusd', 'BTC/USDT'] });
    expect(list).toMatchObject({ preferred_pairs: 'EURUSD, BTC/USDT', pairs: ['EURUSD', 'BTC/USDT'] });
    const empty = await ok('customStrategies.create', { name: 'c', preferred_pairs: [] });
    expect(empty).toMatchObject({ preferred_pairs: '', pairs: [] });
    const bad = await refused('customStrategies.create', { name: 'd', preferred_pairs: 'XAUUSD, !!' });
    expect(bad.message).toContain('preferred_pairs contains "!!", which is not a symbol');
    expect((await refused('customStrategies.create', { name: 'e', preferred_pairs: 5 })).message).toContain('preferred_pairs must be symbols');
    expect((await refused('customStrategies.create', { name: 'f', preferred_pairs: Array(51).fill('EURUSD') })).message).toContain('at most 50');
    expect((await refused('customStrategies.create', { name: 'g', preferred_pairs: 'X'.repeat(1001) })).message).toContain('at most 1000 characters');
    expect((await refused('customStrategies.create', { name: 'h', preferred_pairs: [5] })).message).toContain('preferred_pairs must be symbols');
    // Names keep one line: tabs and line breaks inside become single spaces.
    expect((await ok('customStrategies.create', { name: ' Two\n line\tname ' })).name).toBe('Two line name');
  });

  it('refuses a name already used, whatever its case and spacing, and the refusal changes nothing', async () => {
    const first = await ok('customStrategies.create', INDIA);
    for (const name of ['india session breakout', '  INDIA   Session\tBreakout ']) {
      const clash = await refused('customStrategies.create', { ...INDIA, name, type: 'Trend' });
      expect(clash).toMatchObject({ code: 'DUPLICATE_STRATEGY', status: 409 });
      expect(clash.message).toContain(`A custom strategy named "India Session Breakout" already exists (id ${first.strategy_id})`);
    }
    expect((await ok('customStrategies.list', {})).count).toBe(1);
    expect(await ok('customStrategies.create', { name: 'India Session Breakout 2' })).toMatchObject({ strategy_id: 2 });
  });

  it('refuses bad fields with a message per field', async () => {
    const cases: [unknown, string][] = [
      [{}, 'name is required'],
      [{ name: '   ' }, 'name must not be empty'],
      [{ name: 'x'.repeat(101) }, 'name must be at most 100 characters'],
      [{ name: 'a\u0007b' }, 'name must not contain control characters'],
      [{ name: 'a', type: 'x\u0000' }, 'type must not contain control characters'],
      [{ name: 42 }, 'name must be a text'],
      [{ name: 'a', type: 'x'.repeat(51) }, 'type must be at most 50 characters'],
      [{ name: 'a', type: '' }, 'type must not be empty'],
      [{ name: 'a', entry_conditions: 'x'.repeat(2001) }, 'entry_conditions must be at most 2000 characters'],
      [{ name: 'a', exit_conditions: 7 }, 'exit_conditions must be a text'],
      [{ name: 'a', indicators_used: 'x'.repeat(2001) }, 'indicators_used must be at most 2000 characters'],
      [{ name: 'a', risk_reward_ratio_target: 0.05 }, 'risk_reward_ratio_target must be at least 0.1'],
      [{ name: 'a', risk_reward_ratio_target: 21 }, 'risk_reward_ratio_target must be at most 20'],
      [{ name: 'a', risk_reward_ratio_target: '2' }, 'risk_reward_ratio_target must be a number'],
      [{ name: 'a', max_drawdown_tolerance: 0 }, 'max_drawdown_tolerance must be at least 0.1 %'],
      [{ name: 'a', max_drawdown_tolerance: 101 }, 'max_drawdown_tolerance cannot exceed 100 %'],
      [{ name: 'a', stop_loss: 3 }, 'unknown field(s) "stop_loss"'],
    ];
    for (const [input, message] of cases) {
      const r = await refused('customStrategies.create', input);
      expect(r.status, JSON.stringify(input)).toBe(400);
      expect(r.message, JSON.stringify(input)).toContain(message);
    }
    expect((await ok('customStrategies.list', {})).count).toBe(0);
  });

  it('accepts the edges of the ranges and long texts', async () => {
    const s = await ok('customStrategies.create', {
      name: 'x'.repeat(100),
      type: 'y'.repeat(50),
      entry_conditions: 'é'.repeat(2000),
      risk_reward_ratio_target: 0.1,
      max_drawdown_tolerance: 100,
    });
    expect(s).toMatchObject({ risk_reward_ratio_target: 0.1, max_drawdown_tolerance: 100 });
    expect(s.entry_conditions).toHaveLength(2000);
    expect((await ok('customStrategies.create', { name: 'z', risk_reward_ratio_target: 20, max_drawdown_tolerance: 0.1 })).risk_reward_ratio_target).toBe(20);
  });
});

describe('list, get, update, delete', () => {
  it('lists all strategies newest first, with a count', async () => {
    expect(await ok('customStrategies.list', {})).toEqual({ strategies: [], count: 0 });
    await ok('customStrategies.create', { name: 'A' });
    await ok('customStrategies.create', { name: 'B' });
    await ok('customStrategies.create', { name: 'C' });
    const list = await ok('customStrategies.list', {});
    expect(list.count).toBe(3);
    expect(list.strategies.map((s: { name: string }) => s.name)).toEqual(['C', 'B', 'A']);
    // Even when the clock does not move between two creations, the newer id comes first.
    time -= 5000;
    await ok('customStrategies.create', { name: 'D' });
    expect((await ok('customStrategies.list', {})).strategies[0].name).toBe('C');
  });

  it('gets one strategy by id, from a number or the text of a path', async () => {
    await ok('customStrategies.create', INDIA);
    expect((await ok('customStrategies.get', { strategy_id: '1' })).name).toBe(INDIA.name);
    const missing = await refused('customStrategies.get', { strategy_id: 99 });
    expect(missing).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(missing.message).toBe('Custom strategy 99 does not exist; GET /api/strategies/list shows the strategies and their ids');
    for (const id of ['abc', '0', '-3', '1.5', '', null, '99999999999999999999']) {
      expect((await refused('customStrategies.get', { strategy_id: id })).status, String(id)).toBe(400);
    }
  });

  it('updates any subset of fields as the spec shows, keeping the others and stamping updated_at', async () => {
    const before = await ok('customStrategies.create', INDIA);
    const after = await ok('customStrategies.update', { strategy_id: '1', risk_reward_ratio_target: 2.5, max_drawdown_tolerance: 3.0 });
    expect(after).toEqual({ ...before, risk_reward_ratio_target: 2.5, max_drawdown_tolerance: 3, updated_at: after.updated_at });
    expect(after.updated_at > before.updated_at).toBe(true);
    expect(await ok('customStrategies.get', { strategy_id: 1 })).toEqual(after);

    const more = await ok('customStrategies.update', {
      strategy_id: 1,
      timeframe: 'H4',
      preferred_pairs: ['EURUSD', 'gbpusd'],
      type: 'Trend',
      indicators_used: '',
    });
    expect(more).toMatchObject({ timeframe: '4H', preferred_pairs: 'EURUSD, GBPUSD', pairs: ['EURUSD', 'GBPUSD'], type: 'Trend', indicators_used: '' });
    expect(more.entry_conditions).toBe(INDIA.entry_conditions);
    expect(more.created_at).toBe(before.created_at);
  });

  it('renames, refusing a name another strategy uses but allowing a change of case of its own', async () => {
    await ok('customStrategies.create', INDIA);
    await ok('customStrategies.create', LONDON);
    const clash = await refused('customStrategies.update', { strategy_id: 2, name: 'INDIA session breakout' });
    expect(clash).toMatchObject({ code: 'DUPLICATE_STRATEGY', status: 409 });
    expect(clash.message).toContain('(id 1)');
    expect((await ok('customStrategies.get', { strategy_id: 2 })).name).toBe(LONDON.name);
    expect((await ok('customStrategies.update', { strategy_id: 2, name: 'london open SCALP' })).name).toBe('london open SCALP');
    expect((await ok('customStrategies.update', { strategy_id: 2, name: 'Tokyo Fade' })).name).toBe('Tokyo Fade');
    // The old name is free again.
    expect((await ok('customStrategies.create', { name: 'London Open Scalp' })).strategy_id).toBe(3);
  });

  it('refuses updates of unknown ids, empty updates and bad fields, changing nothing', async () => {
    const s = await ok('customStrategies.create', INDIA);
    expect(await refused('customStrategies.update', { strategy_id: 5, name: 'x' })).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    const empty = await refused('customStrategies.update', { strategy_id: 1 });
    expect(empty.status).toBe(400);
    expect(empty.message).toContain('Nothing to update: send at least one of name, type, timeframe, preferred_pairs');
    for (const bad of [{ risk_reward_ratio_target: 50 }, { timeframe: 'weekly' }, { name: '' }, { preferred_pairs: '??' }, { colour: 'red' }]) {
      expect((await refused('customStrategies.update', { strategy_id: 1, ...bad })).status, JSON.stringify(bad)).toBe(400);
    }
    expect(await ok('customStrategies.get', { strategy_id: 1 })).toEqual(s);
  });

  it('deletes, answering with what was deleted; the id stays unknown and is never reused', async () => {
    await ok('customStrategies.create', INDIA);
    const london = await ok('customStrategies.create', LONDON);
    const deleted = await ok('customStrategies.delete', { strategy_id: String(london.strategy_id) });
    expect(deleted).toEqual(london);
    expect(await refused('customStrategies.delete', { strategy_id: london.strategy_id })).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    expect(await refused('customStrategies.get', { strategy_id: london.strategy_id })).toMatchObject({ status: 404 });
    expect(await refused('customStrategies.use', { strategy_id: london.strategy_id })).toMatchObject({ status: 404 });
    const again = await ok('customStrategies.create', LONDON);
    expect(again.strategy_id).toBe(3);
    expect((await ok('customStrategies.list', {})).strategies.map((s: { strategy_id: number }) => s.strategy_id)).toEqual([3, 1]);
  });
});

describe('use', () => {
  it('turns the spec’s example into a simple_ma start request, explaining every derived value', async () => {
    await ok('customStrategies.create', INDIA);
    const u = await ok('customStrategies.use', { strategy_id: '1', session_id: 'session_123', pair: 'XAUUSD', timeframe: '15M' });
    expect(u).toMatchObject({
      strategy_id: 1,
      name: INDIA.name,
      session_id: 'session_123',
      pair: 'XAUUSD',
      timeframe: '15M',
      strategy_name: 'simple_ma',
      start_path: '/api/dynamic-trading/session_123/start',
    });
    expect(u.config).toEqual({
      lot_size: 0.01,
      fast_period: 10,
      slow_period: 20,
      stop_loss_pips: 25,
      take_profit_pips: 50,
      risk_per_trade: 1,
    });
    expect(u.start_request).toEqual({ pair: 'XAUUSD', timeframe: '15M', strategy_name: 'simple_ma', config: u.config });
    expect(u.trading_config).toEqual(u.start_request);
    expect(u.derivation[0]).toMatch(/^strategy_name simple_ma: the type "Breakout" names a breakout style/);
    for (const key of Object.keys(u.config)) {
      expect(u.derivation.some((line: string) => line.includes(key)), key).toBe(true);
    }
    expect(u.derivation).toContain('take_profit_pips 50 = stop_loss_pips 25 × risk_reward_ratio_target 2');
  });

  it('works with no body at all (Scenario 2): the record’s timeframe and the default pair', async () => {
    const s = await ok('customStrategies.create', LONDON);
    const u = await ok('customStrategies.use', { strategy_id: s.strategy_id });
    expect(u).toMatchObject({ session_id: null, pair: 'XAUUSD', timeframe: '15M', strategy_name: 'simple_ma' });
    expect(u.start_path).toBe('/api/dynamic-trading/{session_id}/start');
    expect(u.config).toMatchObject({ fast_period: 5, slow_period: 13, take_profit_pips: 50, stop_loss_pips: 25 });
    expect(u.derivation.join('\n')).toMatch(/name "London Open Scalp" names a scalping style/);
    expect(u.derivation.join('\n')).toMatch(/pair XAUUSD: neither the request nor the strategy names a pair/);
    expect(u.derivation.join('\n')).toMatch(/session_id: none given/);
  });

  it('takes the first preferred pair and the stored timeframe, or the request’s, saying which', async () => {
    await ok('customStrategies.create', { name: 'Majors', type: 'Trend', timeframe: 'H1', preferred_pairs: 'EURUSD, GBPUSD' });
    const own = await ok('customStrategies.use', { strategy_id: 1 });
    expect(own).toMatchObject({ pair: 'EURUSD', timeframe: '1H' });
    expect(own.derivation).toContain('pair EURUSD: the strategy\'s first preferred pair (of EURUSD, GBPUSD)');
    expect(own.derivation).toContain('timeframe 1H: the strategy\'s timeframe');
    const asked = await ok('customStrategies.use', { strategy_id: 1, pair: 'usdjpy', timeframe: 'M5', session_id: 'abc-123' });
    expect(asked).toMatchObject({ pair: 'USDJPY', timeframe: '5M', session_id: 'abc-123' });
    expect(asked.derivation).toContain('pair USDJPY: from the request (not one of the strategy\'s preferred pairs: EURUSD, GBPUSD)');
    expect(asked.derivation).toContain('timeframe 5M: from the request (the strategy\'s own is 1H)');
    expect(asked.config).toMatchObject({ stop_loss_pips: 15, take_profit_pips: 30, fast_period: 20, slow_period: 50 });
    const nulls = await ok('customStrategies.use', { strategy_id: 1, pair: null, timeframe: null, session_id: null });
    expect(nulls).toMatchObject({ pair: 'EURUSD', timeframe: '1H', session_id: null });
  });

  it('runs mean reversion, dip and grid styles on gold_buy_dip with a timeframe-scaled target', async () => {
    await ok('customStrategies.create', {
      name: 'Gold Fade',
      type: 'Mean Reversion',
      timeframe: '1M',
      preferred_pairs: 'XAUUSD',
      risk_reward_ratio_target: 2.0,
      max_drawdown_tolerance: 20,
    });
    const u = await ok('customStrategies.use', { strategy_id: 1 });
    expect(u.strategy_name).toBe('gold_buy_dip');
    expect(u.config).toEqual({
      lot_size: 0.01,
      use_take_profit_percent: true,
      take_profit_percent: 0.2,
      percentage_threshold: 0.1,
      use_grid_trading: true,
      use_grid_percent: true,
      grid_percent: 0.1,
      max_drawdown_percent: 20,
    });
    const daily = await ok('customStrategies.use', { strategy_id: 1, timeframe: '1D' });
    expect(daily.config).toMatchObject({ take_profit_percent: 2, grid_percent: 1, max_drawdown_percent: 20 });
    const fifteen = await ok('customStrategies.use', { strategy_id: 1, timeframe: '15M' });
    // The spec's conservative gold example: 15M, take profit 1 %, threshold 2 %, grid 0.5 %.
    expect(fifteen.config).toMatchObject({ take_profit_percent: 1, percentage_threshold: 2, grid_percent: 0.5 });
    expect(fifteen.derivation).toContain('max_drawdown_percent 20 %: the strategy\'s max_drawdown_tolerance (open trades are force-closed there)');
  });

  it('picks the engine from the type, else the name, the entry conditions, the indicators; simple_ma when nothing says', async () => {
    const cases: [Record<string, string>, string][] = [
      [{ type: 'Breakout' }, 'simple_ma'],
      [{ type: 'Scalping' }, 'simple_ma'],
      [{ type: 'Trend Following' }, 'simple_ma'],
      [{ type: 'Momentum' }, 'simple_ma'],
      [{ type: 'MA Crossover' }, 'simple_ma'],
      [{ type: 'Mean Reversion' }, 'gold_buy_dip'],
      [{ type: 'mean-reversion' }, 'gold_buy_dip'],
      [{ type: 'Grid' }, 'gold_buy_dip'],
      [{ type: 'Buy the Dip' }, 'gold_buy_dip'],
      [{ type: 'Custom', name: 'Gold Dip Hunter' }, 'gold_buy_dip'],
      [{ type: 'Custom', entry_conditions: 'Enter when the z-score is below -2' }, 'gold_buy_dip'],
      [{ type: 'Custom', indicators_used: 'EMA 9, EMA 21' }, 'simple_ma'],
      [{ type: 'Grid', name: 'Trend grid' }, 'gold_buy_dip'],
      [{ type: 'Trend', entry_conditions: 'buy the dip' }, 'simple_ma'],
      [{ type: 'Custom', entry_conditions: 'Price breaks above the range' }, 'simple_ma'],
      [{ type: 'Custom', entry_conditions: 'Grid of buys after a sharp trend exhaustion' }, 'gold_buy_dip'],
      [{ type: 'Custom' }, 'simple_ma'],
      [{ type: 'Dipole Emanation' }, 'simple_ma'],
    ];
    for (const [i, [fields, engine]] of cases.entries()) {
      const s = await ok('customStrategies.create', { name: `S${i}`, ...fields });
      const u = await ok('customStrategies.use', { strategy_id: s.strategy_id });
      expect(u.strategy_name, JSON.stringify(fields)).toBe(engine);
      expect(u.derivation[0], JSON.stringify(fields)).toMatch(new RegExp(`^strategy_name ${engine}: `));
    }
    const none = await ok('customStrategies.use', { strategy_id: 17 });
    expect(none.derivation[0]).toContain('neither the type, the name, the entry conditions nor the indicators name a known style');
  });

  it('reads moving-average periods, EMA/SMA and trailing stops from the text', async () => {
    await ok('customStrategies.create', {
      name: 'Cross',
      type: 'Crossover',
      indicators_used: 'EMA 9 and EMA 21',
      exit_conditions: 'Trailing stop after 1R',
      max_drawdown_tolerance: 50,
      risk_reward_ratio_target: 1.5,
      timeframe: '1H',
    });
    const u = await ok('customStrategies.use', { strategy_id: 1 });
    expect(u.config).toEqual({
      lot_size: 0.01,
      fast_period: 9,
      slow_period: 21,
      use_ema: true,
      stop_loss_pips: 40,
      take_profit_pips: 60,
      risk_per_trade: 2,
      trailing_stop: true,
    });
    expect(u.derivation.join('\n')).toContain('capped at 2 %');
    await ok('customStrategies.create', { name: 'Slow', type: 'Trend', indicators_used: '50 SMA, 200 SMA', risk_reward_ratio_target: 2.25 });
    const v = await ok('customStrategies.use', { strategy_id: 2, timeframe: '15M' });
    expect(v.config).toMatchObject({ fast_period: 50, slow_period: 200, use_ema: false, stop_loss_pips: 25, take_profit_pips: 56.25 });
    expect(v.derivation).toContain('take_profit_pips 56.25 = stop_loss_pips 25 × risk_reward_ratio_target 2.25');
  });

  it('sizes simple_ma trades by risk only on symbols the engine can value in USD', async () => {
    await ok('customStrategies.create', { name: 'Cross pairs', type: 'Trend', preferred_pairs: 'EURGBP, USDJPY, BTC/USDT, US30' });
    const cross = await ok('customStrategies.use', { strategy_id: 1 });
    expect(cross.pair).toBe('EURGBP');
    expect(cross.config).not.toHaveProperty('risk_per_trade');
    expect(cross.derivation.join('\n')).toContain('risk_per_trade not set: sizing by risk needs a USD-quoted or USD-based symbol');
    for (const pair of ['USDJPY', 'BTC/USDT', 'XAUUSD']) {
      expect((await ok('customStrategies.use', { strategy_id: 1, pair })).config.risk_per_trade, pair).toBe(1);
    }
    expect((await ok('customStrategies.use', { strategy_id: 1, pair: 'US30' })).config).not.toHaveProperty('risk_per_trade');
  });

  it('refuses unknown strategies and bad request fields', async () => {
    expect(await refused('customStrategies.use', { strategy_id: 1 })).toMatchObject({ code: 'NOT_FOUND', status: 404 });
    await ok('customStrategies.create', INDIA);
    for (const bad of [{ pair: '!!' }, { timeframe: '3M' }, { session_id: 'a b' }, { session_id: '' }, { lots: 1 }, { session_id: {} }]) {
      expect((await refused('customStrategies.use', { strategy_id: 1, ...bad })).status, JSON.stringify(bad)).toBe(400);
    }
    expect((await ok('customStrategies.use', { strategy_id: 1, session_id: 42 })).session_id).toBe('42');
  });
});

describe('migration 4', () => {
  it('applies after a gap in the numbers, and a lower number added later still applies', () => {
    const file = join(dir, 'gap.sqlite');
    const m1 = migrations.find((m) => m.version === 1);
    const m4 = migrations.find((m) => m.version === 4);
    expect(m1 && m4).toBeTruthy();
    const gap = openDatabase(file, [m1!, m4!]);
    try {
      const repo = createSqliteCustomStrategyRepository(gap, { now: () => new Date(0) });
      repo.insert({
        name: 'kept', type: 'Custom', timeframe: '15M', preferredPairsText: '', pairs: [], entryConditions: '',
        exitConditions: '', indicatorsUsed: '', riskRewardRatioTarget: 2, maxDrawdownTolerance: 5,
      });
      const later = { version: 3, name: 'added later', sql: 'CREATE TABLE later_table (id INTEGER PRIMARY KEY);' };
      expect(applyMigrations(gap, [m1!, later, m4!])).toEqual([3]);
      expect(repo.list().map((s) => s.name)).toEqual(['kept']);
      const versions = gap.prepare('SELECT version FROM schema_migrations ORDER BY version').all();
      expect(versions).toEqual([{ version: 1 }, { version: 3 }, { version: 4 }]);
    } finally {
      gap.close();
    }
  });

  it('keeps the database honest even without the handlers: unique name keys, valid timeframes and ranges', () => {
    const insert = (name: string, key: string, timeframe = '15M', rr = 2) =>
      db
        .prepare(
          `INSERT INTO custom_strategies (name, name_key, type, timeframe, risk_reward_ratio_target, max_drawdown_tolerance, created_at, updated_at)
           VALUES (?, ?, 'Custom', ?, ?, 5, 'x', 'x')`,
        )
        .run(name, key, timeframe, rr);
    insert('A', 'a');
    expect(() => insert('a', 'a')).toThrow(/UNIQUE/);
    expect(() => insert('B', 'b', 'M15')).toThrow(/CHECK/);
    expect(() => insert('C', 'c', '15M', 0)).toThrow(/CHECK/);
  });
});
