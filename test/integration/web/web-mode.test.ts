import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import http from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createWebUi, type WebUi } from '../../../main/web/web-ui.ts';
import { echoDefinition, startRealHub, type RealHub } from '../ipc/real-hub.ts';

/** The web mode over real HTTP on the gateway port: token, Origin, command round trip, SSE events. */

let h: RealHub;
let ui: WebUi;
let base: string;
let port: number;
const TOKEN = 'test-ui-token-0123456789';
const staticDir = fs.mkdtempSync(path.join(os.tmpdir(), 'switchboard-ui-static-'));
fs.mkdirSync(path.join(staticDir, 'assets'));
fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>Switchboard</title>');
fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log(1)');

beforeAll(async () => {
  h = await startRealHub({
    mode: 'web',
    routes: (runtime, hub) => {
      ui = createWebUi({ hub, version: 'test', token: TOKEN, staticDir, keepAliveMs: 200 });
      return ui.routes(runtime);
    },
  });
  port = h.runtime.front()!.port;
  base = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  ui?.close();
  await h?.close();
  fs.rmSync(staticDir, { recursive: true, force: true });
});

const post = (command: string, input: unknown, headers: Record<string, string> = {}) =>
  fetch(`${base}/ui/api/${command}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}`, ...headers },
    body: JSON.stringify({ input }),
  });

/** A raw request, for headers fetch() will not let us set (Origin, Host). */
function raw(options: http.RequestOptions & { body?: string }): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = http.request({ host: '127.0.0.1', port, ...options }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end(options.body);
  });
}

describe('web mode', () => {
  it('prints a URL with the token in the fragment', () => {
    expect(ui.url(port)).toBe(`http://127.0.0.1:${port}/ui/#token=${TOKEN}`);
  });

  it('serves the renderer with a strict CSP, and redirects /ui to /ui/', async () => {
    const page = await fetch(`${base}/ui/`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('Switchboard');
    expect(page.headers.get('content-security-policy')).toContain("script-src 'self'");
    expect(page.headers.get('content-security-policy')).toContain("frame-ancestors 'none'");
    expect((await fetch(`${base}/ui/assets/app.js`)).headers.get('content-type')).toContain('javascript');
    const redirect = await fetch(`${base}/ui`, { redirect: 'manual' });
    expect(redirect.status).toBe(308);
    expect(redirect.headers.get('location')).toBe('/ui/');
    expect((await fetch(`${base}/ui/..%2F..%2Fetc%2Fpasswd`)).status).toBe(404);
  });

  it('requires the token (401 without, or with a wrong one)', async () => {
    const none = await fetch(`${base}/ui/api/servers.list`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"input":{}}',
    });
    expect(none.status).toBe(401);
    expect(await none.json()).toMatchObject({ ok: false, error: { code: 'UNAUTHORIZED' } });
    expect((await post('servers.list', {}, { authorization: 'Bearer wrong' })).status).toBe(401);
    expect((await fetch(`${base}/ui/api/events`)).status).toBe(401);
    expect((await fetch(`${base}/ui/api/events?token=wrong`)).status).toBe(401);
    // An MCP client token is not a UI token.
    const created = (await (await post('tokens.create', { name: 'cli' })).json()) as {
      value: { token: string };
    };
    expect((await post('servers.list', {}, { authorization: `Bearer ${created.value.token}` })).status).toBe(
      401,
    );
  });

  it('refuses a foreign Origin, a cross-site fetch and a non-JSON body', async () => {
    const body = '{"input":{}}';
    const headers = {
      'content-type': 'application/json',
      authorization: `Bearer ${TOKEN}`,
      host: `127.0.0.1:${port}`,
    };
    const evil = await raw({
      method: 'POST',
      path: '/ui/api/servers.list',
      headers: { ...headers, origin: 'https://evil.example' },
      body,
    });
    expect(evil.status).toBe(403);
    const otherPort = await raw({
      method: 'POST',
      path: '/ui/api/servers.list',
      headers: { ...headers, origin: 'http://127.0.0.1:1' },
      body,
    });
    expect(otherPort.status).toBe(403);
    const crossSite = await raw({
      method: 'POST',
      path: '/ui/api/servers.list',
      headers: { ...headers, 'sec-fetch-site': 'cross-site' },
      body,
    });
    expect(crossSite.status).toBe(403);
    const rebinding = await raw({
      method: 'POST',
      path: '/ui/api/servers.list',
      headers: { ...headers, host: `evil.example:${port}` },
      body,
    });
    expect(rebinding.status).toBe(403);
    const form = await raw({
      method: 'POST',
      path: '/ui/api/servers.list',
      headers: { ...headers, 'content-type': 'text/plain' },
      body,
    });
    expect(form.status).toBe(415);
    const sameOrigin = await raw({
      method: 'POST',
      path: '/ui/api/servers.list',
      headers: { ...headers, origin: `http://127.0.0.1:${port}` },
      body,
    });
    expect(sameOrigin.status).toBe(200);
  });

  it('round-trips commands as Results; unknown commands are 404; invalid input is VALIDATION', async () => {
    const list = await post('servers.list', {});
    expect(list.status).toBe(200);
    expect(await list.json()).toEqual({ ok: true, value: [] });
    expect((await post('servers.nuke', {})).status).toBe(404);
    const invalid = await post('servers.get', { prefix: 7 });
    expect(invalid.status).toBe(200);
    expect(await invalid.json()).toMatchObject({ ok: false, error: { code: 'VALIDATION' } });
    const info = (await (await post('app.info', {})).json()) as { value: { mode: string } };
    expect(info.value.mode).toBe('web');
    // Pausing keeps the listener up (decision 007): the web window pauses, keeps working, and resumes.
    const pause = await post('gateway.setPaused', { paused: true });
    expect(await pause.json()).toMatchObject({ ok: true, value: { state: 'paused' } });
    expect(await (await post('servers.list', {})).json()).toEqual({ ok: true, value: [] });
    const resume = await post('gateway.setPaused', { paused: false });
    expect(await resume.json()).toMatchObject({ ok: true, value: { state: 'running' } });
  });

  it('streams events: servers.changed arrives after servers.add', async () => {
    const controller = new AbortController();
    const response = await fetch(`${base}/ui/api/events?token=${TOKEN}`, { signal: controller.signal });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toContain('text/event-stream');
    const reader = response.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const readUntil = async (pattern: RegExp) => {
      const until = Date.now() + 15_000;
      while (!pattern.test(text)) {
        if (Date.now() > until) throw new Error(`no ${pattern} in ${text}`);
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
      }
    };
    await readUntil(/: connected/);
    const added = await post('servers.add', { definition: echoDefinition('webecho') });
    expect(await added.json()).toMatchObject({ ok: true, value: { prefix: 'webecho' } });
    await readUntil(/event: servers\.changed\ndata: \{"prefix":"webecho"\}\n\n/);
    await readUntil(/: ping/);
    expect(ui.openStreams()).toBe(1);
    controller.abort();
    await reader.cancel().catch(() => undefined);
    // The subscription ends with the connection.
    const until = Date.now() + 5000;
    while (ui.openStreams() > 0 && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
    expect(ui.openStreams()).toBe(0);
  });
});
