import { z } from 'zod';
import { defineProcedure } from './procedure';

/**
 * Exchange accounts (trading-application-api.md, "Accounts API", under /api/v1): ccxt exchange accounts whose API
 * credentials are kept in the OS keychain. Answers show masked hints (`••••3f9a`), never a credential.
 * Bodies are the documented ones; failures use that document's envelope {success:false, detail, errors, ...}.
 */

const TAG = 'Accounts';
const ENVELOPE = 'trading-application' as const;

const accountIdField = z
  .string({ error: 'account_id must be the id create returned' })
  .trim()
  .min(1, 'account_id must not be empty')
  .max(64, 'account_id must be at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'account_id may contain only letters, digits, _ and -');

const groupIdField = z
  .string({ error: 'group_id must be the id of an account group' })
  .trim()
  .min(1, 'group_id must not be empty')
  .max(64, 'group_id must be at most 64 characters')
  .regex(/^[A-Za-z0-9_-]+$/, 'group_id may contain only letters, digits, _ and -');

/** A credential: surrounding whitespace (a paste slip) dropped; values never appear in any message. */
const credentialField = (field: string, example: string) =>
  z
    .string({ error: (issue) => (issue.input === undefined ? `${field} is required (${example})` : `${field} must be a text (${example})`) })
    .trim()
    .min(1, `${field} must not be empty`)
    .max(1024, `${field} must be at most 1024 characters`)
    .regex(/^[^\s\p{Cc}]+$/u, `${field} must not contain spaces, line breaks or control characters`);

const passphraseField = z
  .string({ error: 'passphrase must be a text (the API passphrase some exchanges such as OKX or KuCoin issue with the key)' })
  .max(1024, 'passphrase must be at most 1024 characters')
  .regex(/^[^\p{Cc}]*$/u, 'passphrase must not contain line breaks or control characters')
  .optional()
  .nullable()
  .transform((v) => (v === null || v === undefined || v === '' ? undefined : v));

const exchangeField = z
  .string({ error: (issue) => (issue.input === undefined ? 'exchange is required: a ccxt exchange id such as "binance", "kraken" or "okx"' : 'exchange must be a text such as "binance"') })
  .trim()
  .toLowerCase()
  .min(1, 'exchange must not be empty: a ccxt exchange id such as "binance"')
  .max(40, 'exchange must be at most 40 characters');

/** Query strings arrive as text ("20"); direct calls pass numbers. */
const wholeNumber = (field: string, min: number, max: number, fallback: number) =>
  z
    .preprocess(
      (v) => (typeof v === 'string' && v.trim() !== '' && Number.isFinite(Number(v)) ? Number(v) : v),
      z
        .number({ error: `${field} must be a whole number` })
        .int(`${field} must be a whole number`)
        .min(min, `${field} must be at least ${min}`)
        .max(max, `${field} must be at most ${max}`),
    )
    .default(fallback);

const dateField = (field: string) =>
  z
    .string({ error: `${field} must be a date such as "2025-02-26" or "2025-02-26T12:00:00Z"` })
    .trim()
    .refine((v) => /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})?)?$/.test(v) && Number.isFinite(Date.parse(v)), {
      error: `${field} must be a date such as "2025-02-26" or "2025-02-26T12:00:00Z"`,
    })
    .optional();

// ---------------------------------------------------------------------------------------------------------------
// Shapes.

export const accountInfo = z.object({
  account_id: z.string(),
  exchange: z.string(),
  exchange_name: z.string(),
  is_testnet: z.boolean(),
  group_id: z.string().nullable(),
  /** The broker id trading tasks name to trade on this account. */
  broker_id: z.string(),
  api_key_hint: z.string(),
  api_secret_hint: z.string(),
  passphrase_hint: z.string().nullable(),
  initial_balance: z.number(),
  valuation_currency: z.string().nullable(),
  balance: z.number().nullable(),
  equity: z.number().nullable(),
  balance_synced_at: z.string().nullable(),
  created_at: z.string(),
  updated_at: z.string(),
});

const assetBalance = z.object({ free: z.number(), used: z.number(), total: z.number(), value: z.number().nullable() });

