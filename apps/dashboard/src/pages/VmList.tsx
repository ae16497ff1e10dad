// The VM list page: counts, New VM, and the table of every VM with its buttons.
import type { ReactNode } from 'react';
import { useApp, useReadOnlyReason, useVms } from '../app-context';
import { VmTable } from '../components/VmTable';
import { navigate } from '../router';

export function VmList(): ReactNode {
  const { vms, error } = useVms();
  const { vms: store } = useApp();
  const readOnly = useReadOnlyReason();
  const running = vms.filter((v) => v.state !== 'stopped').length;
  return (
    <section className="page" aria-labelledby="vms-title">
      <div className="page-head">
        <h1 id="vms-title">Virtual machines</h1>
        <span className="muted">{vms.length} defined · {running} running</span>
        <span className="spacer" />
        <button type="button" className="btn btn-sm" onClick={() => void store.refresh()}>Refresh</button>
        <button type="button" className="btn btn-primary" onClick={() => navigate('/vms/new')} disabled={readOnly !== null} title={readOnly ?? 'Define a new VM'}>New VM</button>
      </div>
      {error !== null && <p className="form-error" role="alert">Could not load the VMs: {error.message}</p>}
      <VmTable />
    </section>
  );
}
