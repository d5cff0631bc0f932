/** Shown when the server answers 401: the browser's session cookie is missing or no longer valid. */
export function NotSignedInScreen() {
  return (
    <div className="notice-screen" data-testid="not-signed-in">
      <div className="notice-card">
        <h1>Not signed in</h1>
        <p>
          This browser is not signed in to Echo Workstation. Open the one-time sign-in link printed by <code>npm run serve</code>{' '}
          when it started (it looks like <code>http://127.0.0.1:8000/?login=…</code>).
        </p>
        <p>Each link works once. Restart the server for a new one. Scripts use the API token from the data directory instead.</p>
      </div>
    </div>
  );
}
