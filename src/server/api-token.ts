import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'api-token';

/**
 * The API token: created on first start in <data-dir>/api-token, readable by the owner only.
 * An existing file with looser permissions is tightened, not trusted as is.
 */
export function loadOrCreateApiToken(dataDir: string): { token: string; file: string; created: boolean } {
  const file = join(dataDir, TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= 32) {
      if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
      return { token, file, created: false };
    }
  }
  const token = randomBytes(32).toString('base64url');
  writeFileSync(file, `${token}\n`, { mode: 0o600 });
  if (process.platform !== 'win32') chmodSync(file, 0o600);
  return { token, file, created: true };
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

/** The browser session cookie's value: derived from the token, so it survives restarts and dies when the token is rotated. */
export function uiSessionValue(token: string): string {
  return createHmac('sha256', token).update('echo-ui-session-v1').digest('base64url');
}

/** Single-use sign-in codes for the link printed at start-up; each expires after `ttlMs`. */
export class LoginCodes {
  private readonly codes = new Map<string, number>();
  constructor(private readonly ttlMs = 15 * 60_000) {}

  issue(now = Date.now()): string {
    const code = randomBytes(24).toString('base64url');
    this.codes.set(code, now + this.ttlMs);
    return code;
  }

  consume(code: string, now = Date.now()): boolean {
    const expires = this.codes.get(code);
    if (expires === undefined) return false;
    this.codes.delete(code);
    return expires >= now;
  }
}
