import { describe, expect, it } from 'vitest';
import { buildContentSecurityPolicy, withSecurityHeaders } from './content-security-policy';

function directives(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => {
    const [name, ...values] = part.trim().split(/\s+/);
    return [name as string, values];
  }));
}

describe('content security policy', () => {
  it('is strict for the packaged app: no eval, no inline scripts, no network, no frames', () => {
    const csp = directives(buildContentSecurityPolicy());
    expect(csp.get('default-src')).toEqual(["'none'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('connect-src')).toEqual(["'self'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('frame-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(buildContentSecurityPolicy()).not.toMatch(/unsafe-eval|\*/);
    expect(csp.get('script-src')).not.toContain("'unsafe-inline'");
  });

  it('lets the dev server in only when given, including its HMR socket', () => {
    const csp = directives(buildContentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' }));
    expect(csp.get('script-src')).toEqual(["'self'", 'http://localhost:5173', "'unsafe-inline'"]);
    expect(csp.get('connect-src')).toEqual(["'self'", 'http://localhost:5173', 'ws://localhost:5173']);
    expect(buildContentSecurityPolicy({ devServerOrigin: 'http://localhost:5173' })).not.toContain('unsafe-eval');
  });

  it('replaces any CSP a response carried and keeps the other headers', () => {
    const headers = withSecurityHeaders(
      { 'content-type': ['text/html'], 'Content-Security-Policy': ["default-src *"], 'content-security-policy-report-only': 'x' },
      "default-src 'none'",
    );
    expect(headers).toEqual({
      'content-type': ['text/html'],
      'Content-Security-Policy': ["default-src 'none'"],
      'X-Content-Type-Options': ['nosniff'],
    });
    expect(withSecurityHeaders(undefined, 'x')['Content-Security-Policy']).toEqual(['x']);
  });
});
