import type { EventName } from '../../preload/contract/events.ts';
import type { GatewayRoute } from '../gateway/http/gateway-app.ts';
import type { ContractDispatcher } from '../ipc/dispatcher.ts';
import { isCommandName } from '../ipc/dispatcher.ts';
import type { EventSink } from '../ipc/event-forwarding.ts';
import type { Logger } from '../lib/logger.ts';
import { silentLogger } from '../lib/logger.ts';
import { cspHeader } from './content-security-policy.ts';
import { readStaticFile } from './static-files.ts';
import { uiTokenMatches } from './ui-token.ts';
import { parseBearerToken } from '../tokens/bearer.ts';

/** Where the web UI lives on the gateway port. */
export const UI_BASE = '/ui';
export const UI_API_BASE = '/ui/api';
/** The largest command body accepted (transfer.import carries up to 4 MiB of text). */
export const MAX_UI_BODY_BYTES = 8 * 1024 * 1024;

export interface WebUiRoutesOptions {
  /** The per-launch UI token; compared in constant time. */
  token: string;
  dispatch: ContractDispatcher;
  /** Subscribes a sink to every contract event; returns the unsubscribe function. */
  subscribe(sink: EventSink): () => void;
  /** The built renderer (out/renderer); undefined when it is not built. */
  staticDir: string | undefined;
  /** Comment lines on the event stream this often (default 15 s). */
  keepAliveMs?: number;
  log?: Logger;
}

export interface WebUiRoutes {
  routes: GatewayRoute[];
  /** Open event streams (tests, shutdown). */
  openStreams(): number;
  /** Ends every event stream. */
  close(): void;
}

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy': cspHeader(),
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/**
 * The web mode of the contract, as routes on the gateway port (the gateway front has already checked Host
 * and Origin for every request). The routes are `auth: 'none'` for the gateway: they check their OWN
 * per-launch token, which no MCP client has. Protocol: see renderer/api.ts.
 */