const openPosition = z.object({
  symbol: z.string(),
  side: z.enum(['BUY', 'SELL']),
  amount: z.number(),
  entry_price: z.number(),
  entry_time: z.string(),
  take_profit: z.number().nullable(),
  stop_loss: z.number().nullable(),
  task_id: z.string(),
});

export const performanceMetrics = z.object({
  currency: z.string(),
  initial_balance: z.number(),
  balance: z.number().nullable(),
  equity: z.number().nullable(),
  total_return: z.number().nullable(),
  total_return_pct: z.number().nullable(),
  realized_pnl: z.number(),
  commission: z.number(),
  trades: z.number().int(),
  winning_trades: z.number().int(),
  losing_trades: z.number().int(),
  win_rate: z.number().nullable(),
  profit_factor: z.number().nullable(),
  best_trade: z.number().nullable(),
  worst_trade: z.number().nullable(),
  balance_snapshots: z.number().int(),
  max_drawdown_pct: z.number().nullable(),
});

const reference = z.object({ type: z.enum(['group', 'broker']), id: z.string(), name: z.string() });

const settings = z.object({
  exchange: z.string(),
  is_testnet: z.boolean(),
  group_id: z.string().nullable(),
  sandbox_supported: z.boolean(),
  needs_passphrase: z.boolean(),
  credentials_storage: z.literal('os-keychain'),
  rate_limiter: z.literal('per-account'),
  live_data: z.literal('polling'),
});

const wsStatus = z.object({
  connected: z.boolean(),
  link: z.enum(['up', 'down', 'connecting']),
  broker: z.enum(['connected', 'disconnected', 'unknown']),
  mode: z.literal('polling'),
  detail: z.string(),
  last_heartbeat: z.string().nullable(),
});

const accountSummary = z.object({
  account_info: accountInfo,
  balances: z.record(z.string(), assetBalance),
  positions: z.record(z.string(), openPosition),
  performance: performanceMetrics,
  references: z.array(reference),
});

const success = z.object({ success: z.literal(true) });
const idInput = z.strictObject({ account_id: accountIdField });
const noMessage = () => '';

// ---------------------------------------------------------------------------------------------------------------
// Procedures.

export const createAccount = defineProcedure({
  name: 'accounts.create',
  tag: TAG,
  summary: 'Create an exchange account (credentials go to the OS keychain)',
  description:
    '`exchange` is a ccxt exchange id ("binance", "kraken", "okx", ...). The API key, secret and passphrase are stored only ' +
    'in the OS keychain (Windows Credential Manager, macOS Keychain, Linux Secret Service); without one the request is ' +
    'refused with KEYCHAIN_UNAVAILABLE and nothing is stored. `is_testnet` uses the exchange\'s sandbox where ccxt has one. ' +
    'Answers carry masked hints only. Nothing is sent to the exchange until the account is used (sync-balance, a task).',
  input: z.strictObject({
    exchange: exchangeField,
    api_key: credentialField('api_key', 'the API key the exchange issued'),
    api_secret: credentialField('api_secret', 'the API secret the exchange issued with the key'),
    passphrase: passphraseField,
    initial_balance: z
      .number({ error: 'initial_balance must be a number (the balance the performance is measured from, in USDT/USD)' })
      .finite('initial_balance must be a finite number')
      .min(0, 'initial_balance must not be negative')
      .default(0),
    is_testnet: z.boolean({ error: 'is_testnet must be true or false' }).default(false),
  }),
  output: success.extend({ account_id: z.string(), message: z.string() }),
  http: [{ method: 'POST', path: '/api/v1/accounts/create', envelope: ENVELOPE }],
  message: (o) => o.message,
});

export const listAccounts = defineProcedure({
  name: 'accounts.list',
  tag: TAG,
  summary: 'List exchange accounts',
  description: 'Oldest first; `skip` and `limit` (1-500, default 50) page through them. Balances are the last synced ones.',
  input: z.strictObject({ skip: wholeNumber('skip', 0, 1_000_000, 0), limit: wholeNumber('limit', 1, 500, 50) }),
  output: z.object({
    accounts: z.array(accountSummary),
    pagination: z.object({ total: z.number().int(), skip: z.number().int(), limit: z.number().int() }),
  }),
  http: [{ method: 'GET', path: '/api/v1/accounts/list', envelope: ENVELOPE }],
  message: noMessage,
});

