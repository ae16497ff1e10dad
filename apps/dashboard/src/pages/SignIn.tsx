// Sign-in: paste a bearer token (the admin token is in DISCO_DATA_DIR/admin-token, or the value
// of DISCO_ADMIN_TOKEN; more tokens from POST /api/tokens). The server checks it at once.
import { useState, type FormEvent, type ReactNode } from 'react';
import { ApiFailure } from '../api/client';
import { signIn, type Session } from '../api/session';

export function SignIn({ onSignedIn, notice }: { onSignedIn: (s: Session) => void; notice: string | null }): ReactNode {
  const [token, setToken] = useState('');
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (e: FormEvent): Promise<void> => {
    e.preventDefault();
    setBusy(true);
    setError(null);
    try {
      onSignedIn(await signIn(token));
    } catch (f) {
      const msg = f instanceof ApiFailure ? (f.status === 401 ? `The server refused this token: ${f.message}` : f.message) : String(f);
      setError(msg);
    } finally {
      setBusy(false);
    }
  };

  return (
    <main className="signin">
      <form className="signin-card" onSubmit={(e) => void submit(e)} aria-labelledby="signin-title">
        <div className="brand brand-large"><span className="brand-dot" aria-hidden="true" />Disco</div>
        <h1 id="signin-title">Sign in</h1>
        <p className="muted">The cc-NUMA machine and its virtual machines. Sign in with an API token.</p>
        {notice !== null && <p className="form-error" role="alert">{notice}</p>}
        <label htmlFor="token">API token</label>
        <input id="token" name="token" type="password" autoComplete="current-password" autoFocus spellCheck={false}
          value={token} onChange={(e) => setToken(e.target.value)} aria-invalid={error !== null} aria-describedby="token-help token-error" />
        <p id="token-help" className="hint">The first admin token is in <code>data/admin-token</code> (or <code>DISCO_ADMIN_TOKEN</code>). Read-only tokens can watch everything and change nothing.</p>
        {error !== null && <p id="token-error" className="form-error" role="alert">{error}</p>}
        <button type="submit" className="btn btn-primary" disabled={busy}>{busy ? 'Checking…' : 'Sign in'}</button>
      </form>
    </main>
  );
}
