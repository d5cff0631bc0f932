import { mkdtempSync, rmSync, statSync, unlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { ApiTokenFile, isValidUiSession, loadOrCreateApiToken, rotateApiToken, UI_SESSION_MAX_AGE_SECONDS, uiSessionValue } from './api-token';

const dirs: string[] = [];
const tempDir = () => {
  const dir = mkdtempSync(join(tmpdir(), 'echo-token-unit-'));
  dirs.push(dir);
  return dir;
};
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('the API token file', () => {
  it('sees a rotation by another process at the next check, and re-creates a deleted file', () => {
    const dir = tempDir();
    const tokenFile = new ApiTokenFile(dir);
    const first = tokenFile.current();
    expect(loadOrCreateApiToken(dir).token).toBe(first);
    const rotated = rotateApiToken(dir).token; // as `npm run token -- --rotate` does, in another process
    expect(rotated).not.toBe(first);
    expect(tokenFile.current()).toBe(rotated);
    if (process.platform !== 'win32') expect(statSync(join(dir, 'api-token')).mode & 0o077).toBe(0);
    unlinkSync(join(dir, 'api-token'));
    const recreated = tokenFile.current();
    expect(recreated).not.toBe(rotated);
    expect(loadOrCreateApiToken(dir).token).toBe(recreated);
    expect(tokenFile.rotate()).not.toBe(recreated);
  });
});

describe('the browser sign-in cookie', () => {
  const token = 'a'.repeat(43);
  const now = Date.UTC(2026, 0, 10);

  it('is valid for 7 days after it was issued, and only for the token it was made with', () => {
    const value = uiSessionValue(token, now);
    expect(isValidUiSession(value, token, now)).toBe(true);
    expect(isValidUiSession(value, token, now + (UI_SESSION_MAX_AGE_SECONDS - 60) * 1000)).toBe(true);
    expect(isValidUiSession(value, token, now + (UI_SESSION_MAX_AGE_SECONDS + 1) * 1000)).toBe(false);
    expect(isValidUiSession(value, 'b'.repeat(43), now)).toBe(false);
    expect(UI_SESSION_MAX_AGE_SECONDS).toBe(7 * 24 * 3600);
  });

  it('cannot be extended or forged by editing its issue time', () => {
    const value = uiSessionValue(token, now);
    const [, mac] = value.split('.');
    const later = `${Math.floor(now / 1000) + 6 * 24 * 3600}.${mac}`;
    expect(isValidUiSession(later, token, now + 8 * 24 * 3600 * 1000)).toBe(false);
    for (const bad of ['', '.', 'abc', `x.${mac}`, `${Math.floor(now / 1000)}.`, `${Math.floor(now / 1000)}`]) {
      expect(isValidUiSession(bad, token, now)).toBe(false);
    }
  });
});
