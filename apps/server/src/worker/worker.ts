// Entry point of the machine worker thread (started by apps/server/src/machine/worker-host.ts):
// wires the port to the scheduler. Commands arrive as WorkerRequests, events leave as
// WorkerEvents (libs/protocol); console bytes are transferred, not copied.
import { parentPort } from 'node:worker_threads';
import type { WorkerEvent, WorkerRequest } from '../../../../libs/protocol/src/index.js';
import { BareMachineBackend } from './bare-backend.js';
import { VmScheduler } from './scheduler.js';

const port = parentPort;
if (port === null) throw new Error('worker.ts runs as a worker thread, not on its own');

const post = (event: WorkerEvent): void => {
  if (event.kind === 'console') port.postMessage(event, [event.data.buffer as ArrayBuffer]);
  else port.postMessage(event);
};

const scheduler = new VmScheduler(new BareMachineBackend(), post);

// Last line of defence: a bug must not take the thread (and every VM) down silently.
process.on('uncaughtException', (e) => post({ kind: 'log', level: 'error', message: `worker: ${e.stack ?? e.message}` }));

port.on('message', (req: WorkerRequest) => {
  scheduler.handle(req);
  if (req.kind === 'exit') {
    scheduler.dispose();
    port.close();
  }
});

post({ kind: 'ready', backend: 'bare' });
