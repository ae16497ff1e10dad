// The server end to end: the built `disco serve` with a real SQLite file and the real machine
// worker running the Disco monitor on one machine. A VM is created, started, watched and typed
// into over socket.io, paused, resumed, reset, stopped, powered off by its guest, shut down by
// its power button; two VMs run at once and show in the CPU placement; samples carry the
// monitor's counters (NUMA, sharing and virtual-subnet ones too: two VMs talk DNFS over the
// subnet, by the station numbers their VM views give) and reach every client in metrics:summary; runs are
// recorded with their exit reasons and console logs; a restart keeps everything (and starts
// the autostart VMs), a server killed with -9 leaves runs that the next start closes as
// aborted, and SIGTERM shuts the guests down.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { MONITOR_COUNTERS, MONITOR_GAUGES, type MachineView, type MetricsSummary, type MonitorCounters, type MonitorGauges, type VmView } from '../../libs/protocol/src/index.js';
import {
  api, connect, connected, ConsoleWatcher, startServer, tempDataDir, until, type Client, type ServerProcess,
} from './support.js';

let data: ReturnType<typeof tempDataDir>;
let server: ServerProcess;
const sockets: Client[] = [];

beforeAll(async () => {
  data = tempDataDir();
  server = await startServer(data.dir, { DISCO_SHUTDOWN_TIMEOUT_MS: '3000' });
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  data?.cleanup();
});

function socket(token?: string | null): Client {
  const s = connect(server.url, token);
  sockets.push(s);
  return s;
}

async function vmState(id: string): Promise<string> {
  return (await api<{ state: string }>(server.url, 'GET', `/api/vms/${id}`)).body.state;
}

