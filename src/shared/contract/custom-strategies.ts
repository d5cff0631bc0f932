import { z } from 'zod';
import { defineProcedure } from './procedure';
import { idField, pairField } from './fields';

/**
 * Custom strategies (forex-echo-backend-api.md, "Custom Strategy Management"): a trader's own strategy described in
 * words and a few numbers, stored, and turned on request (`use`) into a ready start request for one of the engine's
 * built-in strategies (gold_buy_dip or simple_ma).
 */

const TAG = 'Custom strategies';
const ENVELOPE = 'forex-echo' as const;

// ---------------------------------------------------------------------------------------------------------------
// Fields. TODO(contract): `timeframeField` and the timeframe list belong in fields.ts, shared by every module that
// takes a timeframe (core/domain/candles.ts keeps the same list and aliases).

export const TIMEFRAMES = ['1M', '5M', '15M', '1H', '4H', '1D'] as const;
export type TimeframeCode = (typeof TIMEFRAMES)[number];

/** MetaTrader's M15/H1/D1 and ccxt's lower case "15m"/"1h" (a minute, never a month) mean the same timeframes. */
const TIMEFRAME_ALIASES: Readonly<Record<string, TimeframeCode>> = {
  M1: '1M', M5: '5M', M15: '15M', H1: '1H', H4: '4H', D1: '1D',
  '1m': '1M', '5m': '5M', '15m': '15M', '1h': '1H', '4h': '4H', '1d': '1D',
};

export function parseTimeframeCode(value: string): TimeframeCode | undefined {
  const v = value.trim();
  if ((TIMEFRAMES as readonly string[]).includes(v)) return v as TimeframeCode;
  return TIMEFRAME_ALIASES[v] ?? TIMEFRAME_ALIASES[v.toUpperCase()];
}

const TIMEFRAME_HELP = `one of ${TIMEFRAMES.join(', ')} (M15, H1, D1 … are accepted too)`;

export const timeframeField = z
  .string({ error: `timeframe must be ${TIMEFRAME_HELP}` })
  .transform((value, ctx) => {
    const timeframe = parseTimeframeCode(value);
    if (!timeframe) {
      ctx.addIssue({ code: 'custom', message: `timeframe "${value.slice(0, 20)}" is not known; use ${TIMEFRAME_HELP}` });
      return z.NEVER;
    }
    return timeframe;
  });

