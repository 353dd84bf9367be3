/**
 * The ONLY file in the renderer that knows how it talks to the core.
 *
 * Desktop (Electron): the preload exposes a `SwitchboardBridge` as `window.switchboard`; we use it as is.
 *
 * Web mode (`switchboard serve --ui`): the same contract over HTTP + server-sent events. The server side
 * implements exactly this protocol:
 *
 *   Page     GET  /ui/                      the built renderer (index.html; assets are relative: base './').
 *                                           `/ui` should redirect to `/ui/`. The CLI prints the URL as
 *                                           `http://127.0.0.1:<port>/ui/#token=<token>` (per-launch token).
 *   Token    The renderer reads `token` from `location.hash` once (`#token=<t>`, also accepted as
 *            `#/route?token=<t>` / `#token=<t>&...`), keeps it in memory and in sessionStorage (key
 *            `switchboard.webToken`, so a reload of the tab keeps working), and removes it from the
 *            address bar with `history.replaceState`.
 *   Command  POST /ui/api/<command name>    e.g. POST /ui/api/servers.list
 *              request headers: `Content-Type: application/json`, `Authorization: Bearer <token>`
 *              request body:    `{"input": <the command's input, as in preload/contract/commands.ts>}`
 *              response body:   the JSON `Result` — `{"ok":true,"value":…}` or
 *                               `{"ok":false,"error":{"code","message","details"?}}`
 *              Status 200 for every Result (ok or not). A missing/wrong token → 401 (a Result body with
 *              code UNAUTHORIZED is welcome). Unknown command → 404. A body that is not a Result is
 *              mapped by the client to UNAUTHORIZED (401/403) or INTERNAL (anything else).
 *   Events   GET  /ui/api/events?token=<token>     (EventSource cannot send headers)
 *              `Content-Type: text/event-stream`; one SSE message per contract event:
 *                  event: <event name, e.g. health.changed>
 *                  data: <the JSON payload, as in preload/contract/events.ts, on one line>
 *              Comment lines (`: ping`) every ~15 s keep proxies from closing the stream. After a drop the
 *              browser reconnects on its own; the renderer then invalidates every query, because events
 *              sent while it was away are lost (so `Last-Event-ID` replay is not needed).
 *   Liveness The event stream is also how the page knows the hub is there: when it drops, the page says so at
 *            once ('lost') and keeps trying; when the hub answers again but refuses this page's token (it
 *            was restarted: every launch has a new token), the page is from an earlier run ('ended') and
 *            can only tell the person to open the new address the hub printed.
 *   Security The server checks Host (127.0.0.1 / localhost / [::1] with its port) and, for POST, Origin
 *            (same origin) as the gateway does, and compares the token in constant time.
 */
import type {
  CommandInput,
  CommandName,
  CommandOutput,
  ErrorInfo,
  EventName,
  EventPayload,
  Result,
  SwitchboardBridge,
} from '../preload/contract/index.ts';

/**
 * Whether the window still hears from the hub: `connected`; `lost` (the hub stopped answering: what the
 * window shows may be out of date; it keeps trying); `ended` (the hub answers but no longer accepts this
 * page: it was restarted with a new address). The desktop window is always `connected`: it lives and dies
 * with its hub.
 */
export type ConnectionState = 'connected' | 'lost' | 'ended';

/** A bridge that can also tell the app that it lost events (the web stream reconnected). */
export interface RendererBridge extends SwitchboardBridge {
  /** Called after a reconnect, when events may have been missed; returns the unsubscribe function. */
  onReconnect?(listener: () => void): () => void;
  /** The connection state now, and every change of it; absent: always connected. */
  connection?(): ConnectionState;
  onConnection?(listener: (state: ConnectionState) => void): () => void;
}

declare global {
  interface Window {
    switchboard?: SwitchboardBridge;
  }
}

export const WEB_API_BASE = '/ui/api';
export const TOKEN_STORAGE_KEY = 'switchboard.webToken';

/** Picks the transport: the preload's bridge on the desktop, the HTTP + SSE client in a browser. */
export function createBridge(win: Window = window): RendererBridge {
  if (win.switchboard) return win.switchboard;
  const token = takeTokenFromLocation(win);
  return createWebBridge({
    token,
    fetch: win.fetch.bind(win),
    EventSource: typeof EventSource === 'undefined' ? undefined : EventSource,
  });
}

/**
 * Reads the web-mode token from the URL fragment once, remembers it for this tab, and strips it from the
 * address bar so it does not end up in screenshots, history or bookmarks.
 */
