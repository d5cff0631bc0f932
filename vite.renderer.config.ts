import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

/**
 * The renderer build (React UI). Used by `npm run build:ui` and imported as the renderer section of
 * electron.vite.config.ts, so it stays a plain config object.
 * `base: './'` makes the built index.html work both from file:// (Electron) and from the headless server at `/`.
 */

const repoRoot = dirname(fileURLToPath(import.meta.url));

/**
 * index.html carries a strict CSP (no inline scripts). The dev server needs an inline React Fast Refresh
 * preamble and a WebSocket for HMR, so only while serving the CSP is relaxed; built files keep it strict.
 */
function relaxCspForDevServer(): Plugin {
  return {
    name: 'echo:relax-csp-for-dev-server',
    apply: 'serve',
    transformIndexHtml(html) {
      return html
        .replace("script-src 'self'", "script-src 'self' 'unsafe-inline'")
        .replace("connect-src 'self'", "connect-src 'self' ws: wss: http://localhost:* http://127.0.0.1:*");
    },
  };
}

export default defineConfig({
  root: resolve(repoRoot, 'src/renderer'),
  base: './',
  plugins: [react(), relaxCspForDevServer()],
  build: {
    outDir: resolve(repoRoot, 'out/renderer'),
    emptyOutDir: true,
    target: 'es2022',
    chunkSizeWarningLimit: 1200,
  },
});
