import { z } from 'zod';
import { isWholeCents } from '../lib/money';

/** Reusable field schemas whose messages a trader can act on. */

export const MAX_MONEY = 1_000_000_000_000;

export function moneyAmount(field: string) {
  return z
    .number({ error: `${field} must be a number (for example 5000.00)` })
    .finite(`${field} must be a finite number`)
    .positive(`${field} must be greater than 0`)
    .max(MAX_MONEY, `${field} must not exceed 1,000,000,000,000`)
    .refine(isWholeCents, `${field} has more than two decimal places; money is kept to the cent, round it to cents first`);
}

export function percentageField(field: string) {
  return z
    .number({ error: `${field} must be a number between 0 and 100` })
    .finite(`${field} must be a finite number`)
    .gt(0, `${field} must be greater than 0 %`)
    .max(100, `${field} cannot exceed 100 %`);
}

export const userIdField = z
  .string({ error: 'user_id must be a text such as "trader_001"' })
  .trim()
  .min(1, 'user_id must not be empty')
  .max(64, 'user_id must be at most 64 characters')
  .regex(/^[A-Za-z0-9_.@-]+$/, 'user_id may contain only letters, digits and _ . @ -');

export const idField = (field: string) =>
  z
    .number({ error: `${field} must be a whole number such as 1` })
    .int(`${field} must be a whole number`)
    .positive(`${field} must be 1 or greater`)
    .max(Number.MAX_SAFE_INTEGER, `${field} is too large`);

export const strategyNameField = z
  .string({ error: 'strategy_name must be a text such as "Gold Scalping"' })
  .trim()
  .min(1, 'strategy_name must not be empty')
  .max(64, 'strategy_name must be at most 64 characters');

export const pairField = z
  .string({ error: 'pair must be a symbol such as "XAUUSD" or "BTC/USDT"' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z0-9][A-Z0-9._/-]{1,23}$/, 'pair must be a symbol such as "XAUUSD" or "BTC/USDT" (letters, digits, . _ / -)');

export const currencyField = z
  .string({ error: 'currency must be a 3-letter code such as "USD"' })
  .trim()
  .toUpperCase()
  .regex(/^[A-Z]{3}$/, 'currency must be a 3-letter code such as "USD"');

export const floatingLossThresholdField = z
  .number({ error: 'floating_loss_threshold_pct must be a number between 0 and 100' })
  .finite()
  .gt(0, 'floating_loss_threshold_pct must be greater than 0 %')
  .max(100, 'floating_loss_threshold_pct cannot exceed 100 %');

/** The threshold a pair gets when none is given: the spec's dashboard shows 10.0 for such pairs. */
export const DEFAULT_FLOATING_LOSS_THRESHOLD_PCT = 10;

export const riskLevel = z.enum(['LOW', 'MEDIUM', 'HIGH']);
export type RiskLevel = z.infer<typeof riskLevel>;
