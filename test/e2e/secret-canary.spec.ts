import { randomUUID } from 'node:crypto';
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import {
  baseUrl,
  addEchoServer,
  dataDir,
  hubLogFile,
  hubLogOffset,
  hubOutputSince,
  openUi,
  removeServerIfPresent,
  token,
} from './helpers.ts';

/**
 * Acceptance: a secret variable's value goes IN through the window and never comes back OUT. A unique canary
 * is typed into the Variables form; then the window is used the way a person would — health check, a tool
 * that reads the very variable from its environment, logs, activity, the definition, settings and export,
 * a reload. Every response body the page received, every server-sent event (as the page saw it, and as a
 * second raw stream on the wire), the DOM, web storage, the hub's output, and every file of the data
 * folder (the SQLite database and its WAL included) are then searched for the canary: it is nowhere.
 */

const PREFIX = 'canary';
const NAME = 'Canary fixture';
const VARIABLE = 'CANARY_SECRET';
const CANARY = `canary-${randomUUID()}`;

/** The canary as it could appear in text or bytes: plain, UTF-16 (SQLite text encodings), base64. */
const CANARY_FORMS: { label: string; bytes: Buffer }[] = [
  { label: 'utf-8', bytes: Buffer.from(CANARY, 'utf8') },
  { label: 'utf-16le', bytes: Buffer.from(CANARY, 'utf16le') },
  { label: 'utf-16be', bytes: Buffer.from(CANARY, 'utf16le').swap16() },
  { label: 'base64', bytes: Buffer.from(Buffer.from(CANARY, 'utf8').toString('base64'), 'utf8') },
];

function canaryFormsIn(bytes: Buffer): string[] {
  return CANARY_FORMS.filter((form) => bytes.includes(form.bytes)).map((form) => form.label);
}

test.describe('a secret value never comes back out', () => {
  test.beforeAll(async () => {
    await removeServerIfPresent(PREFIX);
    await addEchoServer(PREFIX, NAME, {
      envVars: [{ name: VARIABLE, description: 'Canary for the leak test', required: true, secret: true }],
    });
  });

  test.afterAll(async () => {
    await removeServerIfPresent(PREFIX);
  });

  test('set through the UI, the canary is absent from responses, events, DOM, logs and disk', async ({
    page,
  }) => {
    test.setTimeout(120_000);
    const logOffset = hubLogFile ? hubLogOffset() : 0;
    const recorder = await recordEverything(page);

    await test.step('set the secret in the Variables form', async () => {
      await openUi(page, `#/servers/${PREFIX}`);
      await expect(page.getByRole('img', { name: /^Health: Needs setup/ })).toBeVisible({ timeout: 30_000 });
      await page.getByRole('tab', { name: /^Variables/ }).click();
      const input = page.getByLabel(new RegExp(`^${VARIABLE}`));
      await expect(input).toHaveAttribute('type', 'password');
      await input.fill(CANARY);
      await page.getByRole('button', { name: 'Save values' }).click();
      await expect(page.getByRole('status').filter({ hasText: `Saved ${VARIABLE}.` })).toBeVisible();
      await expect(input).toHaveValue('');
      await expect(page.getByText('Set', { exact: true })).toBeVisible();
    });

    await test.step('the server starts with it (health)', async () => {
      await page.getByRole('tab', { name: 'Overview' }).click();
      await page.getByRole('button', { name: 'Check now' }).click();
      await expect(page.getByRole('img', { name: /^Health: Healthy/ })).toBeVisible({ timeout: 30_000 });
    });

    await test.step('a tool that prints the variable shows it redacted', async () => {
      await page.getByRole('tab', { name: /^Tools/ }).click();
      await page.getByRole('button', { name: 'Try env' }).click({ timeout: 30_000 });
      const dialog = page.getByRole('dialog', { name: 'Try env' });
      await dialog.getByRole('textbox', { name: /^names/ }).fill(VARIABLE);
      await dialog.getByRole('button', { name: 'Run' }).click();
      const result = dialog.getByRole('region', { name: 'Result' });
      // The fixture really had the value in its environment (else it would print null), and the window got
      // the placeholder instead.
      await expect(result).toContainText(`"${VARIABLE}":"[REDACTED:vault-secret]"`);
      await dialog.getByRole('button', { name: 'Close' }).click();
    });

    await test.step('logs, health, definition, activity, settings and export', async () => {
      await page.getByRole('tab', { name: 'Logs' }).click();
      await expect(
        page.getByRole('log', { name: new RegExp(`Standard error output of ${PREFIX}`) }),
      ).toBeVisible();
      await page.getByRole('tab', { name: 'Health' }).click();
      await expect(page.getByRole('img', { name: /^Health check latency/ })).toBeVisible();
      await page.getByRole('tab', { name: 'Definition' }).click();
      await expect(page.getByRole('textbox', { name: /^Prefix/ })).toHaveValue(PREFIX);
      await page.evaluate(() => (location.hash = '#/activity'));
      await expect(page.getByRole('cell', { name: 'env', exact: true }).first()).toBeVisible();
      await page.evaluate(() => (location.hash = '#/settings'));
      await page.getByRole('button', { name: 'Export', exact: true }).click();
      await expect(page.getByRole('link', { name: 'Download file' })).toBeVisible();
      await page.reload();
      await page.evaluate((hash) => (location.hash = hash), `#/servers/${PREFIX}/variables`);
      await expect(page.getByText('Set', { exact: true })).toBeVisible();
    });

    const seen = await recorder.stop();

    await test.step('the recorders did record (no vacuous pass)', () => {
      expect(seen.bodies.length).toBeGreaterThan(20);
      expect(seen.bodyErrors, 'response bodies that could not be read').toEqual([]);
      const all = seen.bodies.map((b) => b.body.toString('utf8')).join('\n');
      expect(all).toContain(VARIABLE);
      expect(all).toContain('[REDACTED');
      expect(seen.pageEvents.map((e) => e.name)).toContain('servers.changed');
      expect(seen.pageEvents.some((e) => e.data.includes(`"prefix":"${PREFIX}"`))).toBe(true);
      expect(seen.rawStream).toContain('event: health.changed');
    });

    await test.step('no response body carries it', () => {
      const leaks = seen.bodies
        .map((b) => ({ url: b.url, forms: canaryFormsIn(b.body) }))
        .filter((b) => b.forms.length > 0);
      expect(leaks).toEqual([]);
    });

    await test.step('no server-sent event carries it', () => {
      expect(seen.pageEvents.filter((e) => e.data.includes(CANARY))).toEqual([]);
      expect(canaryFormsIn(Buffer.from(seen.rawStream, 'utf8'))).toEqual([]);
    });

    await test.step('the DOM, the form fields and web storage do not hold it', async () => {
      expect(await page.content()).not.toContain(CANARY);
      const state = await page.evaluate(() => ({
        fields: [...document.querySelectorAll('input, textarea, select')].map(
          (el) => (el as HTMLInputElement).value,
        ),
        local: JSON.stringify({ ...localStorage }),
        session: JSON.stringify({ ...sessionStorage }),
      }));
      expect(state.fields.filter((v) => v.includes(CANARY))).toEqual([]);
      expect(state.local).not.toContain(CANARY);
      expect(state.session).not.toContain(CANARY);
    });

    await test.step('the hub printed nothing of it', () => {
      test.skip(!hubLogFile, 'the hub was started by hand: its output is not known');
      const printed = hubOutputSince(logOffset);
      expect(printed.length).toBeGreaterThan(0);
      expect(canaryFormsIn(Buffer.from(printed, 'utf8'))).toEqual([]);
    });

    await test.step('no file of the data folder holds it (database and WAL included)', () => {
      test.skip(!dataDir, 'the hub was started by hand: its data folder is not known');
      const files = filesUnder(dataDir!);
      const names = files.map((f) => relative(dataDir!, f));
      expect(names).toContain('switchboard.db');
      expect(names).toContain('switchboard.db-wal');
      expect(statSync(join(dataDir!, 'switchboard.db-wal')).size).toBeGreaterThan(0);
      const leaks = files
        .map((file) => ({ file: relative(dataDir!, file), forms: canaryFormsIn(readFileSync(file)) }))
        .filter((f) => f.forms.length > 0);
      expect(leaks).toEqual([]);
    });
  });
});

