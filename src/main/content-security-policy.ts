/**
 * The Content-Security-Policy of the app's own pages. Strict: scripts only from the app itself, no eval,
 * no network (the UI talks to the engine over IPC), no frames, no plugins.
 * Inline styles stay allowed because React style props and ECharts tooltips write style attributes.
 */
export function buildContentSecurityPolicy(options: { devServerOrigin?: string | undefined } = {}): string {
  const dev = options.devServerOrigin;
  // Vite's dev server injects an inline React-refresh preamble and talks HMR over a WebSocket.
  const devScript = dev ? ` ${dev} 'unsafe-inline'` : '';
  const devConnect = dev ? ` ${dev} ${dev.replace(/^http/, 'ws')}` : '';
  return [
    "default-src 'none'",
    `script-src 'self'${devScript}`,
    `style-src 'self' 'unsafe-inline'${dev ? ` ${dev}` : ''}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    `connect-src 'self'${devConnect}`,
    "worker-src 'self' blob:",
    "manifest-src 'self'",
    "media-src 'none'",
    "frame-src 'none'",
    "child-src 'none'",
    "object-src 'none'",
    "frame-ancestors 'none'",
    "base-uri 'none'",
    "form-action 'none'",
  ].join('; ');
}

/** Electron's response headers: names in any case, each with a list of values. */
export type ResponseHeaders = Record<string, string | string[]>;

const REPLACED = new Set(['content-security-policy', 'content-security-policy-report-only', 'x-content-type-options']);

/** Our CSP replaces whatever the response carried (a dev server's or none). */
export function withSecurityHeaders(headers: ResponseHeaders | undefined, csp: string): Record<string, string[]> {
  const result: Record<string, string[]> = {};
  for (const [name, value] of Object.entries(headers ?? {})) {
    if (REPLACED.has(name.toLowerCase())) continue;
    result[name] = Array.isArray(value) ? value : [value];
  }
  result['Content-Security-Policy'] = [csp];
  result['X-Content-Type-Options'] = ['nosniff'];
  return result;
}
