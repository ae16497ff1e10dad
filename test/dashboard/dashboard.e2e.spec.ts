// The dashboard end to end: Debian's Chromium (playwright-core) against the built server
// (`bin/disco serve`: real SQLite file in a temp dir, real machine worker booting the guest),
// served at `/` by the server itself. An operator signs in, is told off by the form, creates a
// VM, starts it, types `echo hello` into its console and sees `hello`, watches a live chart
// grow (the monitor's counters too), sees its vCPU placed on a CPU of the machine overview,
// lives through a server restart on the same port (socket.io reconnects by itself, the console
// and the charts resume), shuts the VM down and finds the run (exit reason and console log) in
// its history and its metrics in the stored history; a read-only token sees everything and can
// change nothing.
// Every page is saved as a screenshot under test/artifacts/dashboard/.
import { afterAll, beforeAll, describe, expect, test } from '@jest/globals';
import type { Page } from 'playwright-core';
import { addBusyboxToBase, api, ADMIN_TOKEN, haveBusybox, startServer, tempDataDir, type ServerProcess } from '../server/support.js';
import { consoleText, eventually, openBrowser, shot, signInWith, textMatches, type Browser } from './browser.js';

let data: ReturnType<typeof tempDataDir>;
let server: ServerProcess;
let admin: Browser;
let page: Page;
let vmId = '';

beforeAll(async () => {
  data = tempDataDir();
  [server, admin] = await Promise.all([startServer(data.dir, { DISCO_SHUTDOWN_TIMEOUT_MS: '5000' }), openBrowser()]);
  page = admin.page;
  if (haveBusybox) addBusyboxToBase(data.dir);   // `busybox stty size` for the resize test; before any VM runs
});

afterAll(async () => {
  await admin?.close();
  await server?.stop();
  data?.cleanup();
});

/** The points a chart (by test id) holds now. */
async function points(p: Page, testId: string): Promise<number> {
  return Number(await p.getByTestId(testId).getAttribute('data-points'));
}

async function stateOf(p: Page): Promise<string | null> {
  return p.locator('.vm-head [data-state]').getAttribute('data-state');
}

