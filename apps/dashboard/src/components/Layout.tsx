// The frame of every signed-in page: a top bar (brand, navigation, connection state, who is
// signed in), a read-only banner for read tokens, and the page itself.
import type { ReactNode } from 'react';
import { useApp, useLinkStatus } from '../app-context';
import { Link, usePath } from '../router';

const NAV = [
  { to: '/', label: 'Machine', active: (p: string) => p === '/' },
  { to: '/vms', label: 'Virtual machines', active: (p: string) => p.startsWith('/vms') },
  { to: '/events', label: 'Events', active: (p: string) => p.startsWith('/events') },
];

const LINK_TEXT = {
  connecting: 'Connecting…',
  connected: 'Live',
  reconnecting: 'Reconnecting…',
  refused: 'Refused',
  closed: 'Offline',
} as const;

function Connection(): ReactNode {
  const { status, detail } = useLinkStatus();
  return (
    <div className={`link link-${status}`} role="status" aria-live="polite" aria-label={`Connection: ${LINK_TEXT[status]}`} title={detail === '' ? undefined : detail} data-testid="link-status">
      <span className="link-dot" aria-hidden="true" />
      {LINK_TEXT[status]}
    </div>
  );
}

export function Layout({ children }: { children: ReactNode }): ReactNode {
  const { session, signOut } = useApp();
  const path = usePath().split('?')[0] ?? '/';
  return (
    <div className="shell">
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Disco: machine overview"><span className="brand-dot" aria-hidden="true" />Disco</Link>
        <nav aria-label="Main">
          <ul className="nav">
            {NAV.map((n) => (
              <li key={n.to}><Link to={n.to} className={n.active(path) ? 'nav-item active' : 'nav-item'} aria-current={n.active(path) ? 'page' : undefined}>{n.label}</Link></li>
            ))}
          </ul>
        </nav>
        <div className="topbar-right">
          <Connection />
          <span className="who" aria-label={`Signed in as ${session.name}, role ${session.role}`}>
            {session.name} <span className={`role role-${session.role}`}>{session.role}</span>
          </span>
          <button type="button" className="btn btn-ghost btn-sm" onClick={signOut}>Sign out</button>
        </div>
      </header>
      {session.role === 'read' && (
        <div className="banner" role="note">Read-only token: you can watch machines, consoles and metrics; every change is disabled.</div>
      )}
      <main className="content" id="content">{children}</main>
    </div>
  );
}