/** Ids in paths arrive as text ("7"); direct calls pass numbers. Both end up as a positive whole number. */
const strategyIdField = z.preprocess(
  (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
  idField('strategy_id'),
);

const NO_CONTROL_CHARS = /^[^\p{Cc}]*$/u;

export const MAX_NAME_LENGTH = 100;
export const MAX_TYPE_LENGTH = 50;
export const MAX_TEXT_LENGTH = 2000;
export const MAX_PREFERRED_PAIRS = 50;

/** A one-line label: trimmed, inner whitespace (tabs, line breaks) collapsed to one space, no other control characters. */
const labelField = (field: string, max: number, typeError: Parameters<typeof z.string>[0], emptyMessage: string) =>
  z
    .string(typeError)
    .transform((v) => v.trim().replace(/\s+/g, ' '))
    .pipe(
      z
        .string()
        .min(1, emptyMessage)
        .max(max, `${field} must be at most ${max} characters`)
        .regex(NO_CONTROL_CHARS, `${field} must not contain control characters`),
    );

const nameField = labelField(
  'name',
  MAX_NAME_LENGTH,
  {
    error: (issue) =>
      issue.input === undefined
        ? 'name is required: give the strategy a name such as "India Session Breakout"'
        : 'name must be a text such as "India Session Breakout"',
  },
  'name must not be empty',
);

const typeField = labelField(
  'type',
  MAX_TYPE_LENGTH,
  { error: 'type must be a text such as "Breakout", "Scalping", "Trend" or "Mean Reversion"' },
  'type must not be empty (leave it out to get "Custom")',
);

const textField = (field: string, example: string) =>
  z
    .string({ error: `${field} must be a text, for example "${example}"` })
    .trim()
    .max(MAX_TEXT_LENGTH, `${field} must be at most ${MAX_TEXT_LENGTH} characters`);

const riskRewardField = z
  .number({ error: 'risk_reward_ratio_target must be a number such as 2.0 (take profit ÷ stop loss)' })
  .finite('risk_reward_ratio_target must be a finite number')
  .min(0.1, 'risk_reward_ratio_target must be at least 0.1')
  .max(20, 'risk_reward_ratio_target must be at most 20');

const drawdownField = z
  .number({ error: 'max_drawdown_tolerance must be a number of percent such as 5.0' })
  .finite('max_drawdown_tolerance must be a finite number')
  .min(0.1, 'max_drawdown_tolerance must be at least 0.1 %')
  .max(100, 'max_drawdown_tolerance cannot exceed 100 %');

export interface PreferredPairs {
  /** The text as the caller gave it (trimmed); a list is joined with ", ". */
  text: string;
  /** The symbols, upper case, duplicates removed, in the order given. */
  pairs: string[];
}

const PAIRS_HELP = 'preferred_pairs must be symbols such as "XAUUSD" or "XAUUSD, EURUSD", or a list such as ["XAUUSD", "EURUSD"]';

/** The spec sends `"preferred_pairs": "XAUUSD"`; a comma-separated text or a JSON list are both accepted. */
export const preferredPairsField = z
  .union([z.string(), z.array(z.string())], { error: PAIRS_HELP })
  .transform((value, ctx): PreferredPairs => {
    if (typeof value === 'string' ? value.length > 1000 : value.length > MAX_PREFERRED_PAIRS) {
      ctx.addIssue({
        code: 'custom',
        message: `preferred_pairs can name at most ${MAX_PREFERRED_PAIRS} symbols${typeof value === 'string' ? ' in at most 1000 characters' : ''}`,
      });
      return z.NEVER;
    }
    const pieces = typeof value === 'string' ? value.split(/[,;\s]+/) : value;
    const pairs: string[] = [];
    for (const piece of pieces) {
      if (typeof value === 'string' && piece.trim() === '') continue;
      const parsed = pairField.safeParse(piece);
      if (!parsed.success) {
        ctx.addIssue({ code: 'custom', message: `preferred_pairs contains "${piece.slice(0, 30)}", which is not a symbol such as "XAUUSD" or "BTC/USDT"` });
        return z.NEVER;
      }
      if (!pairs.includes(parsed.data)) pairs.push(parsed.data);
    }
    if (pairs.length > MAX_PREFERRED_PAIRS) {
      ctx.addIssue({ code: 'custom', message: `preferred_pairs can name at most ${MAX_PREFERRED_PAIRS} symbols` });
      return z.NEVER;
    }
    return { text: typeof value === 'string' ? value.trim() : pairs.join(', '), pairs };
  });

// ---------------------------------------------------------------------------------------------------------------
// Defaults, as the spec's create example sends them.

export const DEFAULT_STRATEGY_TYPE = 'Custom';
export const DEFAULT_TIMEFRAME: TimeframeCode = '15M';
export const DEFAULT_RISK_REWARD = 2.0;
export const DEFAULT_MAX_DRAWDOWN = 5.0;

// ---------------------------------------------------------------------------------------------------------------
// Shapes.

export const customStrategy = z.object({
  strategy_id: z.number().int(),
  name: z.string(),
  type: z.string(),
  timeframe: z.enum(TIMEFRAMES),
  /** The preferred pairs as given (the spec's comma-separated text form). */
  preferred_pairs: z.string(),
  /** The same pairs as a list of symbols, upper case. */
  pairs: z.array(z.string()),
  entry_conditions: z.string(),
  exit_conditions: z.string(),
  indicators_used: z.string(),
  risk_reward_ratio_target: z.number(),
  max_drawdown_tolerance: z.number(),
  created_at: z.string(),
  updated_at: z.string(),
});
export type CustomStrategy = z.infer<typeof customStrategy>;

const editableFields = {
  type: typeField,
  timeframe: timeframeField,
  preferred_pairs: preferredPairsField,
  entry_conditions: textField('entry_conditions', 'Price breaks above the previous session high'),
  exit_conditions: textField('exit_conditions', 'Take profit at 2R or stop loss hit'),
  indicators_used: textField('indicators_used', 'Session High/Low, ATR'),
  risk_reward_ratio_target: riskRewardField,
  max_drawdown_tolerance: drawdownField,
};

export const UPDATABLE_FIELDS = ['name', ...Object.keys(editableFields)] as const;

const idInput = z.strictObject({ strategy_id: strategyIdField });

export const createCustomStrategy = defineProcedure({
  name: 'customStrategies.create',
  tag: TAG,
  summary: 'Create a custom strategy',
  description:
    'Only `name` is required; names are unique whatever their case. Defaults: type "Custom", timeframe 15M, no preferred ' +
    'pairs, empty conditions, risk_reward_ratio_target 2.0, max_drawdown_tolerance 5.0 (%). `preferred_pairs` is a text ' +
    '("XAUUSD" or "XAUUSD, EURUSD") or a list; the answer keeps the text in `preferred_pairs` and the symbols in `pairs`.',
  input: z.strictObject({
    name: nameField.describe('Unique whatever its case, at most 100 characters, e.g. "India Session Breakout"'),
    type: editableFields.type
      .default(DEFAULT_STRATEGY_TYPE)
      .describe('Free text, at most 50 characters: Breakout, Scalping, Trend, Momentum, Mean Reversion, Grid … (default "Custom")'),
    timeframe: editableFields.timeframe.default(DEFAULT_TIMEFRAME).describe(`${TIMEFRAMES.join(' ')} (M15, H1 … accepted); default 15M`),
    preferred_pairs: editableFields.preferred_pairs
      .optional()
      .describe('"XAUUSD", "XAUUSD, EURUSD" or ["XAUUSD", "EURUSD"]; kept as text in preferred_pairs and as a list in pairs'),
    entry_conditions: editableFields.entry_conditions.default(''),
    exit_conditions: editableFields.exit_conditions.default(''),
    indicators_used: editableFields.indicators_used.default(''),
    risk_reward_ratio_target: editableFields.risk_reward_ratio_target.default(DEFAULT_RISK_REWARD),
    max_drawdown_tolerance: editableFields.max_drawdown_tolerance.default(DEFAULT_MAX_DRAWDOWN),
  }),
  output: customStrategy,
  http: [{ method: 'POST', path: '/api/strategies/create', envelope: ENVELOPE }],
  message: (s) => `Custom strategy "${s.name}" created with id ${s.strategy_id}`,
});

export const listCustomStrategies = defineProcedure({
  name: 'customStrategies.list',
  tag: TAG,
  summary: 'List all custom strategies, newest first',
  input: z.strictObject({}),
  output: z.object({ strategies: z.array(customStrategy), count: z.number().int() }),
  http: [{ method: 'GET', path: '/api/strategies/list', envelope: ENVELOPE }],
  message: (o) => `${o.count} custom strateg${o.count === 1 ? 'y' : 'ies'}`,
});

export const getCustomStrategy = defineProcedure({
  name: 'customStrategies.get',
  tag: TAG,
  summary: 'Get one custom strategy',
  input: idInput,
  output: customStrategy,
  http: [{ method: 'GET', path: '/api/strategies/{strategy_id}', envelope: ENVELOPE }],
  message: (s) => `Custom strategy "${s.name}" (id ${s.strategy_id})`,
});

export const updateCustomStrategy = defineProcedure({
  name: 'customStrategies.update',
  tag: TAG,
  summary: 'Change some fields of a custom strategy',
  description:
    'Send any of the fields of create; the others keep their values. The same rules as create apply, ' +
    'and a new name must not be used by another strategy. Answers with the whole updated strategy.',
  input: z
    .strictObject({
      strategy_id: strategyIdField,
      name: nameField.optional(),
      ...Object.fromEntries(Object.entries(editableFields).map(([k, f]) => [k, f.optional()])) as {
        [K in keyof typeof editableFields]: z.ZodOptional<(typeof editableFields)[K]>;
      },
    })
    .refine((v) => Object.keys(v).some((k) => k !== 'strategy_id' && (v as Record<string, unknown>)[k] !== undefined), {
      error: `Nothing to update: send at least one of ${UPDATABLE_FIELDS.join(', ')}`,
    }),
  output: customStrategy,
  http: [{ method: 'PUT', path: '/api/strategies/{strategy_id}/update', envelope: ENVELOPE }],
  message: (s) => `Custom strategy "${s.name}" (id ${s.strategy_id}) updated`,
});

export const deleteCustomStrategy = defineProcedure({
  name: 'customStrategies.delete',
  tag: TAG,
  summary: 'Delete a custom strategy',
  description: 'Answers with the strategy as it was. Ids are never reused, so a deleted id stays unknown.',
  input: idInput,
  output: customStrategy,
  http: [{ method: 'DELETE', path: '/api/strategies/{strategy_id}/delete', envelope: ENVELOPE }],
  message: (s) => `Custom strategy "${s.name}" (id ${s.strategy_id}) deleted`,
});

// ---------------------------------------------------------------------------------------------------------------
// use: from a stored strategy to a ready start request.

export const ENGINE_STRATEGIES = ['gold_buy_dip', 'simple_ma'] as const;
export type EngineStrategyName = (typeof ENGINE_STRATEGIES)[number];

/** Session ids travel in URLs (/api/dynamic-trading/{session_id}/start): keep them to URL-safe characters. */
const sessionIdField = z.preprocess(
  (v) => (typeof v === 'number' && Number.isFinite(v) ? String(v) : v),
  z
    .string({ error: 'session_id must be a text such as "session_123"' })
    .trim()
    .min(1, 'session_id must not be empty (leave it out if you have none yet)')
    .max(64, 'session_id must be at most 64 characters')
    .regex(/^[A-Za-z0-9_.:-]+$/, 'session_id may contain only letters, digits and _ . : -'),
);

const configValues = z.record(z.string(), z.union([z.number(), z.boolean()]));

const startRequest = z.object({
  pair: z.string(),
  timeframe: z.enum(TIMEFRAMES),
  strategy_name: z.enum(ENGINE_STRATEGIES),
  config: configValues,
});
export type StartRequest = z.infer<typeof startRequest>;

export const useCustomStrategy = defineProcedure({
  name: 'customStrategies.use',
  tag: TAG,
  summary: 'Turn a custom strategy into a ready trading configuration',
  description:
    'All of `session_id`, `pair` and `timeframe` are optional: without them the strategy’s first preferred pair ' +
    '(XAUUSD when it names none) and its timeframe are used. The answer names the built-in engine strategy that runs it ' +
    '(gold_buy_dip for mean reversion / dip / grid styles, simple_ma for breakout / trend / momentum / scalping / ' +
    'moving-average styles), the derived `config`, one `derivation` line per derived value, and `start_request` ' +
    '(also as `trading_config`): the body to POST as is to `/api/dynamic-trading/{session_id}/start` (`start_path`). ' +
    'The session is not checked here; starting the task does that.',
  input: z.strictObject({
    strategy_id: strategyIdField,
    session_id: sessionIdField.nullish().describe('Echoed into start_path; not checked here'),
    pair: pairField.nullish().describe('Default: the strategy’s first preferred pair, else XAUUSD'),
    timeframe: timeframeField.nullish().describe(`${TIMEFRAMES.join(' ')} (M15, H1 … accepted); default: the strategy’s timeframe`),
  }),
  output: z.object({
    strategy_id: z.number().int(),
    /** The custom strategy's own name. */
    name: z.string(),
    session_id: z.string().nullable(),
    pair: z.string(),
    timeframe: z.enum(TIMEFRAMES),
    /** The built-in engine strategy that runs it. */
    strategy_name: z.enum(ENGINE_STRATEGIES),
    config: configValues,
    derivation: z.array(z.string()),
    start_request: startRequest,
    /** The same body under the name the spec's "Two Usage Scenarios" use. */
    trading_config: startRequest,
    /** Where to POST start_request; `{session_id}` stays a placeholder when no session was named. */
    start_path: z.string(),
  }),
  http: [{ method: 'POST', path: '/api/strategies/use/{strategy_id}', envelope: ENVELOPE }],
  message: (u) =>
    `"${u.name}" runs as ${u.strategy_name} on ${u.pair} ${u.timeframe}; POST start_request to ${u.start_path} to start trading`,
});