describe('an operator in the dashboard', () => {
  test('the server serves the dashboard at / and for its own paths', async () => {
    for (const path of ['/', '/vms/some-id/runs']) {
      const res = await fetch(server.url + path);
      expect(res.status).toBe(200);
      expect(await res.text()).toMatch(/<div id="root">/);
    }
    expect((await fetch(server.url + '/assets/missing.js')).status).toBe(404);
    expect((await fetch(server.url + '/api/nothing-here')).status).toBe(404);
  });

  test('a wrong token is refused; the admin token signs in to the machine overview', async () => {
    await signInWith(page, server.url, 'not-a-real-token-at-all');
    await textMatches(page.getByRole('alert'), 'refused this token');
    await shot(page, '01-sign-in-refused');
    await signInWith(page, server.url, ADMIN_TOKEN);
    await page.getByRole('heading', { name: 'Machine', exact: true }).waitFor();
    await page.getByTestId('link-status').filter({ hasText: 'Live' }).waitFor();
    await textMatches(page.getByLabel('Node 3'), 'cpu7');
    await textMatches(page.locator('.who'), 'admin');
    await page.getByRole('table', { name: 'Virtual machines' }).getByText('demo-smp').waitFor();
    await shot(page, '02-overview');
  });

  test('a bad form shows the server\'s messages beside the fields, and creates nothing', async () => {
    await page.getByRole('link', { name: 'Virtual machines' }).click();
    await page.getByRole('button', { name: 'New VM' }).click();
    await page.getByLabel('Name').fill('Bad Name');
    await page.getByLabel('vCPUs').fill('0');
    await page.getByLabel('Memory (MiB)').fill('lots');
    await page.getByRole('button', { name: 'Create VM' }).click();
    const nameField = page.locator('.field', { has: page.locator('#name') });
    await textMatches(nameField.locator('.field-error'), 'name must be a lower-case letter');
    await textMatches(page.locator('.field', { has: page.locator('#vcpus') }).locator('.field-error'), 'vcpus must be at least 1');
    await textMatches(page.locator('.field', { has: page.locator('#memoryMiB') }).locator('.field-error'), 'memoryMiB must be a whole number');
    expect(await page.locator('#name').getAttribute('aria-invalid')).toBe('true');
    await shot(page, '03-form-errors');
    expect((await api<unknown[]>(server.url, 'GET', '/api/vms')).body).toHaveLength(2);
  });

  test('create a VM', async () => {
    await page.getByLabel('Name').fill('web-1');
    await page.getByLabel('vCPUs').fill('1');
    await page.getByLabel('Memory (MiB)').fill('16');
    await page.getByLabel('Root disk kind').selectOption('cow-persistent');
    await page.getByRole('button', { name: 'Create VM' }).click();
    await page.getByRole('heading', { name: 'web-1' }).waitFor();
    expect(await stateOf(page)).toBe('stopped');
    vmId = new URL(page.url()).pathname.split('/')[2]!;
    const made = (await api<{ name: string; disks: { name: string; mode: string; overlay: { file: string } | null }[] }>(server.url, 'GET', `/api/vms/${vmId}`)).body;
    expect(made.name).toBe('web-1');
    expect(made.disks).toMatchObject([{ name: 'rootfs', mode: 'cow-persistent', overlay: { file: `${vmId}-0.cow` } }]);
    expect(await page.getByRole('button', { name: 'Stop web-1' }).isDisabled()).toBe(true);
  });

  test('start it, type echo hello into its console, see hello', async () => {
    await page.getByRole('button', { name: 'Start web-1' }).click();
    await page.locator('.vm-head [data-state="running"]').waitFor({ timeout: 20_000 });
    expect(await page.getByRole('button', { name: 'Start web-1' }).isDisabled()).toBe(true);
    await eventually('a shell prompt', () => consoleText(page), (t) => /\n#\s*$/.test(t), 20_000);
    await page.getByTestId('console').click();
    await page.keyboard.type('echo hello');
    await page.keyboard.press('Enter');
    await eventually('hello echoed', () => consoleText(page), (t) => /echo hello\s*\n\s*hello\s*\n/.test(t));
  });

(haveBusybox ? test : test.skip)('the guest\'s window follows the terminal: stty size after a window resize', async () => {
    const sttySize = async (tag: string): Promise<string> => {
      await page.getByTestId('console').click();
      await page.keyboard.type(`busybox stty size; echo ${tag}-end`);
      await page.keyboard.press('Enter');
      const re = new RegExp(`\\n\\s*(\\d+ \\d+)\\s*\\n\\s*${tag}-end`);
      return re.exec(await eventually(`stty size (${tag})`, () => consoleText(page), (t) => re.test(t), 20_000))![1]!;
    };
    const shown = async (): Promise<string> => (await page.getByTestId('console-size').innerText()).replace('×', ' ');
    const [cols, rows] = (await shown()).split(' ');
    expect(await sttySize('r1')).toBe(`${rows} ${cols}`);
    await page.setViewportSize({ width: 1000, height: 700 });
    await eventually('a smaller terminal', shown, (s) => s !== `${cols} ${rows}`);
    const [cols2, rows2] = (await shown()).split(' ');
    await new Promise((r) => setTimeout(r, 500));   // the debounced console:resize
    expect(await sttySize('r2')).toBe(`${rows2} ${cols2}`);
    await page.setViewportSize({ width: 1440, height: 900 });
    await eventually('the terminal back to its size', shown, (s) => s === `${cols} ${rows}`);
  });

  test('a live chart grows with the samples; the monitor\'s counters are charted', async () => {
    const before = await points(page, 'chart-mips');
    await eventually('two more samples', () => points(page, 'chart-mips'), (n) => n >= before + 2);
    expect(await page.getByTestId('chart-mips').locator('.chart-empty').count()).toBe(0);
    for (const id of ['chart-modes', 'chart-tlb', 'chart-traps', 'chart-disk', 'chart-console', 'chart-locality', 'chart-numa', 'chart-pages', 'chart-sharing', 'chart-net', 'chart-netbytes']) {
      expect([id, await points(page, id)]).toEqual([id, await points(page, 'chart-mips')]);
      expect([id, await page.getByTestId(id).locator('.chart-empty').count()]).toEqual([id, 0]);
    }
    await textMatches(page.getByTestId('chart-modes'), /kernel/);
    await textMatches(page.getByTestId('chart-numa'), /NUMA: migrations, replications, collapses/);
    await textMatches(page.getByTestId('chart-numa'), /collapses/);
    await textMatches(page.getByTestId('chart-locality'), /Local-miss ratio/);
    await textMatches(page.getByTestId('chart-net'), /Virtual subnet/);
    // The VM's link address on the virtual subnet, as the server gives it.
    const net = (await api<{ net: { mac: string; station: number } | null }>(server.url, 'GET', `/api/vms/${vmId}`)).body.net;
    expect(net).not.toBeNull();
    await textMatches(page.getByTestId('vm-net-detail'), new RegExp(`${net!.mac} · station ${net!.station}`));
    await shot(page, '04-vm-console-live');
  });

  test('the machine overview shows the vCPU on a CPU, its load, and memory per node', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Machine', exact: true }).click();
    const cpu = page.locator('li.cpu', { hasText: 'web-1' });
    await cpu.first().waitFor({ timeout: 10_000 });
    expect(await cpu.first().getAttribute('aria-label')).toMatch(/^CPU \d: web-1 vCPU 0, \d+% busy$/);
    await textMatches(page.locator('.mem-vms').first(), /web-1\s+[\d.]+ MiB/);
    await textMatches(page.locator('.mem-legend').first(), /MiB monitor/);
    // NUMA: the policy, per node its replica pages and local-miss ratio, per VM its pages there.
    await textMatches(page.getByTestId('numa-mode'), /^disco$/);
    await textMatches(page.getByTestId('node-numa-0'), /\d+ replica pages/);
    await eventually('a local-miss ratio on some node', async () => (await page.locator('[data-testid^="node-numa-"]').allInnerTexts()).join(' '), (t) => /\d+\.\d% local misses/.test(t));
    await textMatches(page.locator('[data-vm-pages="web-1"]').first(), /web-1\s+[\d.]+ MiB\s+\d+ pages/);
    await shot(page, '04b-overview-placement');
    await page.goBack();
    await page.getByTestId('console').waitFor();
  });

  test('a server restart on the same port: socket.io reconnects by itself, console and charts resume', async () => {
    const port = new URL(server.url).port;
    expect(await server.stop('SIGTERM')).toBe(0);
    await page.getByTestId('link-status').filter({ hasText: /Reconnecting|Offline/ }).waitFor();
    await shot(page, '04c-reconnecting');
    server = await startServer(data.dir, { PORT: port, DISCO_SHUTDOWN_TIMEOUT_MS: '5000' });
    expect(new URL(server.url).port).toBe(port);
    await page.getByTestId('link-status').filter({ hasText: 'Live' }).waitFor({ timeout: 15_000 });
    // The page reloaded nothing: the VM (shut down by the restart) starts again from the same page.
    await page.locator('.vm-head [data-state="stopped"]').waitFor({ timeout: 15_000 });
    await page.getByRole('button', { name: 'Start web-1' }).click();
    await page.locator('.vm-head [data-state="running"]').waitFor({ timeout: 20_000 });
    await eventually('the new boot on the console', () => consoleText(page), (t) => /disco guest kernel[\s\S]*\n#\s*$/.test(t), 20_000);
    await page.getByTestId('console').click();
    await page.keyboard.type('echo hello after restart');
    await page.keyboard.press('Enter');
    await eventually('the echo after the restart', () => consoleText(page), (t) => /\n\s*hello after restart\s*\n/.test(t));
    const before = await points(page, 'chart-mips');
    await eventually('the chart resumes', () => points(page, 'chart-mips'), (n) => n >= before + 2);
    await shot(page, '04d-reconnected');
  });

  test('the VM list shows it running with its uptime and load', async () => {
    await page.getByRole('link', { name: 'Virtual machines' }).click();
    const row = page.locator('tr[data-vm="web-1"]');
    await eventually('web-1 running in the list', () => row.locator('[data-state]').getAttribute('data-state'), (s) => s === 'running');
    await eventually('an uptime', async () => (await row.locator('td').nth(5).innerText()).trim(), (t) => /^\d+(s|m)/.test(t));
    await eventually('a host CPU share', async () => (await row.locator('td').nth(6).innerText()).trim(), (t) => /%$/.test(t));
    const net = (await api<{ net: { mac: string } | null }>(server.url, 'GET', `/api/vms/${vmId}`)).body.net!;
    await textMatches(row.getByTestId('vm-net'), new RegExp(`^${net.mac}$`));
    await textMatches(page.locator('tr[data-vm="demo-smp"]').getByTestId('vm-net'), /^—$/);
    expect(await row.getByRole('button', { name: 'Shut down web-1' }).isEnabled()).toBe(true);
    await shot(page, '05-vm-list');
  });

  test('shut it down; the run is in its history with its exit reason and console log', async () => {
    await row(page, 'web-1').getByRole('link', { name: 'web-1' }).click();
    await page.getByRole('button', { name: 'Shut down web-1' }).click();
    await page.locator('.vm-head [data-state="stopped"]').waitFor({ timeout: 20_000 });
    await page.getByRole('link', { name: 'Runs' }).click();
    const first = page.locator('tr[data-run]').first();
    await textMatches(first, 'shutdown');
    await textMatches(page.getByTestId('run-log'), 'hello');
    await textMatches(page.getByLabel(/^Run run-/), /instructions/i);
    await shot(page, '06-vm-runs');
  });

  test('its stored metrics show in the history, with range presets', async () => {
    await page.getByRole('link', { name: 'Metrics history' }).click();
    await eventually('stored points', () => points(page, 'history-mips'), (n) => n > 0);
    await page.getByRole('radio', { name: 'Last day' }).click();
    expect(await page.getByRole('radio', { name: 'Last day' }).getAttribute('aria-checked')).toBe('true');
    await eventually('stored points over a day', () => points(page, 'history-mips'), (n) => n > 0);
    await shot(page, '07-vm-metrics-history');
  });

  test('its definition names the disk kind and the overlay', async () => {
    await page.locator('.tabs').getByRole('link', { name: 'Definition' }).click();
    // Stopped: no address on the virtual subnet any more (the view may still be catching up
    // with the stop's events when the tab opens, so wait for it).
    await textMatches(page.locator('.kv'), /Network\s+no address while stopped/);
    await page.getByTestId('vm-net-detail').waitFor({ state: 'detached', timeout: 10_000 });
    expect(await page.getByTestId('vm-net-detail').count()).toBe(0);
    await textMatches(page.getByTestId('disk-0'), /COW, persistent\s+rootfs \(base image, [\d.]+ MiB\) · overlay \S+-0\.cow \([\d.]+ (KiB|MiB)\)/);
    await shot(page, '07b-vm-definition');
  });

  test('its events, and the audit log', async () => {
    await page.locator('.tabs').getByRole('link', { name: 'Events' }).click();
    await textMatches(page.getByLabel('Events'), 'vm.start');
    await textMatches(page.getByLabel('Events'), 'run.ended');
    await shot(page, '08-vm-events');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Events' }).click();
    await page.getByRole('heading', { name: 'Events', level: 1 }).waitFor();
    await textMatches(page.locator('table'), 'vm.created');
    await shot(page, '09-events');
    expect(admin.errors).toEqual([]);
  });
});

function row(p: Page, name: string): ReturnType<Page['locator']> {
  return p.locator(`tr[data-vm="${name}"]`);
}

describe('a read-only token', () => {
  let reader: Browser;

  beforeAll(async () => {
    reader = await openBrowser({ width: 1366, height: 768 });
  });

  afterAll(async () => {
    await reader?.close();
  });

  test('sees everything, and every change is disabled with the reason', async () => {
    const made = await api<{ token: string }>(server.url, 'POST', '/api/tokens', { body: { name: 'viewer', role: 'read' } });
    expect(made.status).toBe(201);
    const p = reader.page;
    await signInWith(p, server.url, made.body.token);
    await p.getByRole('heading', { name: 'Machine', exact: true }).waitFor();
    await textMatches(p.locator('.who'), 'read');
    await textMatches(p.getByRole('note').first(), 'Read-only token');
    await p.getByRole('link', { name: 'Virtual machines' }).click();
    const start = row(p, 'web-1').getByRole('button', { name: 'Start web-1' });
    expect(await start.isDisabled()).toBe(true);
    expect(await start.getAttribute('title')).toMatch(/read-only/);
    expect(await p.getByRole('button', { name: 'New VM' }).isDisabled()).toBe(true);
    await shot(p, '10-read-only-list');
    await row(p, 'web-1').getByRole('link', { name: 'web-1' }).click();
    await eventually('the scrollback', () => consoleText(p), (t) => /hello/.test(t));
    await textMatches(p.getByTestId('console-mode'), 'read-only');
    expect(await p.getByRole('button', { name: 'Delete web-1' }).isDisabled()).toBe(true);
    await shot(p, '11-read-only-vm');
  });

  test('the server refuses it a change, and the form says why', async () => {
    const p = reader.page;
    await p.goto(`${server.url}/vms/${vmId}/edit`);
    await p.getByRole('note').filter({ hasText: 'read-only' }).last().waitFor();
    expect(await p.getByLabel('Name').isDisabled()).toBe(true);
    // The page's own token, straight at the API: 403 with the reason the buttons show.
    const status = await p.evaluate(`fetch('/api/vms/${vmId}/start', { method: 'POST',
      headers: { authorization: 'Bearer ' + sessionStorage.getItem('disco.token') } }).then((r) => r.status)`);
    expect(status).toBe(403);
    expect((await api<{ state: string }>(server.url, 'GET', `/api/vms/${vmId}`)).body.state).toBe('stopped');
    await shot(p, '12-read-only-form');
    expect(reader.errors).toEqual([]);
  });
});
