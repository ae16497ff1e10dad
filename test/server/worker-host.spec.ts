// WorkerHost with a stand-in worker thread: replies come back by sequence number, worker
// errors become ApiExceptions with their code, and a worker that dies fails the pending
// command (503), reports `down` to subscribers and is replaced by a new one.
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, expect, test } from '@jest/globals';
import { WorkerHost, type HostEvent } from '../../apps/server/src/machine/worker-host.service.js';

const host = new WorkerHost();
host.workerUrl = pathToFileURL(join(import.meta.dirname, 'fixtures', 'dying-worker.mjs'));
afterAll(() => host.stop());

test('commands, errors, and a worker that dies', async () => {
  const events: HostEvent[] = [];
  host.subscribe((e) => events.push(e));
  await host.start();
  expect(host.state).toBe('ready');
  expect(host.backend).toBe('stand-in');
  expect(await host.dispatch({ kind: 'status' })).toEqual({ backend: 'stand-in', vms: [] });
  await expect(host.dispatch({ kind: 'pause', vmId: 'vm-x' })).rejects.toMatchObject({ code: 'conflict', status: 409 });

  const spec = { vmId: 'vm-x', runId: 'run-x', name: 'x', vcpus: 1, memoryMiB: 8, homeNode: 0, kernelPath: '', cmdline: '', disks: [], bootScript: '' };
  await expect(host.dispatch({ kind: 'start', spec })).rejects.toMatchObject({ code: 'worker_unavailable', status: 503 });
  expect(events).toContainEqual({ kind: 'down', reason: 'the machine worker exited (code 3)' });

  // A new worker takes over.
  const end = Date.now() + 10_000;
  while (host.state !== 'ready' && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect(host.state).toBe('ready');
  expect(await host.dispatch({ kind: 'status' })).toEqual({ backend: 'stand-in', vms: [] });
});
