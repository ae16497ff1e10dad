// The machine: its nodes, each with its CPUs and its memory (given to which VMs, free), and the
// VMs placed on it; refreshed every few seconds and on every state change. What the server does
// not report yet (vCPU placement on CPUs, per-CPU load, monitor memory) is said, not invented.
import { useEffect, useState, type ReactNode } from 'react';
import { api, ApiFailure } from '../api/client';
import { useApp, useVms } from '../app-context';
import type { MachineView } from '../protocol';
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

export function Overview(): ReactNode {
  const { m, error } = useMachine();
  const { vms } = useVms();
  if (m === null) return <section className="page"><h1>Machine</h1><p className={error === null ? 'muted' : 'form-error'} role="status">{error ?? 'Loading…'}</p></section>;
  const color = new Map(vms.map((v, i) => [v.id, VM_COLORS[i % VM_COLORS.length]!]));
  const running = m.vms.length;
  const usedMiB = m.memoryMiB - m.freeMemoryMiB;
  return (
    <section className="page" aria-labelledby="machine-title">
      <div className="page-head">
        <h1 id="machine-title">Machine</h1>
        <span className="muted">{m.cpus} CPUs in {m.nodes} NUMA nodes · {m.memoryMiB} MiB · {m.timed ? 'timed (cache and latency model)' : 'fast mode'} · backend <code>{m.backend}</code></span>
      </div>
      {error !== null && <p className="form-error" role="alert">Refresh failed: {error}</p>}
      <dl className="stats">
        <div><dt>Running VMs</dt><dd>{running}<small> of {vms.length}</small></dd></div>
        <div><dt>vCPUs in use</dt><dd>{m.vms.reduce((a, v) => a + v.vcpus, 0)}<small> on {m.cpus} CPUs</small></dd></div>
        <div><dt>Memory given to VMs</dt><dd>{usedMiB}<small> MiB</small></dd></div>
        <div><dt>Free memory</dt><dd>{m.freeMemoryMiB}<small> MiB</small></dd></div>
      </dl>
      {m.backend === 'bare' && (
        <p className="note" role="note">
          Backend <code>bare</code>: each VM runs on its own bare emulated machine until the Disco monitor lands, so the server reports no
          placement of vCPUs on this machine's CPUs and no per-CPU load yet; VMs are shown on their home node.
        </p>
      )}
      <div className="nodes">
        {m.nodeList.map((n) => {
          const here = m.vms.filter((v) => v.homeNode === n.node);
          const free = Math.max(0, n.memoryMiB - n.vmMemoryMiB);
          return (
            <article key={n.node} className="node" aria-label={`Node ${n.node}`}>
              <header className="node-head">
                <h2>Node {n.node}</h2>
                <span className="muted small">{n.cpus.length} CPUs · {n.memoryMiB} MiB</span>
              </header>
              <ul className="cpus" aria-label={`CPUs of node ${n.node}`}>
                {n.cpus.map((c) => (
                  <li key={c} className="cpu" aria-label={`CPU ${c}: no placement reported`}>
                    <span className="cpu-id mono">cpu{c}</span>
                    <span className="cpu-run muted" title="The server does not report which vCPU runs here yet">no placement data</span>
                  </li>
                ))}
              </ul>
              <div className="mem" role="img" aria-label={`Memory of node ${n.node}: ${n.vmMemoryMiB} MiB to VMs, ${free} MiB free`}>
                {here.map((v) => (
                  <span key={v.vmId} className="mem-seg" style={{ flexGrow: v.memoryMiB, background: color.get(v.vmId) ?? '#4c9aff' }} title={`${v.name}: ${v.memoryMiB} MiB`} />
                ))}
                <span className="mem-seg mem-free" style={{ flexGrow: free }} title={`free: ${free} MiB`} />
              </div>
              <div className="mem-legend small">
                <span>{n.vmMemoryMiB} MiB to VMs</span><span className="muted">{free} MiB free</span>
              </div>
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