export const getAccount = defineProcedure({
  name: 'accounts.get',
  tag: TAG,
  summary: 'Get an exchange account with balances, positions, settings, performance and connection status',
  input: idInput,
  output: z.object({
    account: z.object({
      account_info: accountInfo,
      balances: z.record(z.string(), assetBalance),
      positions: z.record(z.string(), openPosition),
      settings,
    }),
    performance: performanceMetrics,
    references: z.array(reference),
    ws_status: wsStatus,
  }),
  http: [{ method: 'GET', path: '/api/v1/accounts/{account_id}', envelope: ENVELOPE }],
  message: noMessage,
});

export const updateAccountCredentials = defineProcedure({
  name: 'accounts.updateCredentials',
  tag: TAG,
  summary: 'Replace the API credentials of an account (in the OS keychain)',
  description: 'api_key and api_secret are required; a passphrase that is left out is removed. The next request to the exchange uses the new ones.',
  input: z.strictObject({
    account_id: accountIdField,
    api_key: credentialField('api_key', 'the API key the exchange issued'),
    api_secret: credentialField('api_secret', 'the API secret the exchange issued with the key'),
    passphrase: passphraseField,
  }),
  output: success,
  http: [{ method: 'POST', path: '/api/v1/accounts/{account_id}/update-credentials', envelope: ENVELOPE }],
  message: noMessage,
});

export const syncAccountBalance = defineProcedure({
  name: 'accounts.syncBalance',
  tag: TAG,
  summary: 'Fetch the balance from the exchange and store it',
  description:
    '`balance` is what the account holds in the valuation currency (`currency`: USDT, or USD/USDC), `equity` everything it ' +
    'holds valued at the last prices. Exchange refusals come back with a clear reason (credentials, rate limit, outage).',
  input: idInput,
  output: success.extend({ balance: z.number(), equity: z.number(), currency: z.string() }),
  http: [{ method: 'POST', path: '/api/v1/accounts/{account_id}/sync-balance', envelope: ENVELOPE }],
  message: noMessage,
});

export const accountPerformance = defineProcedure({
  name: 'accounts.performance',
  tag: TAG,
  summary: 'Performance of an account over a time range',
  description:
    '`start_date` and `end_date` (YYYY-MM-DD or ISO time; default: from the account\'s creation to now). Realized results ' +
    'are those of the trading tasks on this account; return and drawdown come from the synced balances.',
  input: z.strictObject({ account_id: accountIdField, start_date: dateField('start_date'), end_date: dateField('end_date') }),
  output: z.object({
    account_id: z.string(),
    time_range: z.object({ start_date: z.string(), end_date: z.string() }),
    metrics: performanceMetrics,
  }),
  http: [{ method: 'GET', path: '/api/v1/accounts/{account_id}/performance', envelope: ENVELOPE }],
  message: noMessage,
});

export const deleteAccount = defineProcedure({
  name: 'accounts.delete',
  tag: TAG,
  summary: 'Delete an account and its credentials in the OS keychain',
  description:
    'Refused while trading tasks hold open positions on it. The credentials are removed from the OS keychain first; ' +
    'when the keychain cannot be reached the account is kept (KEYCHAIN_UNAVAILABLE), so no credential is left behind unseen.',
  input: idInput,
  output: success,
  http: [{ method: 'DELETE', path: '/api/v1/accounts/{account_id}', envelope: ENVELOPE }],
  message: noMessage,
});

export const assignAccountGroup = defineProcedure({
  name: 'accounts.assignGroup',
  tag: TAG,
  summary: 'Assign an account to a group',
  description: '`group_id` must name an existing group; null removes the account from its group.',
  input: z.strictObject({ account_id: accountIdField, group_id: groupIdField.nullable() }),
  output: success,
  http: [{ method: 'POST', path: '/api/v1/accounts/{account_id}/assign-group', envelope: ENVELOPE }],
  message: noMessage,
});
