// Bad input and authentication against the running server: every bad request gets a clear
// 4xx with the ApiError body (field messages for validation), and none of them changes
// anything (same VMs, same disk files, same events). Tokens: none, unknown, read-only, admin,
// on REST and on the socket.io handshake.
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import { api, connect, connected, repoRoot, startServer, tempDataDir, type ServerProcess } from './support.js';

let data: ReturnType<typeof tempDataDir>;
let server: ServerProcess;

beforeAll(async () => {
  data = tempDataDir();
  server = await startServer(data.dir);
});

afterAll(async () => {
  await server?.stop();
  data?.cleanup();
});

interface ApiError { statusCode: number; code: string; message: string; fields?: Record<string, string[]> }

async function snapshot(): Promise<string> {
  const vms = await api<unknown[]>(server.url, 'GET', '/api/vms');
  const events = await api<{ id: number }[]>(server.url, 'GET', '/api/events?limit=1');
  const disks = readdirSync(join(data.dir, 'disks')).sort();
  return JSON.stringify({ vms: vms.body, lastEvent: events.body[0]?.id, disks });
}

const valid = { name: 'ok-vm', vcpus: 1, memoryMiB: 16 };

describe('bad requests: 4xx with a clear body, nothing changed', () => {
  // Every row has all seven entries: test.each passes `done` in place of missing ones.
  const cases: [string, string, string, unknown, number, string, string][] = [
    // [what, method, path, body, status, code, field ('' for none)]
    ['empty body', 'POST', '/api/vms', {}, 400, 'validation_failed', 'name'],
    ['bad name', 'POST', '/api/vms', { ...valid, name: 'Bad Name' }, 400, 'validation_failed', 'name'],
    ['zero vcpus', 'POST', '/api/vms', { ...valid, vcpus: 0 }, 400, 'validation_failed', 'vcpus'],
    ['vcpus as a string', 'POST', '/api/vms', { ...valid, vcpus: '2' }, 400, 'validation_failed', 'vcpus'],
    ['fractional vcpus', 'POST', '/api/vms', { ...valid, vcpus: 1.5 }, 400, 'validation_failed', 'vcpus'],
    ['more vcpus than the machine has', 'POST', '/api/vms', { ...valid, vcpus: 9 }, 400, 'validation_failed', 'vcpus'],
    ['too little memory', 'POST', '/api/vms', { ...valid, memoryMiB: 4 }, 400, 'validation_failed', 'memoryMiB'],
    ['more memory than the machine has', 'POST', '/api/vms', { ...valid, memoryMiB: 300 }, 400, 'validation_failed', 'memoryMiB'],
    ['home node out of range', 'POST', '/api/vms', { ...valid, homeNode: 4 }, 400, 'validation_failed', 'homeNode'],
    ['negative home node', 'POST', '/api/vms', { ...valid, homeNode: -1 }, 400, 'validation_failed', 'homeNode'],
    ['unknown kernel', 'POST', '/api/vms', { ...valid, kernel: 'linux' }, 400, 'validation_failed', 'kernel'],
    ['unknown root image', 'POST', '/api/vms', { ...valid, rootImage: 'nope' }, 400, 'validation_failed', 'rootImage'],
    ['unknown field', 'POST', '/api/vms', { ...valid, colour: 'blue' }, 400, 'validation_failed', 'colour'],
    ['disks not an array', 'POST', '/api/vms', { ...valid, disks: 'rootfs' }, 400, 'validation_failed', 'disks'],
    ['no disks at all', 'POST', '/api/vms', { ...valid, disks: [] }, 400, 'validation_failed', 'disks'],
    ['unknown disk mode', 'POST', '/api/vms', { ...valid, disks: [{ slot: 0, mode: 'shared', base: 'rootfs' }] }, 400, 'validation_failed', 'disks.0.mode'],
    ['disk slot out of range', 'POST', '/api/vms', { ...valid, disks: [{ slot: 4, mode: 'cow', base: 'rootfs' }] }, 400, 'validation_failed', 'disks.0.slot'],
    ['cow disk without a base', 'POST', '/api/vms', { ...valid, disks: [{ slot: 0, mode: 'cow' }] }, 400, 'validation_failed', 'disks.0.base'],
    ['cow disk over a missing base', 'POST', '/api/vms', { ...valid, disks: [{ slot: 0, mode: 'cow-persistent', base: 'nope' }] }, 400, 'validation_failed', 'disks.0.base'],
    ['cow disk naming a disk', 'POST', '/api/vms', { ...valid, disks: [{ slot: 0, mode: 'cow', disk: 'x' }] }, 400, 'validation_failed', 'disks.0.disk'],
    ['private disk with base and disk', 'POST', '/api/vms', { ...valid, disks: [{ slot: 0, mode: 'private', base: 'rootfs', disk: 'x' }] }, 400, 'validation_failed', 'disks.0.base'],
    ['private disk that does not exist', 'POST', '/api/vms', { ...valid, disks: [{ slot: 0, mode: 'private', disk: 'nope' }] }, 400, 'validation_failed', 'disks.0.disk'],
    ['no root disk', 'POST', '/api/vms', { ...valid, disks: [{ slot: 1, mode: 'cow', base: 'rootfs' }] }, 400, 'validation_failed', 'disks'],
    ['a slot twice', 'POST', '/api/vms', { ...valid, disks: [{ slot: 0, mode: 'cow', base: 'rootfs' }, { slot: 0, mode: 'cow', base: 'rootfs' }] }, 400, 'validation_failed', 'disks.1.slot'],
    ['rootImage and disks', 'POST', '/api/vms', { ...valid, rootImage: 'rootfs', disks: [{ slot: 0, mode: 'cow', base: 'rootfs' }] }, 400, 'validation_failed', 'rootImage'],
    ['cmdline too long', 'POST', '/api/vms', { ...valid, cmdline: 'x'.repeat(300) }, 400, 'validation_failed', 'cmdline'],
    ['autostart not a boolean', 'POST', '/api/vms', { ...valid, autostart: 'yes' }, 400, 'validation_failed', 'autostart'],
    ['a JSON array', 'POST', '/api/vms', [valid], 400, 'validation_failed', ''],
    ['name taken', 'POST', '/api/vms', { ...valid, name: 'demo-small' }, 409, 'conflict', ''],
    ['unknown VM', 'GET', '/api/vms/vm-0000000000000000', undefined, 404, 'not_found', ''],
    ['malformed id', 'GET', '/api/vms/NOT_AN_ID', undefined, 400, 'validation_failed', 'id'],
    ['patch unknown VM', 'PATCH', '/api/vms/vm-0000000000000000', { vcpus: 1 }, 404, 'not_found', ''],
    ['patch with bad vcpus', 'PATCH', '/api/vms/{demo}', { vcpus: 0 }, 400, 'validation_failed', 'vcpus'],
    ['patch to a taken name', 'PATCH', '/api/vms/{demo}', { name: 'demo-smp' }, 409, 'conflict', ''],
    ['patch the root image', 'PATCH', '/api/vms/{demo}', { rootImage: 'rootfs' }, 400, 'validation_failed', 'rootImage'],
    ['patch the disks', 'PATCH', '/api/vms/{demo}', { disks: [{ slot: 0, mode: 'cow', base: 'rootfs' }] }, 400, 'validation_failed', 'disks'],
    ['delete unknown VM', 'DELETE', '/api/vms/vm-0000000000000000', undefined, 404, 'not_found', ''],
    ['start unknown VM', 'POST', '/api/vms/vm-0000000000000000/start', undefined, 404, 'not_found', ''],
    ['stop a stopped VM', 'POST', '/api/vms/{demo}/stop', undefined, 409, 'conflict', ''],
    ['resume a stopped VM', 'POST', '/api/vms/{demo}/resume', undefined, 409, 'conflict', ''],
    ['unknown action', 'POST', '/api/vms/{demo}/explode', undefined, 404, 'not_found', ''],
    ['unknown run', 'GET', '/api/runs/run-0000000000000000', undefined, 404, 'not_found', ''],
    ['runs of unknown VM', 'GET', '/api/vms/vm-0000000000000000/runs', undefined, 404, 'not_found', ''],
    ['runs limit 0', 'GET', '/api/vms/{demo}/runs?limit=0', undefined, 400, 'validation_failed', 'limit'],
    ['events limit not a number', 'GET', '/api/events?limit=many', undefined, 400, 'validation_failed', 'limit'],
    ['events unknown query field', 'GET', '/api/events?colour=blue', undefined, 400, 'validation_failed', 'colour'],
    ['metrics step 0', 'GET', '/api/vms/{demo}/metrics?step=0', undefined, 400, 'validation_failed', 'step'],
    ['metrics from not a date', 'GET', '/api/vms/{demo}/metrics?from=yesterday', undefined, 400, 'validation_failed', 'from'],
    ['metrics from after to', 'GET', '/api/vms/{demo}/metrics?from=2026-01-02T00:00:00Z&to=2026-01-01T00:00:00Z', undefined, 400, 'validation_failed', 'from'],
    ['metrics too many points', 'GET', '/api/vms/{demo}/metrics?from=2025-01-01T00:00:00Z&to=2026-01-01T00:00:00Z', undefined, 400, 'validation_failed', 'step'],
    ['metrics of unknown VM', 'GET', '/api/vms/vm-0000000000000000/metrics', undefined, 404, 'not_found', ''],
    ['token with a bad role', 'POST', '/api/tokens', { name: 'x', role: 'root' }, 400, 'validation_failed', 'role'],
    ['unknown route', 'GET', '/api/nothing-here', undefined, 404, 'not_found', ''],
  ];
  let demo = '';
  let before = '';

  beforeAll(async () => {
    demo = (await api<{ id: string; name: string }[]>(server.url, 'GET', '/api/vms')).body.find((v) => v.name === 'demo-small')!.id;
    before = await snapshot();
  });

  test.each(cases)('%s', async (_what, method, path, body, status, code, field) => {
    const r = await api<ApiError>(server.url, method, path.replace('{demo}', demo), { body });
    expect(r.status).toBe(status);
    expect(r.body).toMatchObject({ statusCode: status, code });
    expect(typeof r.body.message).toBe('string');
    expect(r.body.message.length).toBeGreaterThan(3);
    if (field !== '') expect(Object.keys(r.body.fields ?? {})).toContain(field);
  });

  test('malformed JSON', async () => {
    const r = await api<ApiError>(server.url, 'POST', '/api/vms', { raw: '{"name": "x",' });
    expect(r.status).toBe(400);
    expect(r.body.code).toBe('validation_failed');
  });

  test('starting a VM without enough free memory is 409 and opens no run', async () => {
    const small = await api(server.url, 'POST', `/api/vms/${demo}/start`);
    expect(small.status).toBe(200);
    const big = await api<{ id: string }>(server.url, 'POST', '/api/vms', { body: { name: 'big', vcpus: 1, memoryMiB: 256 } });
    expect(big.status).toBe(201);
    const r = await api<ApiError>(server.url, 'POST', `/api/vms/${big.body.id}/start`);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('insufficient_resources');
    expect((await api<unknown[]>(server.url, 'GET', `/api/vms/${big.body.id}/runs`)).body).toHaveLength(0);
    expect((await api(server.url, 'POST', `/api/vms/${demo}/stop`)).status).toBe(200);
    expect((await api(server.url, 'DELETE', `/api/vms/${big.body.id}`)).status).toBe(204);
    expect((await api(server.url, 'GET', `/api/vms/${big.body.id}`)).status).toBe(404);
  });

  test('a private persistent disk attached to two VMs runs in one at a time: the second start is 409 and opens no run', async () => {
    const root = (await api<{ disks: { name: string; mode: string }[] }>(server.url, 'GET', `/api/vms/${demo}`)).body.disks[0]!;
    expect(root.mode).toBe('private');
    const twin = await api<{ id: string; disks: { name: string; mode: string; kind: string }[] }>(server.url, 'POST', '/api/vms', {
      body: { name: 'twin', vcpus: 1, memoryMiB: 16, disks: [{ slot: 0, mode: 'private', disk: root.name }] },
    });
    expect(twin.status).toBe(201);
    expect(twin.body.disks).toMatchObject([{ name: root.name, mode: 'private', kind: 'persistent' }]);
    expect((await api(server.url, 'POST', `/api/vms/${demo}/start`)).status).toBe(200);
    const r = await api<ApiError>(server.url, 'POST', `/api/vms/${twin.body.id}/start`);
    expect(r.status).toBe(409);
    expect(r.body.code).toBe('conflict');
    expect(r.body.message).toMatch(new RegExp(`disk ${root.name} is a private persistent disk in use by running VM demo-small`));
    expect((await api<unknown[]>(server.url, 'GET', `/api/vms/${twin.body.id}/runs`)).body).toHaveLength(0);
    expect((await api<{ state: string }>(server.url, 'GET', `/api/vms/${twin.body.id}`)).body.state).toBe('stopped');
    expect((await api(server.url, 'POST', `/api/vms/${demo}/stop`)).status).toBe(200);
    // Deleting the twin leaves the disk demo-small still has.
    expect((await api(server.url, 'DELETE', `/api/vms/${twin.body.id}`)).status).toBe(204);
    expect((await api<{ name: string }[]>(server.url, 'GET', '/api/disks')).body.map((d) => d.name)).toContain(root.name);
  });

  test('racing starts of VMs sharing a private persistent disk: one runs, the others are 409 with no run', async () => {
    const root = (await api<{ disks: { name: string }[] }>(server.url, 'GET', `/api/vms/${demo}`)).body.disks[0]!;
    const racers: string[] = [];
    for (let k = 0; k < 3; k++) {
      const twin = await api<{ id: string }>(server.url, 'POST', '/api/vms', {
        body: { name: `racer${k}`, vcpus: 1, memoryMiB: 16, disks: [{ slot: 0, mode: 'private', disk: root.name }] },
      });
      expect(twin.status).toBe(201);
      racers.push(twin.body.id);
    }
    const runsBefore = await Promise.all([demo, ...racers].map(async (id) => (await api<unknown[]>(server.url, 'GET', `/api/vms/${id}/runs`)).body.length));
    const ids = [demo, ...racers];
    const results = await Promise.all(ids.map((id) => api<ApiError>(server.url, 'POST', `/api/vms/${id}/start`)));
    expect(results.map((r) => r.status).sort()).toEqual([200, 409, 409, 409]);
    for (const [k, r] of results.entries()) {
      const runs = (await api<unknown[]>(server.url, 'GET', `/api/vms/${ids[k]}/runs`)).body.length;
      if (r.status === 200) {
        expect(runs).toBe(runsBefore[k]! + 1);
        expect((await api(server.url, 'POST', `/api/vms/${ids[k]}/stop`)).status).toBe(200);
      } else {
        expect(r.body.code).toBe('conflict');
        expect(r.body.message).toMatch(new RegExp(`disk ${root.name} is a private persistent disk in use by running VM`));
        expect(runs).toBe(runsBefore[k]);
      }
    }
    for (const id of racers) expect((await api(server.url, 'DELETE', `/api/vms/${id}`)).status).toBe(204);
  });

  test('none of the bad requests changed anything', async () => {
    const after = JSON.parse(await snapshot()) as { vms: unknown; disks: string[] };
    const was = JSON.parse(before) as { vms: { id: string }[]; disks: string[] };
    expect(after.disks).toEqual(was.disks);
    expect((after.vms as { id: string; updatedAt: string }[]).map((v) => [v.id, v.updatedAt])).toEqual(
      (was.vms as { id: string; updatedAt: string }[]).map((v) => [v.id, v.updatedAt]),
    );
  });
});

