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
        <p>
          Each link works once; restart the server for a new one. A sign-in lasts 7 days and ends at once when the API token is
          rotated. Scripts use the API token instead (<code>npm run -s token</code> prints it).
        </p>
      </div>
    </div>
  );
}
