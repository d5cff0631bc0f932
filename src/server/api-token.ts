import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, renameSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export const TOKEN_FILE = 'api-token';
/** How the token is named in messages: never the absolute path (a 401 must not reveal where the data folder is). */
export const TOKEN_HINT = 'the api-token file in the data folder (`npm run token` prints it)';
/** The browser sign-in lasts this long; rotating the token ends it at once. */
export const UI_SESSION_MAX_AGE_SECONDS = 7 * 24 * 3600;

const MIN_TOKEN_LENGTH = 32;

function tightenPermissions(file: string): void {
  if (process.platform !== 'win32' && (statSync(file).mode & 0o077) !== 0) chmodSync(file, 0o600);
}

/** Writes a fresh token through a temporary file and a rename: a reader sees the old token or the new one, never half. */
function writeNewToken(dataDir: string): string {
  mkdirSync(dataDir, { recursive: true, mode: 0o700 });
  const file = join(dataDir, TOKEN_FILE);
  const token = randomBytes(32).toString('base64url');
  const temp = `${file}.${randomBytes(4).toString('hex')}.tmp`;
  writeFileSync(temp, `${token}\n`, { mode: 0o600 });
  if (process.platform !== 'win32') chmodSync(temp, 0o600);
  renameSync(temp, file);
  return token;
}

/**
 * The API token: created on first use in <data-dir>/api-token, readable by the owner only.
 * An existing file with looser permissions is tightened, not trusted as is; a missing or too short one is replaced.
 */
export function loadOrCreateApiToken(dataDir: string): { token: string; file: string; created: boolean } {
  const file = join(dataDir, TOKEN_FILE);
  if (existsSync(file)) {
    const token = readFileSync(file, 'utf8').trim();
    if (token.length >= MIN_TOKEN_LENGTH) {
      tightenPermissions(file);
      return { token, file, created: false };
    }
  }
  return { token: writeNewToken(dataDir), file, created: true };
}

/** A new token replaces the old one; every server on this data folder refuses the old one (and its browser sign-ins) at once. */
export function rotateApiToken(dataDir: string): { token: string; file: string } {
  return { token: writeNewToken(dataDir), file: join(dataDir, TOKEN_FILE) };
}

/**
 * The token as the file says now. Every check looks at the file's identity (inode, size, mtime): one stat, no read,
 * unless it changed. So a rotation by `npm run token -- --rotate` in another process, or by the app, is seen by the
 * next request of a running server. A deleted file is re-created (a new token), as at first start.
 */
export class ApiTokenFile {
  readonly file: string;
  private token: string;
  private stamp: string;

  constructor(readonly dataDir: string) {
    this.file = join(dataDir, TOKEN_FILE);
    this.token = loadOrCreateApiToken(dataDir).token;
    this.stamp = this.stampNow();
  }

  current(): string {
    const stamp = this.stampNow();
    if (stamp !== this.stamp) {
      this.token = loadOrCreateApiToken(this.dataDir).token;
      this.stamp = this.stampNow();
    }
    return this.token;
  }

  rotate(): string {
    this.token = rotateApiToken(this.dataDir).token;
    this.stamp = this.stampNow();
    return this.token;
  }

  private stampNow(): string {
    try {
      const s = statSync(this.file, { bigint: true });
      return `${s.ino}:${s.size}:${s.mtimeNs}`;
    } catch {
      return 'missing';
    }
  }
}

export function safeEqual(a: string, b: string): boolean {
  const ab = Buffer.from(a);
  const bb = Buffer.from(b);
  return ab.length === bb.length && timingSafeEqual(ab, bb);
}

const sessionMac = (token: string, issuedAt: string) => createHmac('sha256', token).update(`echo-ui-session-v2:${issuedAt}`).digest('base64url');

/**
 * The browser session cookie's value: `<issued at, unix seconds>.<HMAC of it keyed by the token>`. It ends after
 * UI_SESSION_MAX_AGE_SECONDS whatever the browser keeps, and the moment the token is rotated.
 */
export function uiSessionValue(token: string, nowMs = Date.now()): string {
  const issuedAt = String(Math.floor(nowMs / 1000));
  return `${issuedAt}.${sessionMac(token, issuedAt)}`;
}

export function isValidUiSession(value: string, token: string, nowMs = Date.now()): boolean {
  const dot = value.indexOf('.');
  if (dot <= 0) return false;
  const issuedAt = value.slice(0, dot);
  if (!/^\d{1,12}$/.test(issuedAt)) return false;
  const age = nowMs / 1000 - Number(issuedAt);
  if (age > UI_SESSION_MAX_AGE_SECONDS || age < -300) return false;
  return safeEqual(value.slice(dot + 1), sessionMac(token, issuedAt));
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