describe('a VM from creation to its runs', () => {
  let vmId = '';
  let runId = '';
  let first: ConsoleWatcher;

  test('first start seeded two VMs', async () => {
    const r = await api<{ name: string }[]>(server.url, 'GET', '/api/vms');
    expect(r.status).toBe(200);
    expect(r.body.map((v) => v.name)).toEqual(['demo-small', 'demo-smp']);
  });

  test('create and start a VM', async () => {
    const created = await api<{ id: string; state: string; disks: unknown[] }>(server.url, 'POST', '/api/vms', {
      body: { name: 'e2e-vm', vcpus: 2, memoryMiB: 32 },
    });
    expect(created.status).toBe(201);
    expect(created.body.state).toBe('stopped');
    expect(created.body.disks).toHaveLength(1);
    vmId = created.body.id;
    const started = await api<{ state: string; runId: string; runStartedAt: string }>(server.url, 'POST', `/api/vms/${vmId}/start`);
    expect(started.status).toBe(200);
    expect(['starting', 'running']).toContain(started.body.state);
    runId = started.body.runId;
    expect(runId).toMatch(/^run-/);
    const run = await api<{ startedAt: string }>(server.url, 'GET', `/api/runs/${runId}`);
    expect(started.body.runStartedAt).toBe(run.body.startedAt);
  });

  test('a running VM has a link address on the virtual subnet; a stopped one has none', async () => {
    const v = (await api<VmView>(server.url, 'GET', `/api/vms/${vmId}`)).body;
    expect(v.net).not.toBeNull();
    expect(v.net!.station).toBeGreaterThan(0);
    expect(v.net!.mac).toBe(`02:44:49:53:${(v.net!.station >> 8).toString(16).padStart(2, '0')}:${(v.net!.station & 0xff).toString(16).padStart(2, '0')}`);
    const list = (await api<VmView[]>(server.url, 'GET', '/api/vms')).body;
    expect(list.find((x) => x.id === vmId)!.net).toEqual(v.net);
    expect(list.filter((x) => x.id !== vmId).every((x) => x.net === null)).toBe(true);
  });

  test('console over socket.io: boot output, type echo hello, see hello', async () => {
    const s = socket();
    await connected(s);
    first = new ConsoleWatcher(s, vmId);
    expect((await first.join()).ok).toBe(true);
    await first.waitFor(/# $/);
    const ack = await s.emitWithAck('console:input', { vmId, data: 'echo hello\n' });
    expect(ack).toEqual({ ok: true });
    await first.waitFor(/echo hello\r?\nhello\r?\n/);
  });

  test('a second viewer joining late gets the scrollback first', async () => {
    const s = socket();
    await connected(s);
    const late = new ConsoleWatcher(s, vmId);
    expect((await late.join()).ok).toBe(true);
    expect(late.scrollback).toMatch(/disco guest kernel: 2 CPUs/);
    expect(late.scrollback).toMatch(/hello/);
    await s.emitWithAck('console:input', { vmId, data: 'echo both see this\n' });
    await late.waitFor(/\nboth see this/);
    await first.waitFor(/\nboth see this/);
  });

  test('a viewer that reconnects joins again and gets the scrollback again', async () => {
    const s = socket();
    await connected(s);
    s.disconnect();
    s.connect();
    await connected(s);
    const again = new ConsoleWatcher(s, vmId);
    expect((await again.join()).ok).toBe(true);
    expect(again.scrollback).toMatch(/both see this/);
  });

  test('pause, resume and reset', async () => {
    expect((await api(server.url, 'POST', `/api/vms/${vmId}/pause`)).status).toBe(200);
    expect(await vmState(vmId)).toBe('paused');
    expect((await api(server.url, 'POST', `/api/vms/${vmId}/pause`)).status).toBe(409);
    expect((await api(server.url, 'POST', `/api/vms/${vmId}/resume`)).status).toBe(200);
    expect(await vmState(vmId)).toBe('running');
    const before = first.text.split('disco guest kernel').length;
    expect((await api(server.url, 'POST', `/api/vms/${vmId}/reset`)).status).toBe(200);
    await until(async () => first.text.split('disco guest kernel').length > before, 20_000, 'a second boot');
  });

  test('impossible transitions are 409 and change nothing', async () => {
    const r = await api<{ code: string }>(server.url, 'POST', `/api/vms/${vmId}/start`);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('conflict');
    expect((await api(server.url, 'DELETE', `/api/vms/${vmId}`)).status).toBe(409);
    expect((await api(server.url, 'PATCH', `/api/vms/${vmId}`, { body: { vcpus: 1 } })).status).toBe(409);
    expect(await vmState(vmId)).toBe('running');
  });

  test('stop: the run is recorded as stopped, with its console log', async () => {
    const r = await api<{ state: string; runId: string | null }>(server.url, 'POST', `/api/vms/${vmId}/stop`);
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ state: 'stopped', runId: null, runStartedAt: null });
    const run = await api<{ exitReason: string; endedAt: string; console: string; counters: { instructions: number; boots: number } }>(server.url, 'GET', `/api/runs/${runId}`);
    expect(run.status).toBe(200);
    expect(run.body.exitReason).toBe('stopped');
    expect(run.body.endedAt).not.toBeNull();
    expect(run.body.console).toMatch(/echo hello\r?\nhello/);
    expect(run.body.counters.boots).toBe(2);
    expect(run.body.counters.instructions).toBeGreaterThan(100_000);
    const events = await api<{ kind: string; actor: string }[]>(server.url, 'GET', `/api/events?vmId=${vmId}`);
    expect(events.body.map((e) => e.kind)).toEqual(expect.arrayContaining(['vm.created', 'vm.start', 'vm.pause', 'vm.reset', 'vm.stop', 'run.ended']));
  });

  test('the guest powering off ends the run as poweroff with its exit code', async () => {
    const started = await api<{ runId: string }>(server.url, 'POST', `/api/vms/${vmId}/start`);
    expect(started.status).toBe(200);
    const w = new ConsoleWatcher(sockets[0]!, vmId);
    await w.waitFor(/# $/);
    await sockets[0]!.emitWithAck('console:input', { vmId, data: 'poweroff\n' });
    await until(async () => (await vmState(vmId)) === 'stopped', 20_000, 'the VM to stop');
    const run = await api<{ exitReason: string; exitCode: number }>(server.url, 'GET', `/api/runs/${started.body.runId}`);
    expect(run.body).toMatchObject({ exitReason: 'poweroff', exitCode: 0 });
  });

  test('shutdown presses the power button: the guest powers off in order, the run ends as shutdown', async () => {
    const started = await api<{ runId: string }>(server.url, 'POST', `/api/vms/${vmId}/start`);
    const w = new ConsoleWatcher(sockets[0]!, vmId);
    await w.waitFor(/# $/);
    const r = await api<{ state: string }>(server.url, 'POST', `/api/vms/${vmId}/shutdown`);
    expect(r.status).toBe(202);
    await until(async () => (await vmState(vmId)) === 'stopped', 20_000, 'the VM to shut down');
    const run = await api<{ exitReason: string; exitCode: number; console: string }>(server.url, 'GET', `/api/runs/${started.body.runId}`);
    expect(run.body).toMatchObject({ exitReason: 'shutdown', exitCode: 0 });
    // The guest kernel's power-button path, not a command typed on the console.
    expect(run.body.console).toMatch(/power button: powering off/);
    expect(run.body.console).not.toMatch(/# poweroff/);
    const runs = await api<{ id: string }[]>(server.url, 'GET', `/api/vms/${vmId}/runs`);
    expect(runs.body.map((x) => x.id)[0]).toBe(started.body.runId);
    expect(runs.body).toHaveLength(3);
  });

  test('the machine view shows the topology and running VMs', async () => {
    await api(server.url, 'POST', `/api/vms/${vmId}/start`);
    const m = await api<MachineView>(server.url, 'GET', '/api/machine');
    expect(m.body).toMatchObject({ cpus: 8, nodes: 4, backend: 'disco', timed: true, numa: 'disco', freeMemoryMiB: 256 - 32 });
    expect(m.body.nodeList).toHaveLength(4);
    expect(m.body.cpuList.map((c) => [c.cpu, c.node])).toEqual([[0, 0], [1, 0], [2, 1], [3, 1], [4, 2], [5, 2], [6, 3], [7, 3]]);
    expect(m.body.vms.map((v) => v.vmId)).toEqual([vmId]);
  });

  test('two VMs run at once on the one machine: both in cpuList, memory per node from the monitor', async () => {
    const smp = (await api<{ id: string; name: string }[]>(server.url, 'GET', '/api/vms')).body.find((v) => v.name === 'demo-smp')!.id;
    expect((await api(server.url, 'POST', `/api/vms/${smp}/start`)).status).toBe(200);
    const s = socket();
    await connected(s);
    const w = new ConsoleWatcher(s, smp);
    await w.join();
    await w.waitFor(/# $/);
    const m = await until(async () => {
      const r = (await api<MachineView>(server.url, 'GET', '/api/machine')).body;
      const on = new Set(r.cpuList.map((c) => c.vmId));
      return on.has(vmId) && on.has(smp) && r.cpuList.filter((c) => c.vmId === smp).length === 2 ? r : null;
    }, 20_000, 'both VMs in cpuList');
    // Each vCPU is loaded on one CPU at a time (the monitor may run it away from its home CPU).
    const placed = m.cpuList.filter((c) => c.vmId === smp);
    expect(placed.map((c) => c.vcpu).sort()).toEqual([0, 1]);
    expect(new Set(placed.map((c) => c.cpu)).size).toBe(2);
    expect(m.cpuList.filter((c) => c.vmId !== null).every((c) => c.busyPct >= 0 && c.busyPct <= 100)).toBe(true);
    expect(m.vms.map((v) => v.vmId).sort()).toEqual([vmId, smp].sort());
    expect(m.freeMemoryMiB).toBe(256 - 32 - 64);
    const node1 = m.nodeList[1]!;
    expect(node1.monitorMemoryMiB).toBeGreaterThan(0);
    expect(node1.vmAllocations.find((a) => a.vmId === smp)!.memoryMiB).toBeGreaterThan(1);
    expect(node1.vmAllocations.find((a) => a.vmId === smp)!.memoryMiB).toBeLessThanOrEqual(64);
    expect(node1.freeMiB).toBeLessThan(64);
    // NUMA per node: replica pages, the local-miss ratio of the node's CPUs, each VM's pages and replicas there.
    for (const n of m.nodeList) {
      expect(typeof n.replicaPages).toBe('number');
      for (const a of n.vmAllocations) expect([typeof a.pages, typeof a.replicaPages]).toEqual(['number', 'number']);
    }
    expect(node1.vmAllocations.find((a) => a.vmId === smp)!.pages).toBeGreaterThan(256);
    expect(node1.localMissRatio).toBeGreaterThan(0);
    expect(node1.localMissRatio).toBeLessThanOrEqual(1);
    expect((await api(server.url, 'POST', `/api/vms/${smp}/stop`)).status).toBe(200);
    const after = (await api<MachineView>(server.url, 'GET', '/api/machine')).body;
    expect(after.cpuList.some((c) => c.vmId === smp)).toBe(false);
  });

  test('GET /api/session names the token', async () => {
    const r = await api<{ id: string; name: string; role: string }>(server.url, 'GET', '/api/session');
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ name: 'env-admin', role: 'admin' });
    expect((await api(server.url, 'GET', '/api/session', { token: null })).status).toBe(401);
  });

  test('metrics:summary reaches a client that joined no room', async () => {
    const s = socket();
    await connected(s);
    const summary = await new Promise<MetricsSummary>((resolve) => s.once('metrics:summary', resolve));
    expect(summary.cpus).toHaveLength(8);
    const mine = await until(async () => {
      const next = await new Promise<MetricsSummary>((resolve) => s.once('metrics:summary', resolve));
      return next.samples.find((x) => x.vmId === vmId) ?? null;
    }, 10_000, 'a summary with the VM');
    expect(mine.counters.cyclesKernel).toBeGreaterThan(0);
  });

  test('metrics: a live sample and stored history of the running VM', async () => {
    const m = await until(async () => {
      const r = await api<{ live: { mips: number; totals: { instructions: number } } | null; points: { instructions: number }[]; tierSeconds: number }>(server.url, 'GET', `/api/vms/${vmId}/metrics`);
      return r.body.live !== null && r.body.points.length > 0 ? r.body : null;
    }, 10_000, 'a metric sample');
    expect(m.tierSeconds).toBe(1);
    expect(m.live!.totals.instructions).toBeGreaterThan(0);
    expect(m.points.reduce((s, p) => s + p.instructions, 0)).toBeGreaterThan(0);
    const coarse = await api<{ stepSeconds: number; points: unknown[] }>(server.url, 'GET', `/api/vms/${vmId}/metrics?step=60`);
    expect(coarse.body.stepSeconds).toBe(60);
    expect(coarse.body.points.length).toBeLessThanOrEqual(2);
  });

  test('the monitor\'s counters are non-zero for a running VM, live and stored', async () => {
    // A small database run: a working set beyond the 64-entry virtual TLB, so the L2TLB answers misses.
    await sockets[0]!.emitWithAck('console:input', { vmId, data: 'ls /bin; cat /etc/rc; database -n 20000 -q 500\n' });
    const live = await until(async () => {
      const r = await api<{ live: { counters: MonitorCounters } | null }>(server.url, 'GET', `/api/vms/${vmId}/metrics`);
      const c = r.body.live?.counters;
      return c !== undefined && c.consoleBytesOut > 0 && c.cyclesUser > 0 ? c : null;
    }, 15_000, 'a sample with user work and console output');
    expect(live.cyclesKernel).toBeGreaterThan(0);
    expect(live.cyclesMonitor).toBeGreaterThan(0);
    expect(live.traps).toBeGreaterThan(0);
    expect(live.tlbMisses).toBeGreaterThan(0);
    const h = await api<{ points: { counters: MonitorCounters }[] }>(server.url, 'GET', `/api/vms/${vmId}/metrics?step=30`);
    expect(h.status).toBe(200);
    const sum = (k: keyof MonitorCounters): number => h.body.points.reduce((a, p) => a + p.counters[k], 0);
    const names = ['cyclesUser', 'cyclesKernel', 'cyclesMonitor', 'cyclesIdle', 'tlbMisses', 'l2tlbHits', 'traps', 'diskCommands', 'diskSectors', 'consoleBytesOut', 'consoleBytesIn'] as const;
    await until(async () => {
      const r = await api<{ points: { counters: MonitorCounters }[] }>(server.url, 'GET', `/api/vms/${vmId}/metrics?step=30`);
      return r.body.points.reduce((a, p) => a + p.counters.l2tlbHits, 0) > 0;
    }, 15_000, 'L2TLB hits from the database run');
    h.body = (await api<{ points: { counters: MonitorCounters }[] }>(server.url, 'GET', `/api/vms/${vmId}/metrics?step=30`)).body;
    expect(names.filter((k) => !(sum(k) > 0))).toEqual([]);
    expect(sum('l2tlbHits')).toBeLessThanOrEqual(sum('tlbMisses'));
    // Timed mode (the default): the cache model counts misses; a VM's memory is on its home node.
    expect(sum('cacheLocalMisses')).toBeGreaterThan(0);
    expect(sum('cacheRemoteMisses')).toBeGreaterThanOrEqual(0);
  });

  test('two VMs on the virtual subnet: DNFS by station number; frames and bytes in both VMs\' samples', async () => {
    // demo-smp was stopped (destroyed in the monitor) above, so these stations are not list positions.
    const make = async (name: string, bootScript: string): Promise<string> => {
      const r = await api<{ id: string }>(server.url, 'POST', '/api/vms', { body: { name, vcpus: 1, memoryMiB: 32, bootScript } });
      expect(r.status).toBe(201);
      expect((await api(server.url, 'POST', `/api/vms/${r.body.id}/start`)).status).toBe(200);
      return r.body.id;
    };
    const srv = await make('e2e-nfsd', 'mkdir -p /export\ncp /bin/sh /export/sh\nnfsd /export &\necho srv-ready');
    const cli = await make('e2e-client', '');
    const s = socket();
    await connected(s);
    const ws = new ConsoleWatcher(s, srv);
    const wc = new ConsoleWatcher(s, cli);
    await ws.join();
    await wc.join();
    await ws.waitFor(/srv-ready[\s\S]*srv-ready/, 30_000); // typed (echoed), then printed
    await wc.waitFor(/# $/, 30_000);
    const station = (await api<VmView>(server.url, 'GET', `/api/vms/${srv}`)).body.net!.station;
    expect((await api<VmView>(server.url, 'GET', `/api/vms/${cli}`)).body.net!.station).not.toBe(station);
    await s.emitWithAck('console:input', { vmId: cli, data: `mkdir -p /mnt; mount -t dnfs ${station}:/export /mnt && cksum /mnt/sh && echo dnfs-ok\n` });
    await wc.waitFor(/dnfs-ok[\s\S]*dnfs-ok/, 30_000);
    type Point = { counters: MonitorCounters; gauges: MonitorGauges; localMissRatio: number | null };
    const sums = async (id: string): Promise<MonitorCounters> => {
      const h = (await api<{ points: Point[] }>(server.url, 'GET', `/api/vms/${id}/metrics?step=30`)).body;
      const out = {} as MonitorCounters;
      for (const k of MONITOR_COUNTERS) out[k] = h.points.reduce((a, p) => a + p.counters[k], 0);
      return out;
    };
    // Samples are taken once a second: wait for the ones covering the transfer.
    const c = await until(async () => {
      const x = await sums(cli);
      return x.netBytesCopied + x.netBytesRemapped > 20_000 ? x : null;
    }, 15_000, 'the file\'s bytes in the client\'s samples');
    expect(c.netFramesReceived).toBeGreaterThan(1); // a frame carries up to 16 pages
    expect(c.netFramesSent).toBeGreaterThan(1);
    const sv = await sums(srv);
    expect(sv.netFramesReceived).toBeGreaterThan(1);
    expect(sv.netFramesSent).toBeGreaterThan(1);
    // Every new counter and gauge is a number in live samples and stored points; the local-miss ratio is one of the interval's misses.
    const live = (await api<{ live: Point | null }>(server.url, 'GET', `/api/vms/${cli}/metrics`)).body.live!;
    for (const k of MONITOR_COUNTERS) expect([k, typeof live.counters[k]]).toEqual([k, 'number']);
    for (const k of MONITOR_GAUGES) expect([k, typeof live.gauges[k]]).toEqual([k, 'number']);
    const pts = (await api<{ points: Point[] }>(server.url, 'GET', `/api/vms/${cli}/metrics`)).body.points;
    const withMisses = pts.filter((p) => p.counters.cacheLocalMisses + p.counters.cacheRemoteMisses > 0);
    expect(withMisses.length).toBeGreaterThan(0);
    for (const p of withMisses) expect(p.localMissRatio).toBeCloseTo(p.counters.cacheLocalMisses / (p.counters.cacheLocalMisses + p.counters.cacheRemoteMisses), 10);
    expect(pts.every((p) => p.gauges.replicaPages >= 0 && p.gauges.sharedPages >= 0)).toBe(true);
    for (const id of [srv, cli]) expect((await api(server.url, 'POST', `/api/vms/${id}/stop`)).status).toBe(200);
    expect((await api<VmView>(server.url, 'GET', `/api/vms/${cli}`)).body.net).toBeNull();
    // Gone again, so the restart tests below see the VMs they expect.
    for (const id of [srv, cli]) {
      await until(async () => (await vmState(id)) === 'stopped', 10_000, 'stopped');
      expect((await api(server.url, 'DELETE', `/api/vms/${id}`)).status).toBe(204);
    }
  });

  test('NUMA placement for real: engineering on 4 vCPUs over two nodes migrates pages, counted in the samples', async () => {
    const r = await api<{ id: string }>(server.url, 'POST', '/api/vms', {
      body: { name: 'e2e-numa', vcpus: 4, memoryMiB: 48, homeNode: 1, bootScript: 'engineering -w 4 -m 1; echo eng-done' },
    });
    expect(r.status).toBe(201);
    const id = r.body.id;
    expect((await api(server.url, 'POST', `/api/vms/${id}/start`)).status).toBe(200);
    const s = socket();
    await connected(s);
    const w = new ConsoleWatcher(s, id);
    await w.join();
    await w.waitFor(/engineering: OK[\s\S]*\neng-done/, 90_000);
    type Point = { counters: MonitorCounters };
    const sum = async (k: keyof MonitorCounters): Promise<number> =>
      (await api<{ points: Point[] }>(server.url, 'GET', `/api/vms/${id}/metrics?step=30`)).body.points.reduce((a, p) => a + p.counters[k], 0);
    // The worker's workers first-touch their grids on one node and sweep them from others: hot pages move.
    const moved = await until(async () => (await sum('numaMigrations')) > 0, 10_000, 'migrations in the stored samples').catch(async (e: Error) => {
      const m = (await api<MachineView>(server.url, 'GET', '/api/machine')).body;
      throw new Error(`${e.message}: hot ${await sum('numaHotPages')}, local ${await sum('cacheLocalMisses')}, remote ${await sum('cacheRemoteMisses')}, cpus ${JSON.stringify(m.cpuList.filter((c) => c.vmId === id))}, numa ${m.numa}`);
    });
    expect(moved).toBe(true);
    expect(await sum('numaHotPages')).toBeGreaterThan(await sum('numaMigrations'));
    expect(await sum('cacheRemoteMisses')).toBeGreaterThan(0);
    expect((await api(server.url, 'POST', `/api/vms/${id}/stop`)).status).toBe(200);
    await until(async () => (await vmState(id)) === 'stopped', 10_000, 'stopped');
    expect((await api(server.url, 'DELETE', `/api/vms/${id}`)).status).toBe(204);
  });

  test('copy-on-write disks over one base: changes private to each VM, dropped at power-off (cow) or kept in the overlay (cow-persistent)', async () => {
    const make = async (name: string, mode: 'cow' | 'cow-persistent'): Promise<{ id: string; disks: VmView['disks'] }> => {
      const r = await api<VmView>(server.url, 'POST', '/api/vms', { body: { name, vcpus: 1, memoryMiB: 16, disks: [{ slot: 0, mode, base: 'rootfs' }] } });
      expect(r.status).toBe(201);
      return r.body;
    };
    const a = await make('cow-a', 'cow');
    const p = await make('cow-p', 'cow-persistent');
    expect(a.disks).toMatchObject([{ slot: 0, name: 'rootfs', kind: 'base', mode: 'cow', overlay: null }]);
    expect(p.disks[0]!.overlay).toEqual({ file: `${p.id}-0.cow`, sizeBytes: 0 });
    const s = socket();
    await connected(s);
    /** Start the VM, type the script at the prompt, return the console text once the marker is printed. */
    const boot = async (id: string, script: string, marker: string): Promise<string> => {
      expect((await api(server.url, 'POST', `/api/vms/${id}/start`)).status).toBe(200);
      const w = new ConsoleWatcher(s, id);
      await w.join();
      await w.waitFor(/# $/, 30_000);
      await s.emitWithAck('console:input', { vmId: id, data: `${script}; echo ${marker}-x\n` });
      await w.waitFor(new RegExp(`\n${marker}-x`), 20_000);
      return w.text;
    };
    // Both run at once over the same base; a's write is its own.
    await boot(a.id, 'echo from-a > /cow-note; sync', 'wrote');
    expect(await boot(p.id, 'cat /cow-note || echo no-note-here; echo kept-across-runs > /p-note; sync', 'p1')).toMatch(/\nno-note-here/);
    // COW disks read their base through the monitor's disk cache: the VM maps shared machine pages (a gauge).
    const shared = await until(async () => {
      const live = (await api<{ live: { gauges: MonitorGauges } | null }>(server.url, 'GET', `/api/vms/${p.id}/metrics`)).body.live;
      return live !== null && live.gauges.sharedPages > 0 ? live.gauges.sharedPages : null;
    }, 10_000, 'shared pages in a COW VM');
    expect(shared).toBeGreaterThan(0);
    for (const id of [a.id, p.id]) expect((await api(server.url, 'POST', `/api/vms/${id}/stop`)).status).toBe(200);
    expect((await api<VmView>(server.url, 'GET', `/api/vms/${p.id}`)).body.disks[0]!.overlay!.sizeBytes).toBeGreaterThan(512);
    // Next runs: a's change is gone, p's is still there.
    expect(await boot(a.id, 'cat /cow-note || echo note-gone', 'a2')).toMatch(/\nnote-gone/);
    expect(await boot(p.id, 'cat /p-note', 'p2')).toMatch(/\nkept-across-runs/);
    for (const id of [a.id, p.id]) {
      expect((await api(server.url, 'POST', `/api/vms/${id}/stop`)).status).toBe(200);
      await until(async () => (await vmState(id)) === 'stopped', 10_000, 'stopped');
      expect((await api(server.url, 'DELETE', `/api/vms/${id}`)).status).toBe(204);
    }
    expect(existsSync(join(data.dir, 'overlays', `${p.id}-0.cow`))).toBe(false);
  });

  test('kill -9 leaves a run open; the next start closes it as aborted and keeps everything', async () => {
    const open = (await api<{ runId: string }>(server.url, 'GET', `/api/vms/${vmId}`)).body.runId;
    expect(open).toMatch(/^run-/);
    const demo = (await api<{ id: string; name: string }[]>(server.url, 'GET', '/api/vms')).body.find((v) => v.name === 'demo-small')!.id;
    expect((await api(server.url, 'PATCH', `/api/vms/${demo}`, { body: { autostart: true } })).status).toBe(200);
    for (const s of sockets) s.close();
    sockets.length = 0;
    await server.stop('SIGKILL');
    server = await startServer(data.dir);
    const vms = await api<{ name: string; state: string }[]>(server.url, 'GET', '/api/vms');
    expect(vms.body.map((v) => v.name)).toEqual(['demo-small', 'demo-smp', 'e2e-vm']);
    // Only the autostart VM came up with the server.
    expect(vms.body.map((v) => v.state)).toEqual(['running', 'stopped', 'stopped']);
    const run = await api<{ exitReason: string; console: string }>(server.url, 'GET', `/api/runs/${open}`);
    expect(run.body.exitReason).toBe('aborted');
    expect((await api<unknown[]>(server.url, 'GET', `/api/vms/${vmId}/runs`)).body).toHaveLength(4);
    // The persistent disk survived too: the VM boots from it again.
    const again = await api(server.url, 'POST', `/api/vms/${vmId}/start`);
    expect(again.status).toBe(200);
    const s = socket();
    await connected(s);
    const w = new ConsoleWatcher(s, vmId);
    await w.join();
    await w.waitFor(/# $/);
  });

  test('SIGTERM shuts the guests down and closes their runs before exiting', async () => {
    const open = (await api<{ runId: string }>(server.url, 'GET', `/api/vms/${vmId}`)).body.runId;
    for (const s of sockets) s.close();
    sockets.length = 0;
    expect(await server.stop('SIGTERM')).toBe(0);
    server = await startServer(data.dir);
    const run = await api<{ exitReason: string; exitCode: number; console: string }>(server.url, 'GET', `/api/runs/${open}`);
    expect(run.body).toMatchObject({ exitReason: 'shutdown', exitCode: 0 });
    expect(run.body.console).toMatch(/power button: powering off/);
  });
});