export function takeTokenFromLocation(
  win: Pick<Window, 'location' | 'history' | 'sessionStorage'>,
): string | null {
  const hash = win.location.hash;
  const match = /[#&?]token=([^&]+)/.exec(hash);
  if (match?.[1]) {
    const token = decodeURIComponent(match[1]);
    try {
      win.sessionStorage.setItem(TOKEN_STORAGE_KEY, token);
    } catch {
      // Storage can be disabled; the token stays in memory for this page.
    }
    const rest = hash.replace(/[#&?]?token=[^&]+&?/, '').replace(/^#?[?&]?$/, '');
    const route = rest.startsWith('#') ? rest : rest ? `#${rest}` : '#/servers';
    win.history.replaceState(null, '', `${win.location.pathname}${win.location.search}${route}`);
    return token;
  }
  try {
    return win.sessionStorage.getItem(TOKEN_STORAGE_KEY);
  } catch {
    return null;
  }
}

interface WebBridgeOptions {
  token: string | null;
  fetch: typeof fetch;
  EventSource: typeof EventSource | undefined;
  base?: string;
  /** How long to wait before re-opening an event stream the browser gave up on (default 2 s). */
  retryMs?: number;
}

/** EventSource.CLOSED: the browser will not retry this stream by itself (an HTTP error, not a dropped line). */
const EVENT_SOURCE_CLOSED = 2;

/** The web-mode bridge: commands over `POST /ui/api/<name>`, events over one EventSource. */
export function createWebBridge(options: WebBridgeOptions): RendererBridge {
  const base = options.base ?? WEB_API_BASE;
  const retryMs = options.retryMs ?? 2000;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const reconnectListeners = new Set<() => void>();
  const connectionListeners = new Set<(state: ConnectionState) => void>();
  let source: EventSource | null = null;
  let attached = new Set<string>();
  let state: ConnectionState = 'connected';
  let retryTimer: ReturnType<typeof setTimeout> | undefined;
  /** Events may have been missed since the last open stream (kept across a stream we had to re-create). */
  let missed = false;

  const setState = (next: ConnectionState) => {
    // An ended page stays ended: only opening the new address helps.
    if (next === state || state === 'ended') return;
    state = next;
    for (const listener of connectionListeners) listener(next);
  };

  /** After the stream failed for good: is the hub gone, or refusing this page's token? */
  const probe = async (): Promise<'refused' | 'unreachable' | 'ok'> => {
    try {
      const response = await options.fetch(`${base}/app.info`, {
        method: 'POST',
        headers: {
          'Content-Type': 'application/json',
          ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
        },
        body: JSON.stringify({ input: {} }),
      });
      return response.status === 401 || response.status === 403 ? 'refused' : 'ok';
    } catch {
      return 'unreachable';
    }
  };

  function ensureSource(): EventSource | null {
    if (source || !options.EventSource || state === 'ended') return source;
    const url = `${base}/events${options.token ? `?token=${encodeURIComponent(options.token)}` : ''}`;
    const es = new options.EventSource(url);
    source = es;
    es.addEventListener('error', () => {
      missed = true;
      setState('lost');
      if (es.readyState !== EVENT_SOURCE_CLOSED) return; // the browser retries by itself
      // The browser gave up (the answer was not an event stream): find out why, then try again ourselves.
      es.close();
      if (source === es) {
        source = null;
        attached = new Set();
      }
      void probe().then((verdict) => {
        if (verdict === 'refused') {
          setState('ended');
          return;
        }
        clearTimeout(retryTimer);
        retryTimer = setTimeout(() => {
          ensureSource();
          for (const event of listeners.keys()) attach(event);
        }, retryMs);
      });
    });
    es.addEventListener('open', () => {
      setState('connected');
      if (!missed) return;
      missed = false;
      for (const listener of reconnectListeners) listener();
    });
    return es;
  }

  function attach(event: string): void {
    const es = ensureSource();
    if (!es || attached.has(event)) return;
    attached.add(event);
    es.addEventListener(event, (message) => {
      let payload: unknown;
      try {
        payload = JSON.parse((message as MessageEvent<string>).data);
      } catch {
        return;
      }
      for (const listener of listeners.get(event) ?? []) listener(payload);
    });
  }

  return {
    async invoke<N extends CommandName>(name: N, input: CommandInput<N>): Promise<Result<CommandOutput<N>>> {
      let response: Response;
      try {
        response = await options.fetch(`${base}/${encodeURIComponent(name)}`, {
          method: 'POST',
          headers: {
            'Content-Type': 'application/json',
            ...(options.token ? { Authorization: `Bearer ${options.token}` } : {}),
          },
          body: JSON.stringify({ input }),
        });
      } catch (cause) {
        setState('lost');
        ensureSource();
        return failure(
          'INTERNAL',
          `Switchboard is not answering (${describe(cause)}). If you stopped it, start it again with \`switchboard serve --ui\` and open the address it prints.`,
        );
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
      if (response.status === 401) setState('ended');
      if (isResult(body)) return body as Result<CommandOutput<N>>;
      if (response.status === 401 || response.status === 403) {
        return failure(
          'UNAUTHORIZED',
          'This page is not authorised. Open the address printed by `switchboard serve --ui` again.',
        );
      }
      return failure('INTERNAL', `Unexpected answer from Switchboard (HTTP ${response.status}).`);
    },

    on<E extends EventName>(event: E, listener: (payload: EventPayload<E>) => void): () => void {
      let set = listeners.get(event);
      if (!set) {
        set = new Set();
        listeners.set(event, set);
      }
      const wrapped = listener as (payload: unknown) => void;
      set.add(wrapped);
      attach(event);
      return () => {
        set.delete(wrapped);
      };
    },

    onReconnect(listener: () => void): () => void {
      reconnectListeners.add(listener);
      ensureSource();
      return () => {
        reconnectListeners.delete(listener);
      };
    },

    connection: () => state,

    onConnection(listener: (next: ConnectionState) => void): () => void {
      connectionListeners.add(listener);
      ensureSource();
      return () => {
        connectionListeners.delete(listener);
      };
    },
  };
}

function failure(code: ErrorInfo['code'], message: string): { ok: false; error: ErrorInfo } {
  return { ok: false, error: { code, message } };
}

function isResult(body: unknown): body is Result<unknown> {
  if (typeof body !== 'object' || body === null || !('ok' in body)) return false;
  const candidate = body as { ok: unknown; error?: { code?: unknown; message?: unknown } };
  if (candidate.ok === true) return 'value' in body;
  return (
    candidate.ok === false &&
    typeof candidate.error?.code === 'string' &&
    typeof candidate.error.message === 'string'
  );
}

function describe(cause: unknown): string {
  return cause instanceof Error ? cause.message : String(cause);
}
