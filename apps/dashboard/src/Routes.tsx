// Which page a path shows.
import type { ReactNode } from 'react';
import { Events } from './pages/Events';
import { Overview } from './pages/Overview';
import { VmDetail } from './pages/VmDetail';
import { VmForm } from './pages/VmForm';
import { VmList } from './pages/VmList';
import { Link, match, usePath } from './router';

export function Routes(): ReactNode {
  const path = usePath().split('?')[0] ?? '/';
  if (path === '/' || path === '/overview') return <Overview />;
  if (path === '/vms') return <VmList />;
  if (path === '/vms/new') return <VmForm />;
  if (path === '/events') return <Events />;
  const edit = match('/vms/:id/edit', path);
  if (edit !== null) return <VmForm id={edit.id} />;
  const tab = match('/vms/:id/:tab', path);
  if (tab !== null) return <VmDetail id={tab.id!} tab={tab.tab!} />;
  const vm = match('/vms/:id', path);
  if (vm !== null) return <VmDetail id={vm.id!} tab="console" />;
  return (
    <section className="page">
      <h1>Not found</h1>
      <p>Nothing at {path}. <Link to="/">Back to the overview</Link>.</p>
    </section>
  );
}
