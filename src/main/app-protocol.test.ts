import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { contentTypeFor, createAppProtocolHandler, resolveAppFile } from './app-protocol';

const root = mkdtempSync(join(tmpdir(), 'echo-renderer-'));
mkdirSync(join(root, 'assets'));
writeFileSync(join(root, 'index.html'), '<!doctype html><title>Echo</title>');
writeFileSync(join(root, 'assets', 'index-abc.js'), 'console.log(1)');
writeFileSync(join(root, '..', 'secret.txt'), 'do not serve');

const handler = createAppProtocolHandler({ rootDir: root, csp: "default-src 'none'", readFile: (file) => readFile(file) });

describe('app:// protocol', () => {
  it('maps app URLs into the renderer folder and nowhere else', () => {
    expect(resolveAppFile(root, 'app://echo/')).toBe(join(root, 'index.html'));
    expect(resolveAppFile(root, 'app://echo/assets/index-abc.js?v=1')).toBe(join(root, 'assets', 'index-abc.js'));
    for (const url of [
      'app://echo/../secret.txt',
      'app://echo/%2e%2e/secret.txt',
      'app://echo/assets/%2e%2e%2f%2e%2e%2fsecret.txt',
      'app://echo/..%5csecret.txt',
      'app://echo/a%00.js',
      'app://echo/%E0%A4%A',
    ]) {
      // Either refused, or (after URL normalisation) a path that stays inside the renderer folder.
      const file = resolveAppFile(root, url);
      if (file !== undefined) expect(file.startsWith(join(root, '/')), `${url} → ${file}`).toBe(true);
    }
  });

  it('refuses URLs of other hosts and schemes', () => {
    expect(resolveAppFile(root, 'app://other/index.html')).toBeUndefined();
    expect(resolveAppFile(root, 'https://echo/index.html')).toBeUndefined();
    expect(resolveAppFile(root, 'app://echo/a%00.js')).toBeUndefined();
    expect(resolveAppFile(root, 'app://echo/%E0%A4%A')).toBeUndefined();
    expect(resolveAppFile(root, 'app://echo/..%5csecret.txt')).toBeUndefined();
  });

  it('serves files with their type and the CSP', async () => {
    const response = await handler({ url: 'app://echo/index.html', method: 'GET' });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
    expect(response.headers.get('content-security-policy')).toBe("default-src 'none'");
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await response.text()).toBe(readFileSync(join(root, 'index.html'), 'utf8'));
    const script = await handler({ url: 'app://echo/assets/index-abc.js' });
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
  });

  it('falls back to index.html for client-side routes, 404 for missing assets and escapes', async () => {
    const route = await handler({ url: 'app://echo/capital/portfolios' });
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>Echo</title>');
    expect((await handler({ url: 'app://echo/assets/missing.js' })).status).toBe(404);
    expect((await handler({ url: 'app://echo/%2e%2e/secret.txt' })).status).toBe(404);
    expect((await handler({ url: 'app://echo/index.html', method: 'POST' })).status).toBe(405);
  });

  it('knows the usual content types', () => {
    expect(contentTypeFor('a.css')).toBe('text/css; charset=utf-8');
    expect(contentTypeFor('a.woff2')).toBe('font/woff2');
    expect(contentTypeFor('a.unknown')).toBe('application/octet-stream');
  });
});
