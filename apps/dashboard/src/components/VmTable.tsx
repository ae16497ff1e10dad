// The VMs in one dense table: state, vCPUs, memory, home node, uptime of the open run, live host
// CPU share and MIPS (from the metrics of each running VM's room), its link address on the
// virtual subnet while it runs, and the lifecycle buttons.
// On the VM list and the machine overview.
import type { ReactNode } from 'react';
import { useMetrics, useNow, useReadOnlyReason, useVms } from '../app-context';
import { duration, pct } from '../format';
import type { VmView } from '../protocol';
import { Link } from '../router';
import { StateBadge } from './StateBadge';
import { VmActions } from './VmActions';

function Row({ vm, start, now }: { vm: VmView; start: string | undefined; now: number }): ReactNode {
  const live = vm.state !== 'stopped';
  const points = useMetrics(vm.id, live);
  const p = points.at(-1);
  const fresh = live && p !== undefined && p.runId === vm.runId && now / 1000 - p.t < 5;
  return (
    <tr data-vm={vm.name}>
      <th scope="row"><Link to={`/vms/${vm.id}`} className="vm-name">{vm.name}</Link>{vm.autostart && <span className="tag" title="Starts with the server">auto</span>}</th>
      <td><StateBadge state={vm.state} /></td>
      <td className="num">{vm.vcpus}</td>
      <td className="num">{vm.memoryMiB} MiB</td>
      <td className="num">{vm.homeNode}</td>
      <td className="mono small" data-testid="vm-net" title={vm.net === null ? 'Stopped: no station on the virtual subnet' : `station ${vm.net.station}`}>{vm.net === null ? '—' : vm.net.mac}</td>
      <td className="num mono">{live && start !== undefined ? duration(now - Date.parse(start)) : '—'}</td>
      <td className="num mono">{fresh ? pct(p.hostCpu) : '—'}</td>
      <td className="num mono">{fresh ? p.mips.toFixed(1) : '—'}</td>
      <td className="actions-cell"><VmActions vm={vm} size="sm" ops={['start', 'shutdown', 'pause', 'resume', 'reset', 'stop']} /></td>
    </tr>
  );
}

export function VmTable(): ReactNode {
  const { vms, loaded, runStarts } = useVms();
  const readOnly = useReadOnlyReason();
  const now = useNow();
  return (
    <div className="table-wrap table-panel">
      <table className="table" aria-label="Virtual machines">
        <thead>
          <tr>
            <th scope="col">Name</th><th scope="col">State</th><th scope="col" className="num">vCPUs</th><th scope="col" className="num">Memory</th>
            <th scope="col" className="num">Home node</th><th scope="col" title="Link address on the monitor's virtual subnet">Network</th><th scope="col" className="num">Uptime</th>
            <th scope="col" className="num" title="Share of one host CPU spent running this VM">Host CPU</th><th scope="col" className="num">MIPS</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {!loaded && <tr><td colSpan={10} className="muted">Loading…</td></tr>}
          {loaded && vms.length === 0 && <tr><td colSpan={10} className="muted">No VMs yet. {readOnly === null && <Link to="/vms/new">Define one</Link>}</td></tr>}
          {vms.map((v) => <Row key={v.id} vm={v} start={v.runId === null ? undefined : runStarts[v.runId]} now={now} />)}
        </tbody>
      </table>
    </div>
  );
}