interface Recorded {
  bodies: { url: string; body: Buffer }[];
  bodyErrors: string[];
  /** Server-sent events as the page's EventSource received them (Chromium's DevTools protocol). */
  pageEvents: { name: string; data: string }[];
  /** Everything a second subscriber read on the wire from /ui/api/events, comments included. */
  rawStream: string;
}

/**
 * Starts recording every response body the page receives, every server-sent event its EventSource gets,
 * and a raw second event stream; `stop()` waits for the pending bodies and returns what was seen.
 */
async function recordEverything(page: Page): Promise<{ stop(): Promise<Recorded> }> {
  const recorded: Recorded = { bodies: [], bodyErrors: [], pageEvents: [], rawStream: '' };
  const pending: Promise<void>[] = [];
  page.on('response', (response) => {
    const type = response.headers()['content-type'] ?? '';
    if (type.startsWith('text/event-stream')) return; // never ends; recorded event by event below
    const status = response.status();
    if (status >= 300 && status < 400) return; // redirects have no body
    pending.push(
      response.body().then(
        (body) => void recorded.bodies.push({ url: response.url(), body }),
        (error: unknown) => void recorded.bodyErrors.push(`${response.url()}: ${String(error)}`),
      ),
    );
  });

  const cdp = await page.context().newCDPSession(page);
  cdp.on('Network.eventSourceMessageReceived', (event) =>
    recorded.pageEvents.push({ name: event.eventName, data: event.data }),
  );
  await cdp.send('Network.enable');

  const abort = new AbortController();
  const raw = (async () => {
    const response = await fetch(`${baseUrl}/ui/api/events?token=${encodeURIComponent(token)}`, {
      signal: abort.signal,
    });
    expect(response.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    for (;;) {
      const { done, value } = await reader.read();
      if (done) break;
      recorded.rawStream += decoder.decode(value, { stream: true });
    }
  })().catch((error: unknown) => {
    if (!abort.signal.aborted) throw error;
  });

  return {
    async stop() {
      await Promise.all(pending);
      abort.abort();
      await raw;
      await cdp.detach().catch(() => {});
      return recorded;
    },
  };
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return filesUnder(path);
    return entry.isFile() ? [path] : [];
  });
}
