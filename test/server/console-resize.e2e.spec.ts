// console:resize end to end: the built `disco serve` with the real worker and monitor. The base
// image is rebuilt with Debian busybox added (for `stty size`) before the test's VM copies it;
// a resize over socket.io reaches the guest's tty (busybox stty prints "ROWS COLS"), the last
// resize of two viewers wins, and bad payloads get an error ack and change nothing.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import {
  addBusyboxToBase, api, connect, connected, ConsoleWatcher, haveBusybox, startServer, tempDataDir, type Client, type ServerProcess,
} from './support.js';

const suite = haveBusybox ? describe : describe.skip;

let data: ReturnType<typeof tempDataDir>;
let server: ServerProcess;
const sockets: Client[] = [];

async function socket(token?: string | null): Promise<Client> {
  const s = connect(server.url, token);
  sockets.push(s);
  await connected(s);
  return s;
}

beforeAll(async () => {
  data = tempDataDir();
  server = await startServer(data.dir);
  if (haveBusybox) addBusyboxToBase(data.dir);
});

afterAll(async () => {
  for (const s of sockets) s.close();
  await server?.stop();
  data?.cleanup();
});

suite('console:resize', () => {
  let vmId = '';
  let w: ConsoleWatcher;
  let s: Client;

  /** Type `busybox stty size` and return what it printed ("ROWS COLS"). */
  async function sttySize(tag: string): Promise<string> {
    const ack = await s.emitWithAck('console:input', { vmId, data: `busybox stty size; echo ${tag}-end\n` });
    expect(ack).toEqual({ ok: true });
    const re = new RegExp(`\\n(\\d+ \\d+)\\r?\\n${tag}-end`);
    await w.waitFor(re, 30_000);
    return re.exec(w.text)![1]!;
  }

  test('a VM boots to the shell', async () => {
    const created = await api<{ id: string }>(server.url, 'POST', '/api/vms', { body: { name: 'rsz-vm', vcpus: 1, memoryMiB: 32 } });
    expect(created.status).toBe(201);
    vmId = created.body.id;
    expect((await api(server.url, 'POST', `/api/vms/${vmId}/start`)).status).toBe(200);
    s = await socket();
    w = new ConsoleWatcher(s, vmId);
    expect((await w.join()).ok).toBe(true);
    await w.waitFor(/# $/, 30_000);
    expect(await sttySize('a')).toBe('24 80');
  });

  test('console:resize then stty size prints the new size', async () => {
    expect(await s.emitWithAck('console:resize', { vmId, cols: 132, rows: 43 })).toEqual({ ok: true });
    expect(await sttySize('b')).toBe('43 132');
  });

  test('bad payloads get an error ack and change nothing', async () => {
    const bad: unknown[] = [
      { vmId, cols: 0, rows: 24 },
      { vmId, cols: 80, rows: 1001 },
      { vmId, cols: 80.5, rows: 24 },
      { vmId, cols: '80', rows: 24 },
      { vmId, cols: 80 },
      { vmId, cols: -1, rows: -1 },
      { vmId, cols: Number.NaN, rows: 24 },
      { vmId: 'NOPE!', cols: 80, rows: 24 },
      null,
      'resize',
    ];
    for (const msg of bad) {
      const ack = await (s.emitWithAck as (ev: string, m: unknown) => Promise<unknown>)('console:resize', msg);
      expect(ack).toMatchObject({ ok: false, error: { code: 'validation_failed' } });
    }
    expect(await s.emitWithAck('console:resize', { vmId: 'vm-0000000000000000', cols: 80, rows: 24 })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    expect(await sttySize('c')).toBe('43 132');
  });

  test('a read-only token cannot resize', async () => {
    const tok = await api<{ token: string }>(server.url, 'POST', '/api/tokens', { body: { name: 'rsz-reader', role: 'read' } });
    expect(tok.status).toBe(201);
    const r = await socket(tok.body.token);
    expect(await r.emitWithAck('console:resize', { vmId, cols: 40, rows: 10 })).toMatchObject({ ok: false, error: { code: 'forbidden' } });
    expect(await sttySize('d')).toBe('43 132');
  });

  test('two viewers: the last resize wins', async () => {
    const other = await socket();
    expect(await other.emitWithAck('console:resize', { vmId, cols: 100, rows: 30 })).toEqual({ ok: true });
    expect(await s.emitWithAck('console:resize', { vmId, cols: 90, rows: 20 })).toEqual({ ok: true });
    expect(await sttySize('e')).toBe('20 90');
  });

  test('a stopped VM has no console to resize', async () => {
    expect((await api(server.url, 'POST', `/api/vms/${vmId}/stop`)).status).toBe(200);
    expect(await s.emitWithAck('console:resize', { vmId, cols: 80, rows: 24 })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });
});
