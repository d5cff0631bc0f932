/**
 * The layering of DESIGN.md §1, checked mechanically (`npm run lint:layers`, part of `npm test`).
 * Layers are named for where their code may run: shared anywhere, core/adapters/server in plain Node,
 * main/preload in Electron, renderer in a browser.
 */
const TESTS = '\\.test\\.tsx?$|\\.test-helpers\\.ts$';

const forbid = (name, comment, from, to) => ({
  name,
  comment,
  severity: 'error',
  from: { path: from, pathNot: TESTS },
  to,
});

module.exports = {
  forbidden: [
    forbid('electron-only-in-main-and-preload', 'Everything but main/ and preload/ runs in plain Node or a browser.',
      '^src/(shared|core|adapters|server|renderer)/', { path: '^electron$|node_modules/electron/' }),
    forbid('shared-is-pure', 'shared/ runs anywhere: only shared/* and zod.',
      '^src/shared/', { pathNot: '^src/shared/|node_modules/zod/' }),
    forbid('core-stays-in-core', 'core/ is the engine: it never reaches into adapters, server, main, preload or renderer.',
      '^src/core/', { path: '^src/(adapters|server|main|preload|renderer)/' }),
    forbid('adapters-implement-ports', 'adapters/ may use core/ports and core/domain, never the rest of core or the outer layers.',
      '^src/adapters/', { path: '^src/(server|main|preload|renderer)/|^src/core/(?!(ports|domain)/)' }),
    // Inside core (DESIGN.md §1, §9): domain → indicators → strategies → engine → capabilities → api, arrows only downwards.
    forbid('domain-stands-alone', 'core/domain holds the rules and vocabulary: it imports only itself (and shared/).',
      '^src/core/domain/', { path: '^src/core/(?!domain/)' }),
    forbid('indicators-are-math', 'core/indicators are pure incremental math over numbers: only itself and core/domain.',
      '^src/core/indicators/', { path: '^src/core/(?!(indicators|domain)/)' }),
    forbid('strategies-do-not-drive-the-engine', 'A strategy talks to its StrategyContext; it never imports the engine, the backtester, research or the API.',
      '^src/core/strategies/', { path: '^src/core/(engine|backtest|research|api)/' }),
    forbid('api-is-the-top-of-core', 'core/api translates the contract; nothing else in core calls it.',
      '^src/core/(?!api/)', { path: '^src/core/api/' }),
    forbid('server-is-electron-free', 'server/ is the Electron-free entry point.',
      '^src/server/', { path: '^src/(main|preload|renderer)/' }),
    forbid('preload-is-thin', 'The sandboxed preload only bridges the contract.',
      '^src/preload/', { path: '^src/(core|adapters|server|main|renderer)/' }),
    forbid('renderer-talks-through-the-contract', 'The UI reaches the engine only through the typed client.',
      '^src/renderer/', { path: '^src/(core|adapters|server|main|preload)/' }),
    forbid('renderer-has-no-node', 'The UI runs in a sandboxed browser page.',
      '^src/renderer/', { dependencyTypes: ['core'] }),
    forbid('no-main-from-below', 'Nothing imports the Electron main process.',
      '^src/(?!main/)', { path: '^src/main/' }),
    {
      name: 'no-circular',
      severity: 'error',
      from: { pathNot: TESTS },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(out|dist|release)/' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
