import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

/**
 * The layer rules of .dependency-cruiser.cjs catch what they say they catch: a scratch tree with one deliberate bad
 * import per rule (and a few imports the rules must allow) is cruised with the project's own config. `npm test`
 * also cruises the real src/ (the "Layer rules" step), which must be clean.
 */

const root = join(__dirname, '..', '..');

/** from file → the module it imports (both under the scratch tree's src/). */
const BAD: Record<string, [from: string, to: string]> = {
  'adapters-implement-ports (the backtester)': ['adapters/workers/bad-pool.ts', 'core/backtest/run-backtest.ts'],
  'adapters-implement-ports (research)': ['adapters/persistence/bad-repo.ts', 'core/research/service.ts'],
  'adapters-implement-ports (the engine)': ['adapters/brokers/bad-broker.ts', 'core/engine/task-actor.ts'],
  'domain-stands-alone (engine)': ['core/domain/bad-order.ts', 'core/engine/strategy-runner.ts'],
  'domain-stands-alone (api)': ['core/domain/bad-money.ts', 'core/api/capital-handlers.ts'],
  'indicators-are-math (engine)': ['core/indicators/bad-average.ts', 'core/engine/bar-buffer.ts'],
  'indicators-are-math (api)': ['core/indicators/bad-macd.ts', 'core/api/market-handlers.ts'],
  'strategies-do-not-drive-the-engine': ['core/strategies/bad-strategy.ts', 'core/engine/simulated-exchange.ts'],
  'api-is-the-top-of-core': ['core/engine/bad-kernel.ts', 'core/api/create-api-handlers.ts'],
};

const GOOD: [from: string, to: string][] = [
  ['adapters/brokers/good-broker.ts', 'core/ports/execution-client.ts'],
  ['adapters/brokers/good-broker.ts', 'core/domain/trading.ts'],
  ['core/strategies/good-strategy.ts', 'core/indicators/macd.ts'],
  ['core/strategies/good-strategy.ts', 'core/domain/instruments.ts'],
  ['core/indicators/good-indicator.ts', 'core/domain/candles.ts'],
  ['core/api/good-handlers.ts', 'core/capital/capital-service.ts'],
];

const ruleOf = (label: string) => label.split(' ')[0] as string;

let scratch: string;
let violations: { rule: string; from: string; to: string }[];

function write(relative: string, text: string): void {
  const path = join(scratch, 'src', relative);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, text);
}

function importOf(from: string, to: string): string {
  const depth = from.split('/').length - 1;
  return `import '${'../'.repeat(depth)}${to.replace(/\.ts$/, '')}';\n`;
}

beforeAll(() => {
  scratch = mkdtempSync(join(tmpdir(), 'echo-layer-rules-'));
  writeFileSync(join(scratch, 'tsconfig.json'), JSON.stringify({ compilerOptions: { module: 'ESNext', moduleResolution: 'Bundler' }, include: ['src'] }));
  const sources = new Map<string, string>();
  for (const [from, to] of [...Object.values(BAD), ...GOOD]) {
    sources.set(from, (sources.get(from) ?? 'export {};\n') + importOf(from, to));
    if (!sources.has(to)) sources.set(to, 'export {};\n');
  }
  for (const [file, text] of sources) write(file, text);
  const run = spawnSync(
    process.execPath,
    [join(root, 'node_modules/dependency-cruiser/bin/dependency-cruise.mjs'), 'src', '--config', join(root, '.dependency-cruiser.cjs'), '--output-type', 'json'],
    { cwd: scratch, encoding: 'utf8', timeout: 120_000 },
  );
  const report = JSON.parse(run.stdout) as { summary: { violations: { rule: { name: string }; from: string; to: string }[] } };
  violations = report.summary.violations.map((v) => ({ rule: v.rule.name, from: v.from, to: v.to }));
}, 180_000);

afterAll(() => rmSync(scratch, { recursive: true, force: true }));

describe('the layer rules catch a deliberate bad import', () => {
  for (const [label, [from, to]] of Object.entries(BAD)) {
    it(label, () => {
      expect(violations).toContainEqual({ rule: ruleOf(label), from: `src/${from}`, to: `src/${to}` });
    });
  }

  it('and allow what DESIGN.md allows (adapters → ports/domain, strategies → indicators, api → capabilities)', () => {
    const flagged = violations.filter((v) => GOOD.some(([from, to]) => v.from === `src/${from}` && v.to === `src/${to}`));
    expect(flagged).toEqual([]);
    // Nothing else was flagged either (an import into core/api from domain or indicators breaks two rules at once).
    const unexpected = violations.filter((v) => !Object.values(BAD).some(([from, to]) => v.from === `src/${from}` && v.to === `src/${to}`));
    expect(unexpected).toEqual([]);
  });
});

describe('the Node and web tsconfigs keep each side to its own globals', () => {
  /** Type-checks one probe file with the compiler options of `config` (a scratch tsconfig extending it). */
  function typecheck(config: string, probe: string): { ok: boolean; output: string } {
    const dir = mkdtempSync(join(tmpdir(), 'echo-tsconfig-'));
    try {
      writeFileSync(join(dir, 'probe.ts'), probe);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ extends: join(root, config), include: ['probe.ts'], compilerOptions: { typeRoots: [join(root, 'node_modules/@types')] } }));
      const run = spawnSync(process.execPath, [join(root, 'node_modules/typescript/bin/tsc'), '-p', dir, '--noEmit'], { encoding: 'utf8', timeout: 120_000 });
      return { ok: run.status === 0, output: `${run.stdout}${run.stderr}` };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }

  it('Node code (tsconfig.node.json) cannot use the DOM, and can use Node', () => {
    const dom = typecheck('tsconfig.node.json', 'export const title = document.title;\n');
    expect(dom.ok).toBe(false);
    expect(dom.output).toMatch(/Cannot find name 'document'/);
    expect(typecheck('tsconfig.node.json', "import { tmpdir } from 'node:os';\nexport const dir: string = tmpdir() + process.pid;\n").ok).toBe(true);
  }, 120_000);

  it('the UI (tsconfig.web.json) cannot use Node, and can use the DOM', () => {
    const node = typecheck('tsconfig.web.json', 'export const pid = process.pid;\n');
    expect(node.ok).toBe(false);
    expect(node.output).toMatch(/Cannot find name 'process'/);
    expect(typecheck('tsconfig.web.json', 'export const title: string = document.title;\n').ok).toBe(true);
  }, 120_000);
});
