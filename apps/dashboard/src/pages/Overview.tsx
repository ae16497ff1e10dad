// The machine: its nodes, each with its CPUs (which vCPU of which VM is loaded on each, how busy
// it was over the last second, live from metrics:summary) and its memory as the monitor has
// handed it out (per VM, the monitor's own, free), and the VMs homed there; refreshed every few
// seconds and on every state change. Per node also the NUMA picture: pages per VM with the
// replicas of its pages held there, the node's replica pages and its local-miss ratio.
import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure } from '../api/client';
import { useApp, useVms } from '../app-context';
import type { CpuPlacement, MachineView } from '../protocol';
import { Link } from '../router';
import { StateBadge } from '../components/StateBadge';
import { VmTable } from '../components/VmTable';

const REFRESH_MS = 3000;
const VM_COLORS = ['#4c9aff', '#bc8cff', '#3fb950', '#d29922', '#39c5cf', '#f778ba', '#ff9b50', '#a5d6ff'];

function useMachine(): { m: MachineView | null; error: string | null } {
  const { live } = useApp();
  const [m, setM] = useState<MachineView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    let stop = false;
    const load = (): void => {
      api.get<MachineView>('/machine').then((v) => !stop && (setM(v), setError(null)), (e: unknown) => !stop && setError(e instanceof ApiFailure ? e.message : String(e)));
    };
    load();
    const t = setInterval(load, REFRESH_MS);
    const off = live.onState(() => load());
    return () => {
      stop = true;
      clearInterval(t);
      off();
    };
  }, [live]);
  return { m, error };
}

/** The CPU placement: from each metrics:summary (once a second), else from the machine view. */
function useCpus(m: MachineView | null): CpuPlacement[] {
  const { live } = useApp();
  const [cpus, setCpus] = useState<CpuPlacement[] | null>(null);
  useEffect(() => live.onSummary((s) => setCpus(s.cpus)), [live]);
  useEffect(() => setCpus(null), [m]);
  return cpus ?? m?.cpuList ?? [];
}

