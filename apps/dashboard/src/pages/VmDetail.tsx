// One VM: its header (state, shape, uptime, lifecycle buttons) and tabs: console with live
// charts, runs, metrics history, events, definition. The tab is part of the path.
import type { ReactNode } from 'react';
import { useNow, useVms } from '../app-context';
import { LiveCharts } from '../charts/LiveCharts';
import { MetricsHistory } from '../charts/MetricsHistory';
import { Console } from '../components/Console';
import { EventTable } from '../components/EventTable';
import { StateBadge } from '../components/StateBadge';
import { VmActions } from '../components/VmActions';
import { bytes, duration } from '../format';
import type { VmView } from '../protocol';
import { Link } from '../router';
import { RunHistory } from './RunHistory';

const DISK_MODE_NAMES: Record<VmView['disks'][number]['mode'], string> = {
  private: 'private', cow: 'COW, non-persistent', 'cow-persistent': 'COW, persistent',
};

const TABS = [
  { id: 'console', label: 'Console & live' },
  { id: 'runs', label: 'Runs' },
  { id: 'metrics', label: 'Metrics history' },
  { id: 'events', label: 'Events' },
  { id: 'definition', label: 'Definition' },
] as const;

function Definition({ vm }: { vm: VmView }): ReactNode {
  const rows: [string, ReactNode][] = [
    ['Id', <code key="id">{vm.id}</code>], ['vCPUs', vm.vcpus], ['Memory', `${vm.memoryMiB} MiB`], ['Home node', vm.homeNode],
    ['Kernel', <code key="k">{vm.kernel}</code>], ['Command line', vm.cmdline === '' ? <span className="muted">none</span> : <code>{vm.cmdline}</code>],
    ['Autostart', vm.autostart ? 'yes' : 'no'],
    ['Network', vm.net === null ? <span className="muted">no address while stopped</span> : <span><code>{vm.net.mac}</code>, station {vm.net.station}</span>],
    ['Boot script', vm.bootScript === '' ? <span className="muted">none</span> : <pre className="pre-inline">{vm.bootScript}</pre>],
    ['Disks', vm.disks.map((d) => (
      <div key={d.slot} data-testid={`disk-${d.slot}`}>
        slot {d.slot}: <span className="tag">{DISK_MODE_NAMES[d.mode]}</span> <code>{d.name}</code> ({d.kind === 'base' ? 'base image' : 'persistent disk'}, {bytes(d.sizeBytes)})
        {d.overlay !== null && <> · overlay <code>{d.overlay.file}</code> ({bytes(d.overlay.sizeBytes)})</>}
      </div>
    ))],
    ['Created', new Date(vm.createdAt).toLocaleString()], ['Updated', new Date(vm.updatedAt).toLocaleString()],
  ];
  return (
    <section className="panel">
      <div className="panel-head"><h2>Definition</h2></div>
      <dl className="kv">{rows.map(([k, v]) => <div key={k}><dt>{k}</dt><dd>{v}</dd></div>)}</dl>
    </section>
  );
}

export function VmDetail({ id, tab }: { id: string; tab: string }): ReactNode {
  const { vms, loaded, runStarts } = useVms();
  const now = useNow();
  const vm = vms.find((v) => v.id === id);
  if (vm === undefined) {
    return <section className="page"><h1>VM</h1><p className="muted" role="status">{loaded ? <>No VM {id}. <Link to="/vms">All VMs</Link></> : 'Loading…'}</p></section>;
  }
  const start = vm.runId === null ? undefined : runStarts[vm.runId];
  const current = TABS.some((t) => t.id === tab) ? tab : 'console';
  return (
    <section className="page" aria-labelledby="vm-title">
      <div className="page-head vm-head">
        <h1 id="vm-title">{vm.name}</h1>
        <StateBadge state={vm.state} />
        <span className="muted">{vm.vcpus} vCPU · {vm.memoryMiB} MiB · node {vm.homeNode}{start !== undefined && vm.state !== 'stopped' ? ` · up ${duration(now - Date.parse(start))}` : ''}</span>
        {vm.net !== null && <span className="muted" data-testid="vm-net-detail" title="Its station on the monitor's virtual subnet (mount -t dnfs STATION:/dir)">net <code>{vm.net.mac}</code> · station {vm.net.station}</span>}
        <span className="spacer" />
        <VmActions vm={vm} />
      </div>
      <nav className="tabs" aria-label={`${vm.name} sections`}>
        {TABS.map((t) => (
          <Link key={t.id} to={`/vms/${vm.id}/${t.id}`} className={current === t.id ? 'tab active' : 'tab'} aria-current={current === t.id ? 'page' : undefined}>{t.label}</Link>
        ))}
      </nav>
      {current === 'console' && (
        <div className="console-layout">
          <Console vmId={vm.id} vmName={vm.name} state={vm.state} />
          <LiveCharts vmId={vm.id} state={vm.state} />
        </div>
      )}
      {current === 'runs' && <RunHistory vm={vm} />}
      {current === 'metrics' && <MetricsHistory vmId={vm.id} />}
      {current === 'events' && <EventTable vmId={vm.id} />}
      {current === 'definition' && <Definition vm={vm} />}
    </section>
  );
}
