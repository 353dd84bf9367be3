// @vitest-environment jsdom
import { describe, expect, it, vi } from 'vitest';
import { createWebBridge, takeTokenFromLocation, TOKEN_STORAGE_KEY } from '../../../renderer/api.ts';
import { parseRoute, routeHref } from '../../../renderer/hooks/use-route.ts';

function jsonResponse(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

class FakeEventSource {
  static last: FakeEventSource | null = null;
  static created = 0;
  readonly listeners = new Map<string, ((event: Event) => void)[]>();
  readonly url: string;
  /** 0 connecting, 1 open, 2 closed (the browser gave up). */
  readyState = 0;
  closed = false;
  constructor(url: string) {
    this.url = url;
    FakeEventSource.last = this;
    FakeEventSource.created += 1;
  }
  close(): void {
    this.closed = true;
    this.readyState = 2;
  }
  addEventListener(type: string, listener: (event: Event) => void): void {
    this.listeners.set(type, [...(this.listeners.get(type) ?? []), listener]);
  }
  dispatch(type: string, data?: string): void {
    const event = data === undefined ? new Event(type) : new MessageEvent(type, { data });
    for (const listener of this.listeners.get(type) ?? []) listener(event);
  }
}

describe('web bridge (the /ui/api protocol)', () => {
  it('POSTs {input} to /ui/api/<command> with the bearer token and returns the Result as is', async () => {
    const fetch = vi.fn(async () => jsonResponse({ ok: true, value: [] }));
    const bridge = createWebBridge({ token: 't0k', fetch, EventSource: undefined });
    await expect(bridge.invoke('servers.list', {})).resolves.toEqual({ ok: true, value: [] });
    expect(fetch).toHaveBeenCalledWith('/ui/api/servers.list', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: 'Bearer t0k' },
      body: JSON.stringify({ input: {} }),
    });
  });

  it('passes error Results through with their code and details', async () => {
    const error = {
      code: 'VALIDATION',
      message: 'bad',
      details: { issues: [{ path: ['prefix'], message: 'x' }] },
    };
    const bridge = createWebBridge({
      token: 't',
      fetch: async () => jsonResponse({ ok: false, error }),
      EventSource: undefined,
    });
    await expect(bridge.invoke('servers.add', { definition: {} })).resolves.toEqual({ ok: false, error });
  });

  it('turns a 401 without a Result into UNAUTHORIZED, and a network failure into INTERNAL', async () => {
    const unauthorised = createWebBridge({
      token: null,
      fetch: async () => new Response('no', { status: 401 }),
      EventSource: undefined,
    });
    await expect(unauthorised.invoke('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'UNAUTHORIZED' },
    });
    const offline = createWebBridge({
      token: 't',
      fetch: async () => Promise.reject(new TypeError('Failed to fetch')),
      EventSource: undefined,
    });
    await expect(offline.invoke('app.info', {})).resolves.toMatchObject({
      ok: false,
      error: { code: 'INTERNAL' },
    });
  });

  it('listens on /ui/api/events?token=… and delivers named events as parsed JSON', () => {
    const bridge = createWebBridge({
      token: 'a b',
      fetch: vi.fn(),
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const seen: unknown[] = [];
    const off = bridge.on('health.changed', (payload) => seen.push(payload));
    const source = FakeEventSource.last;
    expect(source?.url).toBe('/ui/api/events?token=a%20b');
    source?.dispatch('health.changed', JSON.stringify({ prefix: 'x', health: { status: 'healthy' } }));
    off();
    source?.dispatch('health.changed', JSON.stringify({ prefix: 'y' }));
    expect(seen).toEqual([{ prefix: 'x', health: { status: 'healthy' } }]);
  });

  it('reports a reconnect after the stream dropped (events may have been missed)', () => {
    const bridge = createWebBridge({
      token: 't',
      fetch: vi.fn(),
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const onReconnect = vi.fn();
    bridge.onReconnect?.(onReconnect);
    const source = FakeEventSource.last;
    source?.dispatch('open');
    expect(onReconnect).not.toHaveBeenCalled();
    source?.dispatch('error');
    source?.dispatch('open');
    expect(onReconnect).toHaveBeenCalledTimes(1);
  });
});

describe('web bridge: knowing when the hub is gone', () => {
  const flush = () => new Promise((resolve) => setTimeout(resolve, 0));

  it('says "lost" the moment the event stream drops, and "connected" when it is back', () => {
    const bridge = createWebBridge({
      token: 't',
      fetch: vi.fn(),
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const states: string[] = [];
    bridge.onConnection?.((state) => states.push(state));
    const source = FakeEventSource.last;
    source?.dispatch('open');
    expect(bridge.connection?.()).toBe('connected');
    source?.dispatch('error'); // readyState 0: the browser retries by itself
    expect(bridge.connection?.()).toBe('lost');
    source?.dispatch('open');
    expect(states).toEqual(['lost', 'connected']);
  });

  it('says "ended" when the hub answers again but refuses the page (a restart made a new token)', async () => {
    const fetch = vi.fn(async () =>
      jsonResponse({ ok: false, error: { code: 'UNAUTHORIZED', message: 'x' } }, 401),
    );
    const bridge = createWebBridge({
      token: 'old',
      fetch,
      EventSource: FakeEventSource as unknown as typeof EventSource,
    });
    const states: string[] = [];
    bridge.onConnection?.((state) => states.push(state));
    const source = FakeEventSource.last;
    source?.dispatch('error');
    if (source) source.readyState = 2; // the retry got 401: the browser closes the stream for good
    source?.dispatch('error');
    await flush();
    expect(fetch).toHaveBeenCalledWith('/ui/api/app.info', expect.objectContaining({ method: 'POST' }));
    expect(states).toEqual(['lost', 'ended']);
    expect(bridge.connection?.()).toBe('ended');
  });

  it('keeps trying after the browser gave up on a hub that is still away', async () => {
    vi.useFakeTimers();
    try {
      const bridge = createWebBridge({
        token: 't',
        fetch: async () => Promise.reject(new TypeError('Failed to fetch')),
        EventSource: FakeEventSource as unknown as typeof EventSource,
        retryMs: 1000,
      });
      const seen: unknown[] = [];
      bridge.on('servers.changed', (payload) => seen.push(payload));
      const first = FakeEventSource.last;
      if (first) first.readyState = 2;
      first?.dispatch('error');
      await vi.advanceTimersByTimeAsync(1100);
      const second = FakeEventSource.last;
      expect(second).not.toBe(first);
      expect(first?.closed).toBe(true);
      expect(bridge.connection?.()).toBe('lost');
      const onReconnect = vi.fn();
      bridge.onReconnect?.(onReconnect);
      // Listeners are attached to the new stream too, and the app hears that events were missed.
      second?.dispatch('open');
      expect(onReconnect).toHaveBeenCalledTimes(1);
      second?.dispatch('servers.changed', '{}');
      expect(seen).toEqual([{}]);
      expect(bridge.connection?.()).toBe('connected');
    } finally {
      vi.useRealTimers();
    }
  });

  it('a command the hub refuses with 401 ends the page too', async () => {
    const bridge = createWebBridge({
      token: 'old',
      fetch: async () => jsonResponse({ ok: false, error: { code: 'UNAUTHORIZED', message: 'x' } }, 401),
      EventSource: undefined,
    });
    await bridge.invoke('servers.list', {});
    expect(bridge.connection?.()).toBe('ended');
  });
});

describe('takeTokenFromLocation', () => {
  it('reads #token=…, keeps it for the tab, and strips it from the address bar', () => {
    history.replaceState(null, '', '/ui/#token=s3cr%2Bt');
    expect(takeTokenFromLocation(window)).toBe('s3cr+t');
    expect(location.hash).toBe('#/servers');
    expect(location.href).not.toContain('s3cr');
    expect(sessionStorage.getItem(TOKEN_STORAGE_KEY)).toBe('s3cr+t');
    // After a reload the token comes from sessionStorage.
    expect(takeTokenFromLocation(window)).toBe('s3cr+t');
  });

  it('keeps a deep link that carried the token', () => {
    history.replaceState(null, '', '/ui/#/servers/files?token=abc');
    expect(takeTokenFromLocation(window)).toBe('abc');
    expect(location.hash).toBe('#/servers/files');
  });
});

describe('hash routes', () => {
  it('round-trips deep links', () => {
    expect(parseRoute('#/servers/my-server/tools')).toEqual({
      page: 'server',
      prefix: 'my-server',
      tab: 'tools',
    });
    expect(parseRoute('#/activity?server=files')).toEqual({ page: 'activity', server: 'files' });
    expect(parseRoute('#/nowhere')).toEqual({ page: 'servers' });
    expect(routeHref({ page: 'server', prefix: 'a', tab: undefined })).toBe('#/servers/a');
    expect(routeHref({ page: 'add', tab: 'catalog' })).toBe('#/add/catalog');
  });
});
