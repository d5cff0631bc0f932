/**
 * Identity (core/identity): users, sessions with rotating refresh tokens, API keys, password-reset tokens, upgrade
 * requests, sign-in failures and security events. Secrets are stored only as hashes (argon2id for passwords, sha256
 * for the high-entropy tokens and keys); the JWT signing key lives in the OS keychain, not here.
 */
export const identityMigration = {
  version: 11,
  name: 'identity',
  sql: `
    CREATE TABLE users (
      id            TEXT PRIMARY KEY,
      username      TEXT NOT NULL,
      username_key  TEXT NOT NULL UNIQUE,
      email         TEXT NOT NULL,
      email_key     TEXT NOT NULL UNIQUE,
      full_name     TEXT NOT NULL DEFAULT '',
      role          TEXT NOT NULL CHECK (role IN ('admin', 'exporter', 'viewer')),
      tier          TEXT NOT NULL CHECK (tier IN ('Free', 'Premium', 'Enterprise')),
      password_hash TEXT NOT NULL,
      disabled      INTEGER NOT NULL DEFAULT 0,
      created_at    TEXT NOT NULL
    );
    CREATE TABLE user_sessions (
      id                 TEXT PRIMARY KEY,
      user_id            TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      device_info_json   TEXT NOT NULL DEFAULT '{}' CHECK (json_valid(device_info_json)),
      created_at         TEXT NOT NULL,
      last_used_at       TEXT NOT NULL,
      refresh_expires_at TEXT NOT NULL,
      revoked_at         TEXT,
      revoked_reason     TEXT
    );
    CREATE INDEX user_sessions_by_user ON user_sessions(user_id);
    -- Every refresh token a session was given; used_at set when it was exchanged. A used one presented again = reuse.
    CREATE TABLE refresh_tokens (
      hash       TEXT PRIMARY KEY,
      session_id TEXT NOT NULL REFERENCES user_sessions(id) ON DELETE CASCADE,
      issued_at  TEXT NOT NULL,
      used_at    TEXT
    );
    CREATE TABLE password_reset_tokens (
      hash       TEXT PRIMARY KEY,
      user_id    TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      expires_at TEXT NOT NULL,
      used_at    TEXT
    );
    CREATE TABLE api_keys (
      id           TEXT PRIMARY KEY,
      user_id      TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      name         TEXT NOT NULL,
      role         TEXT NOT NULL CHECK (role IN ('admin', 'exporter', 'viewer')),
      key_hash     TEXT NOT NULL UNIQUE,
      prefix       TEXT NOT NULL,
      created_at   TEXT NOT NULL,
      last_used_at TEXT,
      revoked_at   TEXT
    );
    CREATE TABLE upgrade_requests (
      id             TEXT PRIMARY KEY,
      user_id        TEXT NOT NULL REFERENCES users(id) ON DELETE CASCADE,
      current_tier   TEXT NOT NULL,
      requested_tier TEXT NOT NULL CHECK (requested_tier IN ('Free', 'Premium', 'Enterprise')),
      reason         TEXT NOT NULL DEFAULT '',
      status         TEXT NOT NULL CHECK (status IN ('PENDING', 'APPROVED', 'REJECTED')),
      created_at     TEXT NOT NULL,
      decided_at     TEXT,
      note           TEXT
    );
    CREATE TABLE login_failures (
      identifier TEXT PRIMARY KEY,
      count      INTEGER NOT NULL,
      last_at    TEXT NOT NULL
    );
    CREATE TABLE security_events (
      id      INTEGER PRIMARY KEY AUTOINCREMENT,
      type    TEXT NOT NULL,
      subject TEXT NOT NULL,
      detail  TEXT NOT NULL,
      at      TEXT NOT NULL
    );
  `,
};
