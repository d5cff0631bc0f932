import type { OutputOf } from '../../../shared/contract/index';

/**
 * The start-task form's parameter rules, from the strategy's own parameter table (type, default, range): what
 * the trader typed is checked before submitting with the same messages the server would give, and only values
 * that differ from the defaults are sent (left-out parameters take their defaults on the server).
 */

export type StrategySpec = OutputOf<'trading.availableStrategies'>['strategies'][number];
export type ParamSpec = StrategySpec['parameters'][number];

/** Text for number inputs (kept as typed, so "0." mid-edit is not reformatted), booleans as booleans. */
export type ParamDraft = Record<string, string | boolean>;

export function draftFromDefaults(strategy: StrategySpec): ParamDraft {
  return Object.fromEntries(strategy.parameters.map((p) => [p.key, typeof p.default === 'boolean' ? p.default : String(p.default)]));
}

/** A parameter's default on a timeframe ('1m' or '1M' spelling): its by_timeframe entry, else its default. */
export function timeframeDefault(p: ParamSpec, timeframe: string | undefined): number | boolean {
  return (timeframe !== undefined ? p.by_timeframe?.[timeframe.toUpperCase()] : undefined) ?? p.default;
}

/**
 * The draft moved from one timeframe to another: parameters whose default depends on the timeframe follow it,
 * unless the trader typed another value (from undefined = the draft holds the plain defaults).
 */
export function retimeDraft(strategy: StrategySpec, draft: ParamDraft, from: string | undefined, to: string): ParamDraft {
  let out = draft;
  for (const p of strategy.parameters) {
    if (!p.by_timeframe || typeof p.default === 'boolean') continue;
    if (String(draft[p.key]) !== String(timeframeDefault(p, from))) continue;
    const next = String(timeframeDefault(p, to));
    if (next !== draft[p.key]) out = { ...out, [p.key]: next };
  }
  return out;
}

/** Range text for help: "1 – 5000 bars". */
export function describeRange(p: ParamSpec): string {
  if (p.type === 'bool') return '';
  const unit = p.unit ? ` ${p.unit}` : '';
  if (p.min !== undefined && p.max !== undefined) return `${p.min} – ${p.max}${unit}`;
  if (p.min !== undefined) return `≥ ${p.min}${unit}`;
  if (p.max !== undefined) return `≤ ${p.max}${unit}`;
  return unit.trim();
}

export function parseParam(p: ParamSpec, raw: string | boolean | undefined): { value?: number | boolean; error?: string } {
  if (p.type === 'bool') return { value: raw === true };
  const text = typeof raw === 'string' ? raw.trim().replace(/,/g, '') : '';
  if (text === '') return { error: `${p.key} is required (default ${String(p.default)})` };
  const value = Number(text);
  if (!Number.isFinite(value)) return { error: `${p.key} must be a number` };
  if (p.type === 'int' && !Number.isInteger(value)) return { error: `${p.key} must be a whole number` };
  const unit = p.unit ? ` ${p.unit}` : '';
  if (p.min !== undefined && value < p.min) return { error: `${p.key} must be at least ${p.min}${unit}` };
  if (p.max !== undefined && value > p.max) return { error: `${p.key} must be at most ${p.max}${unit}` };
  return { value };
}

export interface CheckedDraft {
  /** Parameter key → problem, for the inputs that have one. */
  errors: Record<string, string>;
  /** Values differing from the defaults: what is sent. */
  config: Record<string, number | boolean>;
  changed: string[];
}

export function checkDraft(strategy: StrategySpec, draft: ParamDraft): CheckedDraft {
  const errors: Record<string, string> = {};
  const config: Record<string, number | boolean> = {};
  for (const p of strategy.parameters) {
    const { value, error } = parseParam(p, draft[p.key]);
    if (error) errors[p.key] = error;
    else if (value !== undefined && value !== p.default) config[p.key] = value;
  }
  return { errors, config, changed: Object.keys(config) };
}

/** "zscore_threshold_buy" → "Zscore threshold buy": readable labels while keeping the key visible for the API. */
export function humanize(key: string): string {
  const words = key.replace(/_/g, ' ');
  return words.charAt(0).toUpperCase() + words.slice(1);
}