describe('authentication', () => {
  let reader = '';

  test('health needs no token; everything else does', async () => {
    expect((await api(server.url, 'GET', '/api/health', { token: null })).status).toBe(200);
    const r = await api<ApiError>(server.url, 'GET', '/api/vms', { token: null });
    expect(r.status).toBe(401);
    expect(r.body.code).toBe('unauthorized');
    expect((await api(server.url, 'GET', '/api/vms', { token: 'disco_wrong' })).status).toBe(401);
    expect((await api(server.url, 'POST', '/api/vms', { token: null, body: valid })).status).toBe(401);
  });

  test('an admin makes a read-only token; it reads but cannot change', async () => {
    const t = await api<{ token: string; role: string; id: string }>(server.url, 'POST', '/api/tokens', { body: { name: 'reader', role: 'read' } });
    expect(t.status).toBe(201);
    expect(t.body.role).toBe('read');
    reader = t.body.token;
    expect((await api(server.url, 'GET', '/api/vms', { token: reader })).status).toBe(200);
    const r = await api<ApiError>(server.url, 'POST', '/api/vms', { token: reader, body: valid });
    expect(r.status).toBe(403);
    expect(r.body.code).toBe('forbidden');
    expect((await api(server.url, 'POST', '/api/tokens', { token: reader, body: { name: 'mine', role: 'admin' } })).status).toBe(403);
    const list = await api<Record<string, unknown>[]>(server.url, 'GET', '/api/tokens');
    expect(list.body.map((x) => x.name)).toEqual(['env-admin', 'reader']);
    expect(JSON.stringify(list.body)).not.toContain(reader);
  });

  test('socket.io: the handshake needs a valid token; typing needs admin', async () => {
    await expect(connected(connect(server.url, null))).rejects.toThrow(/unauthorized/);
    await expect(connected(connect(server.url, 'disco_wrong'))).rejects.toThrow(/unauthorized/);
    const s = connect(server.url, reader);
    try {
      await connected(s);
      const demo = (await api<{ id: string; name: string }[]>(server.url, 'GET', '/api/vms')).body[0]!.id;
      expect(await s.emitWithAck('console:join', { vmId: demo })).toMatchObject({ ok: true, state: 'stopped' });
      expect(await s.emitWithAck('console:input', { vmId: demo, data: 'x' })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
      expect(await s.emitWithAck('console:join', { vmId: 'NOPE!' })).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
      expect(await s.emitWithAck('console:join', { vmId: 'vm-0000000000000000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    } finally {
      s.close();
    }
  });

  test('a deleted token stops working', async () => {
    const list = await api<{ id: string; name: string }[]>(server.url, 'GET', '/api/tokens');
    const id = list.body.find((x) => x.name === 'reader')!.id;
    expect((await api(server.url, 'DELETE', `/api/tokens/${id}`)).status).toBe(204);
    expect((await api(server.url, 'GET', '/api/vms', { token: reader })).status).toBe(401);
  });
});

describe('rate limit', () => {
  test('a burst of changes from one token gets 429 with Retry-After; other tokens are not affected', async () => {
    const t = await api<{ token: string }>(server.url, 'POST', '/api/tokens', { body: { name: 'hammer', role: 'admin' } });
    // Default limit: 30 per second, bursts of 60. However slow the machine, no more than
    // burst + rate x elapsed can pass.
    const t0 = Date.now();
    const replies = await Promise.all(Array.from({ length: 200 }, () => fetch(`${server.url}/api/vms`, {
      method: 'POST', headers: { authorization: `Bearer ${t.body.token}`, 'content-type': 'application/json' }, body: '{}',
    })));
    const elapsedS = (Date.now() - t0) / 1000;
    const limited = replies.filter((r) => r.status === 429);
    const passed = replies.filter((r) => r.status === 400);
    expect(limited.length + passed.length).toBe(200);
    expect(limited.length).toBeGreaterThan(0);
    expect(passed.length).toBeGreaterThanOrEqual(60);
    expect(passed.length).toBeLessThanOrEqual(60 + Math.ceil(30 * elapsedS) + 1);
    expect(Number(limited[0]!.headers.get('retry-after'))).toBeGreaterThanOrEqual(1);
    expect(await limited[0]!.json()).toMatchObject({ statusCode: 429, code: 'rate_limited' });
    expect((await api(server.url, 'POST', '/api/vms', { body: {} })).status).toBe(400);
    expect((await api(server.url, 'GET', '/api/vms', { token: t.body.token })).status).toBe(200);
  });
});

describe('configuration', () => {
  test('bad environment: disco serve exits 2 naming each variable', () => {
    const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'disco'), 'serve'], {
      env: { ...process.env, PORT: 'eighty', DISCO_NODES: '3', DISCO_TIMED: 'maybe', DISCO_NUMA: 'sometimes', DISCO_DATA_DIR: data.dir }, encoding: 'utf8',
    });
    expect(r.status).toBe(2);
    expect(r.stderr).toMatch(/DISCO_NUMA must be on .*, autonuma .* or off \(got "sometimes"\)/);
    const fast = spawnSync(process.execPath, [join(repoRoot, 'bin', 'disco'), 'serve'], {
      env: { ...process.env, PORT: '0', DISCO_TIMED: '0', DISCO_NUMA: 'autonuma', DISCO_DATA_DIR: data.dir }, encoding: 'utf8',
    });
    expect(fast.status).toBe(2);
    expect(fast.stderr).toMatch(/DISCO_NUMA=autonuma needs the timed model/);
    expect(r.stderr).toMatch(/DISCO_TIMED must be 0 \(fast\) or 1/);
    expect(r.stderr).toMatch(/PORT must be a whole number/);
    expect(r.stderr).toMatch(/DISCO_NODES \(3\) must divide DISCO_CPUS \(8\)/);
  });

  test('a variable that does not fit the stored machine: exit 2, naming where each value came from', async () => {
    const d = tempDataDir();
    try {
      const first = await startServer(d.dir, { DISCO_CPUS: '6', DISCO_NODES: '3', DISCO_MEMORY_MIB: '192', DISCO_AUTOSTART: '0', DISCO_TIMED: '0' });
      const m = await api<{ cpus: number; nodes: number; memoryMiB: number }>(first.url, 'GET', '/api/machine');
      // A fast-mode machine runs no NUMA policy (nothing would count the misses).
      expect(m.body).toMatchObject({ cpus: 6, nodes: 3, memoryMiB: 192, timed: false, numa: 'off' });
      expect(await first.stop()).toBe(0);
      const r = spawnSync(process.execPath, [join(repoRoot, 'bin', 'disco'), 'serve'], {
        env: { ...process.env, PORT: '0', DISCO_NODES: '4', DISCO_DATA_DIR: d.dir, DISCO_AUTOSTART: '0' }, encoding: 'utf8', timeout: 30_000,
      });
      expect(r.status).toBe(2);
      expect(r.stderr).toMatch(/machine of 6 CPUs \(stored\), 4 nodes \(DISCO_NODES\), 192 MiB \(stored\): 4 nodes do not divide 6 CPUs/);
      const numa = spawnSync(process.execPath, [join(repoRoot, 'bin', 'disco'), 'serve'], {
        env: { ...process.env, PORT: '0', DISCO_NUMA: 'on', DISCO_DATA_DIR: d.dir, DISCO_AUTOSTART: '0' }, encoding: 'utf8', timeout: 30_000,
      });
      expect(numa.status).toBe(2);
      expect(numa.stderr).toMatch(/DISCO_NUMA=on needs the timed model, but the stored machine is in fast mode; set DISCO_TIMED=1/);
    } finally {
      d.cleanup();
    }
  });
});

describe('OpenAPI', () => {
  test('the committed openapi.json is what the server serves (run `npm run openapi` when this fails)', async () => {
    const served = await (await fetch(`${server.url}/api/docs-json`)).json();
    const committed = JSON.parse(readFileSync(join(repoRoot, 'openapi.json'), 'utf8'));
    expect(served).toEqual(committed);
    const ui = await fetch(`${server.url}/api/docs`);
    expect(ui.status).toBe(200);
    expect(await ui.text()).toMatch(/swagger/i);
  });
});
