// Browser helpers for the dashboard's tests: Debian's Chromium driven by playwright-core (never a
// downloaded browser; flags from ../shared/notes/environment.md), a fresh profile per context,
// and screenshots saved under test/artifacts/dashboard/ to be looked at.
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';
import { repoRoot } from '../server/support.js';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
export const ARTIFACTS = join(repoRoot, 'test', 'artifacts', 'dashboard');

const FLAGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

export interface Browser {
  context: BrowserContext;
  page: Page;
  /** Everything the page logged as an error (uncaught exceptions, console.error), except the
   * browser's own line for each HTTP error response and failed connection: the tests provoke
   * 401, 400 and 403 on purpose, and restart the server under a connected page. */
  errors: string[];
  close: () => Promise<void>;
}

export async function openBrowser(viewport = { width: 1440, height: 900 }): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'disco-chromium-'));
  const context = await chromium.launchPersistentContext(profile, { executablePath: CHROMIUM, headless: true, args: FLAGS, viewport });
  context.setDefaultTimeout(10_000);
  const page = context.pages()[0] ?? (await context.newPage());
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`));
  page.on('console', (m) => {
    const browserOwn = m.text().startsWith('Failed to load resource') || /^WebSocket connection to '.*' failed/.test(m.text());
    if (m.type() === 'error' && !browserOwn) errors.push(`console.error: ${m.text()}`);
  });
  return {
    context, page, errors,
    close: async () => {
      await context.close();
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Save a full-page screenshot as test/artifacts/dashboard/<name>.png. */
export async function shot(page: Page, name: string): Promise<void> {
  mkdirSync(ARTIFACTS, { recursive: true });
  await page.screenshot({ path: join(ARTIFACTS, `${name}.png`), fullPage: true });
}

/** The console's text as shown (rows joined by newlines). */
export async function consoleText(page: Page): Promise<string> {
  return page.locator('[data-testid=console] .xterm-rows').innerText();
}

/** Sign in on the sign-in form with `token`. */
export async function signInWith(page: Page, base: string, token: string): Promise<void> {
  await page.goto(base + '/');
  await page.getByLabel('API token').fill(token);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

/** Poll `f` until `ok(value)`; throws with the last value after `ms`. (Jest has no Playwright matchers.) */
export async function eventually<T>(what: string, f: () => Promise<T>, ok: (v: T) => boolean, ms = 10_000): Promise<T> {
  const end = Date.now() + ms;
  let last: T | undefined;
  let error: unknown = null;
  for (;;) {
    try {
      last = await f();
      error = null;
      if (ok(last)) return last;
    } catch (e) {
      error = e;
    }
    if (Date.now() > end) {
      const got = error !== null ? `error ${String(error)}` : JSON.stringify(last);
      throw new Error(`timed out after ${ms} ms waiting for ${what}; last: ${got?.slice(0, 2000)}`);
    }
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Wait until the locator's text matches. */
export function textMatches(l: Locator, pattern: RegExp | string, ms = 10_000): Promise<string> {
  const test = (s: string): boolean => (typeof pattern === 'string' ? s.includes(pattern) : pattern.test(s));
  return eventually(`text ${String(pattern)}`, () => l.first().innerText({ timeout: 1000 }), test, ms);
}