export function Overview(): ReactNode {
  const { m, error } = useMachine();
  const cpus = useCpus(m);
  const { vms } = useVms();
  if (m === null) return <section className="page"><h1>Machine</h1><p className={error === null ? 'muted' : 'form-error'} role="status">{error ?? 'Loading…'}</p></section>;
  const color = new Map(vms.map((v, i) => [v.id, VM_COLORS[i % VM_COLORS.length]!]));
  const nameOf = new Map(vms.map((v) => [v.id, v.name]));
  const busy = cpus.length === 0 ? 0 : cpus.reduce((a, c) => a + c.busyPct, 0) / cpus.length;
  const running = m.vms.length;
  const usedMiB = m.memoryMiB - m.freeMemoryMiB;
  return (
    <section className="page" aria-labelledby="machine-title">
      <div className="page-head">
        <h1 id="machine-title">Machine</h1>
        <span className="muted">{m.cpus} CPUs in {m.nodes} NUMA nodes · {m.memoryMiB} MiB · {m.timed ? 'timed (cache and latency model)' : 'fast mode'} · NUMA placement <code data-testid="numa-mode">{m.numa}</code> · backend <code>{m.backend}</code></span>
      </div>
      {error !== null && <p className="form-error" role="alert">Refresh failed: {error}</p>}
      <dl className="stats">
        <div><dt>Running VMs</dt><dd>{running}<small> of {vms.length}</small></dd></div>
        <div><dt>vCPUs in use</dt><dd>{m.vms.reduce((a, v) => a + v.vcpus, 0)}<small> on {m.cpus} CPUs</small></dd></div>
        <div><dt>Memory given to VMs</dt><dd>{usedMiB}<small> MiB</small></dd></div>
        <div><dt>Free memory</dt><dd>{m.freeMemoryMiB}<small> MiB</small></dd></div>
        <div><dt>CPU busy</dt><dd>{busy.toFixed(0)}<small> % of {m.cpus} CPUs</small></dd></div>
      </dl>
      <div className="nodes">
        {m.nodeList.map((n) => {
          const here = m.vms.filter((v) => v.homeNode === n.node);
          const allocated = n.vmAllocations.reduce((a, v) => a + v.memoryMiB, 0);
          const monitor = n.monitorMemoryMiB ?? 0;
          const free = n.freeMiB ?? Math.max(0, n.memoryMiB - n.vmMemoryMiB);
          const other = Math.max(0, n.memoryMiB - allocated - monitor - free);
          return (
            <article key={n.node} className="node" aria-label={`Node ${n.node}`}>
              <header className="node-head">
                <h2>Node {n.node}</h2>
                <span className="muted small">{n.cpus.length} CPUs · {n.memoryMiB} MiB</span>
              </header>
              <ul className="cpus" aria-label={`CPUs of node ${n.node}`}>
                {n.cpus.map((c) => {
                  const p = cpus.find((x) => x.cpu === c);
                  const who = p?.vmId ?? null;
                  const label = who === null ? 'idle' : `${nameOf.get(who) ?? who} vCPU ${p!.vcpu}`;
                  return (
                    <li key={c} className="cpu" data-cpu={c} aria-label={`CPU ${c}: ${label}, ${(p?.busyPct ?? 0).toFixed(0)}% busy`}>
                      <span className="cpu-id mono">cpu{c}</span>
                      {who === null
                        ? <span className="cpu-run muted">no vCPU</span>
                        : <span className="cpu-run"><i className="swatch" style={{ background: color.get(who) }} aria-hidden="true" /><Link to={`/vms/${who}`}>{nameOf.get(who) ?? who}</Link> <span className="mono small">v{p!.vcpu}</span></span>}
                      <span className="cpu-load" title="Busy over the last second"><span className="cpu-bar" style={{ width: `${p?.busyPct ?? 0}%` }} /></span>
                      <span className="cpu-pct mono small">{(p?.busyPct ?? 0).toFixed(0)}%</span>
                    </li>
                  );
                })}
              </ul>
              <div className="mem" role="img" aria-label={`Memory of node ${n.node}: ${allocated.toFixed(1)} MiB in VMs, ${monitor.toFixed(1)} MiB monitor, ${free.toFixed(1)} MiB free`}>
                {n.vmAllocations.map((v) => (
                  <span key={v.vmId} className="mem-seg" style={{ flexGrow: v.memoryMiB, background: color.get(v.vmId) ?? '#4c9aff' }} title={`${nameOf.get(v.vmId) ?? v.vmId}: ${v.memoryMiB.toFixed(1)} MiB`} />
                ))}
                <span className="mem-seg mem-monitor" style={{ flexGrow: monitor }} title={`monitor: ${monitor.toFixed(2)} MiB`} />
                {other > 0.01 && <span className="mem-seg mem-other" style={{ flexGrow: other }} title={`shared / other: ${other.toFixed(1)} MiB`} />}
                <span className="mem-seg mem-free" style={{ flexGrow: free }} title={`free: ${free.toFixed(1)} MiB`} />
              </div>
              <div className="mem-legend small">
                <span>{allocated.toFixed(1)} MiB in VMs</span>
                <span className="muted">{n.monitorMemoryMiB === null ? 'monitor —' : `${monitor.toFixed(1)} MiB monitor`}</span>
                <span className="muted">{free.toFixed(1)} MiB free</span>
              </div>
              <div className="mem-legend small" data-testid={`node-numa-${n.node}`}>
                <span title="NUMA replica pages held on this node">{n.replicaPages === null ? 'replicas —' : `${n.replicaPages} replica pages`}</span>
                <span className="muted" title="Local share of the cache misses of this node's CPUs since the machine started">
                  {n.localMissRatio === null ? 'local misses —' : `${(n.localMissRatio * 100).toFixed(1)}% local misses`}
                </span>
              </div>
              {n.vmAllocations.length > 0 && (
                <ul className="mem-vms small" aria-label={`Memory per VM on node ${n.node}`}>
                  {n.vmAllocations.map((v) => (
                    <li key={v.vmId} data-vm-pages={nameOf.get(v.vmId) ?? v.vmId}>
                      <i className="swatch" style={{ background: color.get(v.vmId) }} aria-hidden="true" />{nameOf.get(v.vmId) ?? v.vmId}{' '}
                      <span className="mono">{v.memoryMiB.toFixed(1)} MiB</span> <span className="mono muted">{v.pages} pages{v.replicaPages > 0 ? ` + ${v.replicaPages} replicas` : ''}</span>
                    </li>
                  ))}
                </ul>
              )}
              <ul className="node-vms" aria-label={`VMs on node ${n.node}`}>
                {here.length === 0 && <li className="muted small">no running VMs</li>}
                {here.map((v) => (
                  <li key={v.vmId}>
                    <i className="swatch" style={{ background: color.get(v.vmId) }} aria-hidden="true" />
                    <Link to={`/vms/${v.vmId}`}>{v.name}</Link>
                    <StateBadge state={v.state} />
                    <span className="muted small">{v.vcpus} vCPU · {v.memoryMiB} MiB</span>
                  </li>
                ))}
              </ul>
            </article>
          );
        })}
      </div>
      <h2 className="section-title">Virtual machines</h2>
      <VmTable />
    </section>
  );
}
