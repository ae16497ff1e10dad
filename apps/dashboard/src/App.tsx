// The top of the dashboard: signs in (or restores the session from this tab), then builds the
// shared live state and shows the layout with the page for the current path.
import { useCallback, useEffect, useMemo, useState, type ReactNode } from 'react';
import { onUnauthorized, setToken } from './api/client';
import { Live } from './api/live';
import { MetricsStore } from './api/metrics-store';
import { signIn, signOut, storedToken, type Session } from './api/session';
import { VmsStore } from './api/vms-store';
import { AppProvider } from './app-context';
import { Layout } from './components/Layout';
import { Routes } from './Routes';
import { SignIn } from './pages/SignIn';

export function App(): ReactNode {
  const [session, setSession] = useState<Session | null>(null);
  const [restoring, setRestoring] = useState(() => storedToken() !== null);
  const [expired, setExpired] = useState<string | null>(null);

  useEffect(() => {
    const token = storedToken();
    if (token === null) return;
    signIn(token).then(setSession, () => signOut()).finally(() => setRestoring(false));
  }, []);

  useEffect(() => onUnauthorized((f) => {
    signOut();
    setSession(null);
    setExpired(`Signed out: ${f.message}`);
  }), []);

  const leave = useCallback(() => {
    signOut();
    setSession(null);
  }, []);

  if (session === null) {
    if (restoring) return <div className="splash" role="status">Signing in…</div>;
    return <SignIn notice={expired} onSignedIn={(s) => { setExpired(null); setSession(s); }} />;
  }
  return <SignedIn session={session} onSignOut={leave} />;
}

function SignedIn({ session, onSignOut }: { session: Session; onSignOut: () => void }): ReactNode {
  const value = useMemo(() => {
    setToken(session.token);
    const live = new Live(session.token);
    return { session, live, vms: new VmsStore(live), metrics: new MetricsStore(live), signOut: onSignOut };
  }, [session, onSignOut]);
  useEffect(() => () => {
    value.vms.close();
    value.live.close();
  }, [value]);
  return (
    <AppProvider value={value}>
      <Layout>
        <Routes />
      </Layout>
    </AppProvider>
  );
}
