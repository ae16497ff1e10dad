// The whole audit log: who did what to which VM, and when.
import type { ReactNode } from 'react';
import { EventTable } from '../components/EventTable';

export function Events(): ReactNode {
  return (
    <section className="page" aria-labelledby="events-title">
      <div className="page-head"><h1 id="events-title">Events</h1><span className="muted">audit log, newest first</span></div>
      <EventTable />
    </section>
  );
}