export function createWebUiRoutes(options: WebUiRoutesOptions): WebUiRoutes {
  const log = options.log ?? silentLogger;
  const keepAliveMs = options.keepAliveMs ?? 15_000;
  const streams = new Set<() => void>();

  const json = (body: unknown, status = 200) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json', 'cache-control': 'no-store', ...SECURITY_HEADERS },
    });
  const refuse = (status: number, code: string, message: string) =>
    json({ ok: false, error: { code, message } }, status);
  const unauthorized = () =>
    refuse(
      401,
      'UNAUTHORIZED',
      'This page is not from the running Switchboard (each start makes a new address): open the address `switchboard serve --ui` printed',
    );

  /** Same-origin only: a browser's Origin (when sent) must be exactly this page's origin. */
  const foreignOrigin = (request: Request): boolean => {
    const origin = request.headers.get('origin');
    const site = request.headers.get('sec-fetch-site');
    if (site !== null && site !== 'same-origin' && site !== 'none') return true;
    if (origin === null) return false;
    return origin !== `http://${request.headers.get('host') ?? ''}`;
  };

  const command: GatewayRoute = {
    method: 'POST',
    path: `${UI_API_BASE}/:command`,
    auth: 'none',
    async handler(request, { params }) {
      if (!uiTokenMatches(parseBearerToken(request.headers.get('authorization')), options.token))
        return unauthorized();
      if (foreignOrigin(request)) return refuse(403, 'FORBIDDEN', 'Cross-origin requests are not allowed');
      // A form or a no-cors fetch cannot send application/json without a preflight we never answer.
      const type = request.headers.get('content-type') ?? '';
      if (!/^application\/json\s*(;|$)/i.test(type)) {
        return refuse(415, 'VALIDATION', 'Content-Type must be application/json');
      }
      const name = params.command ?? '';
      if (!isCommandName(name)) return refuse(404, 'NOT_FOUND', `unknown command "${name}"`);
      const length = Number(request.headers.get('content-length') ?? '0');
      if (length > MAX_UI_BODY_BYTES) return refuse(413, 'VALIDATION', 'The request body is too large');
      const text = await request.text();
      if (text.length > MAX_UI_BODY_BYTES) return refuse(413, 'VALIDATION', 'The request body is too large');
      let body: unknown;
      try {
        body = text === '' ? {} : JSON.parse(text);
      } catch {
        return refuse(400, 'VALIDATION', 'The request body is not JSON');
      }
      const input =
        typeof body === 'object' && body !== null ? (body as { input?: unknown }).input : undefined;
      return json(await options.dispatch(name, input));
    },
  };

  const events: GatewayRoute = {
    method: 'GET',
    path: `${UI_API_BASE}/events`,
    auth: 'none',
    handler(request) {
      const url = new URL(request.url);
      const presented =
        url.searchParams.get('token') ?? parseBearerToken(request.headers.get('authorization'));
      if (!uiTokenMatches(presented, options.token)) return unauthorized();
      if (foreignOrigin(request)) return refuse(403, 'FORBIDDEN', 'Cross-origin requests are not allowed');
      const encoder = new TextEncoder();
      let cleanup = () => {};
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          let done = false;
          const send = (text: string) => {
            if (done) return;
            try {
              controller.enqueue(encoder.encode(text));
            } catch {
              cleanup();
            }
          };
          const off = options.subscribe((event: EventName, payload: unknown) =>
            send(`event: ${event}\ndata: ${JSON.stringify(payload)}\n\n`),
          );
          const timer = setInterval(() => send(': ping\n\n'), keepAliveMs);
          timer.unref();
          cleanup = () => {
            if (done) return;
            done = true;
            off();
            clearInterval(timer);
            streams.delete(end);
            try {
              controller.close();
            } catch {
              // already closed by the other side
            }
          };
          const end = () => cleanup();
          streams.add(end);
          request.signal.addEventListener('abort', end, { once: true });
          send('retry: 2000\n: connected\n\n');
        },
        cancel() {
          cleanup();
        },
      });
      return new Response(body, {
        headers: {
          'content-type': 'text/event-stream; charset=utf-8',
          'cache-control': 'no-store',
          'x-accel-buffering': 'no',
          ...SECURITY_HEADERS,
        },
      });
    },
  };

  const page = async (relative: string): Promise<Response> => {
    if (options.staticDir === undefined) {
      return new Response(
        'The Switchboard window is not built. Run `npm run build` (or `npx vite build`) and start `switchboard serve --ui` again.\n',
        { status: 503, headers: { 'content-type': 'text/plain; charset=utf-8', ...SECURITY_HEADERS } },
      );
    }
    const file = await readStaticFile(options.staticDir, relative === '' ? 'index.html' : relative);
    if (!file) return new Response('Not Found\n', { status: 404, headers: SECURITY_HEADERS });
    return new Response(file.body, {
      headers: {
        'content-type': file.contentType,
        // index.html names hashed assets; it must be re-read after a rebuild, the assets need not.
        'cache-control': relative === '' || relative === 'index.html' ? 'no-store' : 'max-age=3600',
        ...SECURITY_HEADERS,
      },
    });
  };

  const root: GatewayRoute = {
    method: 'GET',
    path: UI_BASE,
    auth: 'none',
    handler(request) {
      const url = new URL(request.url);
      if (url.pathname === UI_BASE) {
        return new Response(null, { status: 308, headers: { location: `${UI_BASE}/${url.search}` } });
      }
      return page('');
    },
  };

  const assets: GatewayRoute = {
    method: 'GET',
    path: `${UI_BASE}/*`,
    auth: 'none',
    handler(request) {
      const pathname = new URL(request.url).pathname;
      if (pathname.startsWith(`${UI_API_BASE}/`)) return undefined;
      return page(pathname.slice(UI_BASE.length + 1));
    },
  };

  log.debug('web UI routes ready', { staticDir: options.staticDir ?? null });
  return {
    routes: [events, command, root, assets],
    openStreams: () => streams.size,
    close() {
      for (const end of [...streams]) end();
    },
  };
}
