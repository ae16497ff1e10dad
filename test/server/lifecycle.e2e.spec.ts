// The server end to end: the built `disco serve` with a real SQLite file and the real machine
// worker booting the guest kernel. A VM is created, started, watched and typed into over
// socket.io, paused, resumed, reset, stopped, powered off by its guest, shut down; runs are
// recorded with their exit reasons and console logs; a restart keeps everything (and starts
// the autostart VMs), a server killed with -9 leaves runs that the next start closes as
// aborted, and SIGTERM shuts the guests down.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
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
    const started = await api<{ state: string; runId: string }>(server.url, 'POST', `/api/vms/${vmId}/start`);
    expect(started.status).toBe(200);
    expect(['starting', 'running']).toContain(started.body.state);
    runId = started.body.runId;
    expect(runId).toMatch(/^run-/);
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
    expect(r.body).toMatchObject({ state: 'stopped', runId: null });
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

  test('shutdown asks the guest to power off: the run ends as shutdown', async () => {
    const started = await api<{ runId: string }>(server.url, 'POST', `/api/vms/${vmId}/start`);
    const w = new ConsoleWatcher(sockets[0]!, vmId);
    await w.waitFor(/# $/);
    const r = await api<{ state: string }>(server.url, 'POST', `/api/vms/${vmId}/shutdown`);
    expect(r.status).toBe(202);
    await until(async () => (await vmState(vmId)) === 'stopped', 20_000, 'the VM to shut down');
    const run = await api<{ exitReason: string }>(server.url, 'GET', `/api/runs/${started.body.runId}`);
    expect(run.body.exitReason).toBe('shutdown');
    const runs = await api<{ id: string }[]>(server.url, 'GET', `/api/vms/${vmId}/runs`);
    expect(runs.body.map((x) => x.id)[0]).toBe(started.body.runId);
    expect(runs.body).toHaveLength(3);
  });

  test('the machine view shows the topology and running VMs', async () => {
    await api(server.url, 'POST', `/api/vms/${vmId}/start`);
    const m = await api<{ cpus: number; nodes: number; backend: string; vms: { vmId: string }[]; freeMemoryMiB: number; nodeList: unknown[] }>(server.url, 'GET', '/api/machine');
    expect(m.body).toMatchObject({ cpus: 8, nodes: 4, backend: 'bare', freeMemoryMiB: 256 - 32 });
    expect(m.body.nodeList).toHaveLength(4);
    expect(m.body.vms.map((v) => v.vmId)).toEqual([vmId]);
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
    expect(run.body.console).toMatch(/poweroff/);
  });
});
