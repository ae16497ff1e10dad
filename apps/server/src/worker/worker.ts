// Entry point of the machine worker thread (started by apps/server/src/machine/worker-host.ts):
// builds the one machine and its monitor from workerData (a WorkerConfig) and wires the port to
// the scheduler. Commands arrive as WorkerRequests, events leave as WorkerEvents
// (libs/protocol); console bytes are transferred, not copied.
import { parentPort, workerData } from 'node:worker_threads';
import type { WorkerConfig, WorkerEvent, WorkerRequest } from '../../../../libs/protocol/src/index.js';
import { MonitorBackend } from './monitor-backend.js';
import { VmScheduler } from './scheduler.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread, not on its own');

const post = (event: WorkerEvent): void => {
  if (event.kind === 'console') port.postMessage(event, [event.data.buffer as ArrayBuffer]);
  else port.postMessage(event);
};

let backend: MonitorBackend | null = null;
try {
  backend = new MonitorBackend(workerData as WorkerConfig);
} catch (e) {
  post({ kind: 'failed', message: e instanceof Error ? e.message : String(e) });
  port.close();
}

if (backend !== null) {
  const scheduler = new VmScheduler(backend, post);

  // Last line of defence: a bug must not take the thread (and every VM) down silently.
  process.on('uncaughtException', (e) => post({ kind: 'log', level: 'error', message: `worker: ${e.stack ?? e.message}` }));

  port.on('message', (req: WorkerRequest) => {
    scheduler.handle(req);
    if (req.kind === 'exit') {
      scheduler.dispose();
      port.close();
    }
  });

  const c = backend.config;
  post({ kind: 'log', level: 'info', message: `machine: ${c.cpus} CPUs in ${c.nodes} nodes, ${c.memoryMiB} MiB, ${c.timed ? 'timed' : 'fast'} mode, Disco monitor` });
  post({ kind: 'ready', backend: backend.name });
}
