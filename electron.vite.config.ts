import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { defineConfig, type MainViteConfig, type PreloadViteConfig, type RendererViteConfig } from 'electron-vite';
import rendererConfig from './vite.renderer.config';

/**
 * `npm run build` → out/main (ESM, Node target), out/preload (one CommonJS file), out/renderer (the UI).
 * Needs no Electron binary: it only bundles.
 */

const root = dirname(fileURLToPath(import.meta.url));

/** electron-vite 6 reads `build.rolldownOptions` (and copies it to rollupOptions under Vite 7, whose types lack it). */
function withRolldownOptions<B extends object>(build: B, rolldownOptions: Record<string, unknown>): B {
  return Object.assign(build, { rolldownOptions });
}

const main: MainViteConfig = {
  build: withRolldownOptions(
    {
      // Runtime dependencies stay in node_modules: native modules (better-sqlite3, keytar) cannot be bundled, and
      // ccxt/fastify are large and load files of their own. keytar is an optionalDependency, which electron-vite
      // does not externalize by itself.
      externalizeDeps: { include: ['@github/keytar'] },
      sourcemap: true,
    },
    {
      input: {
        index: resolve(root, 'src/main/index.ts'),
        // Backtest worker threads load out/main/backtest-worker.js (see src/server/workers/worker-entry.ts).
        'backtest-worker': resolve(root, 'src/server/workers/backtest-worker.ts'),
      },
    },
  ),
};

const preload: PreloadViteConfig = {
  build: withRolldownOptions(
    {
      // A sandboxed preload cannot require() from node_modules: the contract and zod are bundled into one
      // CommonJS file, with only 'electron' left external.
      externalizeDeps: false,
    },
    {
      input: { index: resolve(root, 'src/preload/index.ts') },
      // .cjs because package.json says "type": "module".
      output: { format: 'cjs', entryFileNames: '[name].cjs' },
    },
  ),
};

export default defineConfig({
  main,
  preload,
  // The renderer's own config (also used by `npm run build:ui` for headless mode), unchanged.
  renderer: rendererConfig as RendererViteConfig,
});
