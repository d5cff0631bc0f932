import { extname, isAbsolute, join, normalize, relative, sep } from 'node:path';
import { APP_HOST, APP_SCHEME } from './navigation-guard';

/**
 * Serves the built renderer (out/renderer) on app://echo/. Pure apart from the injected readFile, so the
 * path-traversal rules are tested in plain Node. Registered with Electron's `protocol.handle` in index.ts.
 */

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.gif': 'image/gif',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.txt': 'text/plain; charset=utf-8',
  '.wasm': 'application/wasm',
};

export function contentTypeFor(file: string): string {
  return CONTENT_TYPES[extname(file).toLowerCase()] ?? 'application/octet-stream';
}

/**
 * Maps an app:// URL to a file under rootDir, or undefined when the URL is not ours or would escape rootDir.
 * Extension-less paths that are not files fall back to index.html (client-side routes).
 */
export function resolveAppFile(rootDir: string, url: string): string | undefined {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return undefined;
  }
  if (parsed.protocol !== `${APP_SCHEME}:` || parsed.host !== APP_HOST) return undefined;
  let pathname: string;
  try {
    pathname = decodeURIComponent(parsed.pathname);
  } catch {
    return undefined;
  }
  if (pathname.includes('\0') || pathname.includes('\\')) return undefined;
  const relativePath = normalize(pathname.replace(/^\/+/, '')) || '.';
  if (relativePath === '.' || relativePath === `.${sep}`) return join(rootDir, 'index.html');
  const file = join(rootDir, relativePath);
  const inside = relative(rootDir, file);
  if (inside === '' || inside.startsWith('..') || isAbsolute(inside)) return undefined;
  return file;
}

export interface AppProtocolOptions {
  rootDir: string;
  /** The Content-Security-Policy sent with every response. */
  csp: string;
  readFile(path: string): Promise<Uint8Array>;
}

function isMissing(error: unknown): boolean {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  return code === 'ENOENT' || code === 'EISDIR' || code === 'ENOTDIR';
}

export function createAppProtocolHandler(options: AppProtocolOptions): (request: { url: string; method?: string }) => Promise<Response> {
  const headersFor = (file: string) => ({
    'Content-Type': contentTypeFor(file),
    'Content-Security-Policy': options.csp,
    'X-Content-Type-Options': 'nosniff',
    'Cache-Control': 'no-cache',
  });
  const notFound = () => new Response('Not found', { status: 404, headers: { 'Content-Type': 'text/plain; charset=utf-8' } });

  return async (request) => {
    if (request.method && request.method !== 'GET' && request.method !== 'HEAD') {
      return new Response('Method not allowed', { status: 405 });
    }
    const file = resolveAppFile(options.rootDir, request.url);
    if (!file) return notFound();
    const candidates = extname(file) ? [file] : [file, join(options.rootDir, 'index.html')];
    for (const candidate of candidates) {
      try {
        const body = await options.readFile(candidate);
        return new Response(request.method === 'HEAD' ? null : (body as Uint8Array<ArrayBuffer>), { status: 200, headers: headersFor(candidate) });
      } catch (error) {
        if (!isMissing(error)) return new Response('Could not read the file', { status: 500 });
      }
    }
    return notFound();
  };
}
