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

/** A bridge that can also tell the app that it lost events (the web stream reconnected). */
export interface RendererBridge extends SwitchboardBridge {
  /** Called after a reconnect, when events may have been missed; returns the unsubscribe function. */
  onReconnect?(listener: () => void): () => void;
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
}

/** The web-mode bridge: commands over `POST /ui/api/<name>`, events over one EventSource. */
export function createWebBridge(options: WebBridgeOptions): RendererBridge {
  const base = options.base ?? WEB_API_BASE;
  const listeners = new Map<string, Set<(payload: unknown) => void>>();
  const reconnectListeners = new Set<() => void>();
  let source: EventSource | null = null;
  const attached = new Set<string>();

  function ensureSource(): EventSource | null {
    if (source || !options.EventSource) return source;
    const url = `${base}/events${options.token ? `?token=${encodeURIComponent(options.token)}` : ''}`;
    source = new options.EventSource(url);
    let hadError = false;
    source.addEventListener('error', () => {
      hadError = true;
    });
    source.addEventListener('open', () => {
      if (!hadError) return;
      hadError = false;
      for (const listener of reconnectListeners) listener();
    });
    return source;
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
        return failure('INTERNAL', `Could not reach Switchboard: ${describe(cause)}`);
      }
      let body: unknown;
      try {
        body = await response.json();
      } catch {
        body = undefined;
      }
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
