import type { Timeframe } from '../domain/candles';

/**
 * Strategy parameters as data: type, default, range and meaning. The API validates configs against them, the UI
 * builds its forms from them, and unknown keys are named back as warnings, never silently dropped.
 */
export interface ParamSpec {
  key: string;
  type: 'int' | 'float' | 'bool';
  default: number | boolean;
  min?: number;
  max?: number;
  description: string;
  unit?: string;
  /**
   * Defaults that differ by timeframe (a % move that is common on 1H is rare on 1M): used when the caller names the
   * timeframe (backtests, research) and gives no value; `default` elsewhere. Snake case: it is shown as is.
   */
  by_timeframe?: Partial<Record<Timeframe, number | boolean>>;
}

export type ResolvedConfig = Record<string, number | boolean>;

export interface ConfigResolution {
  config: ResolvedConfig;
  /** Keys the strategy does not know, and other things the caller should hear about. */
  warnings: string[];
  errors: string[];
}

export interface ResolvableDefinition {
  name: string;
  params: readonly ParamSpec[];
  aliases?: Readonly<Record<string, (value: number | boolean) => Record<string, number | boolean>>>;
  check?(config: ResolvedConfig): string[];
}

function checkValue(spec: ParamSpec, value: unknown): string | undefined {
  if (spec.type === 'bool') return typeof value === 'boolean' ? undefined : `${spec.key} must be true or false`;
  if (typeof value !== 'number' || !Number.isFinite(value)) return `${spec.key} must be a number`;
  if (spec.type === 'int' && !Number.isInteger(value)) return `${spec.key} must be a whole number`;
  if (spec.min !== undefined && value < spec.min) return `${spec.key} must be at least ${spec.min}${spec.unit ? ` ${spec.unit}` : ''}`;
  if (spec.max !== undefined && value > spec.max) return `${spec.key} must be at most ${spec.max}${spec.unit ? ` ${spec.unit}` : ''}`;
  return undefined;
}

/** The default of a parameter on a timeframe (its by_timeframe entry, else its default). */
export function defaultFor(spec: ParamSpec, timeframe?: Timeframe): number | boolean {
  return (timeframe !== undefined ? spec.by_timeframe?.[timeframe] : undefined) ?? spec.default;
}

/**
 * Defaults (those of the timeframe when one is named), then aliases, then the caller's values; every value checked
 * against its type and range.
 */
export function resolveConfig(definition: ResolvableDefinition, raw: Record<string, unknown> | undefined, timeframe?: Timeframe): ConfigResolution {
  const specs = new Map(definition.params.map((p) => [p.key, p]));
  const config: ResolvedConfig = Object.fromEntries(definition.params.map((p) => [p.key, defaultFor(p, timeframe)]));
  const warnings: string[] = [];
  const errors: string[] = [];
  const input = raw ?? {};
  const explicit = new Set<string>();

  for (const [key, value] of Object.entries(input)) {
    const alias = definition.aliases?.[key];
    if (alias) {
      if (typeof value !== 'number' && typeof value !== 'boolean') {
        errors.push(`${key} must be a number`);
        continue;
      }
      for (const [target, mapped] of Object.entries(alias(value))) {
        const spec = specs.get(target);
        const problem = spec ? checkValue(spec, mapped) : `unknown target ${target}`;
        if (problem) errors.push(`${key}: ${problem}`);
        else if (!explicit.has(target)) config[target] = mapped;
      }
      continue;
    }
    const spec = specs.get(key);
    if (!spec) {
      warnings.push(`"${key}" is not a parameter of ${definition.name} and was ignored`);
      continue;
    }
    const problem = checkValue(spec, value);
    if (problem) errors.push(problem);
    else {
      config[key] = value as number | boolean;
      explicit.add(key);
    }
  }
  if (errors.length === 0 && definition.check) errors.push(...definition.check(config));
  return { config, warnings, errors };
}

export const num = (config: ResolvedConfig, key: string): number => config[key] as number;
export const flag = (config: ResolvedConfig, key: string): boolean => config[key] as boolean;
