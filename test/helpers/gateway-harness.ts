import { Server } from '@modelcontextprotocol/server';
import type { CallToolResult } from '@modelcontextprotocol/server';
import type { GatewayCore, GatewayScope, ProtocolEra } from '../../main/gateway/gateway-core.ts';
import { silentLogger } from '../../main/lib/logger.ts';
import type { Logger } from '../../main/lib/logger.ts';
import { generateToken, hashToken } from '../../main/tokens/token-crypto.ts';
import type { ActiveToken, TokenSource } from '../../main/tokens/bearer.ts';
import { createTokenVerifier } from '../../main/gateway/http/token-verifier.ts';
import type { GatewayServerOptions, RunningGateway } from '../../main/gateway/http/start-gateway-server.ts';
import { startGatewayServer } from '../../main/gateway/http/start-gateway-server.ts';
import { gatewayInfoPath } from '../../main/gateway/http/gateway-info-file.ts';
import { ensureBridgeToken } from '../../main/tokens/bridge-token.ts';

/**
 * A small FAKE GatewayCore (the real one lives in main/gateway/core): one "server" per known prefix, each
 * with an `echo` tool, so the HTTP front can be tested on its own against the seam's interface.
 */
export interface FakeCore extends GatewayCore {
  /** Servers created so far, by era. */
  created: { legacy: number; modern: number };
  /** Core Servers whose connection has closed. */
  closed: number;
  /** Calls of the `slow` tool that saw their request signal abort (client cancelled). */
  aborted: number;
  /** Pushes list_changed the way the real core will: to live session Servers, and to onListChanged listeners. */
  fireToolsChanged(): void;
  /** Adds a tool to every scope (so a re-list after list_changed sees it). */
  addTool(name: string): void;
}

/**
 * A fake core serving `prefixes` (default: "fake"). `fixtures` adds per-server routes whose Server comes
 * from a factory (e.g. the conformance fixture on /mcp/conformance).
 */
export function createFakeCore(
  prefixes: readonly string[] = ['fake'],
  fixtures: Record<string, () => Server> = {},
): FakeCore {
  const listeners = new Set<(change: { tools: boolean; prompts: boolean; resources: boolean }) => void>();
  const liveLegacy = new Set<Server>();
  const extraTools: string[] = [];
  const toolNames = (scope: GatewayScope) => {
    const names = ['echo', 'slow', ...extraTools];
    return scope.kind === 'all' ? prefixes.flatMap((p) => names.map((n) => `${p}__${n}`)) : names;
  };

  const core: FakeCore = {
    created: { legacy: 0, modern: 0 },
    closed: 0,
    aborted: 0,
    async callTool() {
      throw new Error('the fake core serves MCP sessions only');
    },
    createServer(scope: GatewayScope, era: ProtocolEra) {
      core.created[era] += 1;
      const fixture = scope.kind === 'server' ? fixtures[scope.prefix] : undefined;
      if (fixture) return fixture();
      const server = new Server(
        { name: 'fake-core', version: '1.0.0' },
        { capabilities: { tools: { listChanged: true }, logging: {} } },
      );
      server.setRequestHandler('tools/list', async () => ({
        tools: toolNames(scope).map((name) => ({
          name,
          description: 'Echoes its text',
          inputSchema: { type: 'object', properties: { text: { type: 'string' } } },
        })),
      }));
      server.setRequestHandler('tools/call', async (request, ctx): Promise<CallToolResult> => {
        if (request.params.name.endsWith('slow')) {
          // Waits until cancelled (or 10 s), so tests can see cancellation reach the core.
          await new Promise<void>((resolve) => {
            const timer = setTimeout(resolve, 10_000);
            ctx.mcpReq.signal.addEventListener('abort', () => {
              clearTimeout(timer);
              core.aborted += 1;
              resolve();
            });
          });
          return { content: [{ type: 'text', text: 'slow done' }] };
        }
        const token = ctx.mcpReq._meta?.progressToken;
        if (token !== undefined) {
          await ctx.mcpReq.notify({
            method: 'notifications/progress',
            params: { progressToken: token, progress: 1, total: 1 },
          });
        }
        const text = String((request.params.arguments as { text?: unknown } | undefined)?.text ?? '');
        const where = scope.kind === 'all' ? 'all' : `server:${scope.prefix}`;
        return {
          content: [
            {
              type: 'text',
              text: `${request.params.name}(${text}) era=${era} scope=${where} caller=${scope.caller.clientName}`,
            },
          ],
        };
      });
      if (era === 'legacy') {
        liveLegacy.add(server);
        server.onclose = () => {
          liveLegacy.delete(server);
          core.closed += 1;
        };
      }
      return server;
    },
    hasServer: (prefix) => prefixes.includes(prefix) || Object.hasOwn(fixtures, prefix),
    onListChanged(listener) {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    fireToolsChanged() {
      for (const server of liveLegacy) void server.sendToolListChanged().catch(() => {});
      for (const listener of listeners) listener({ tools: true, prompts: false, resources: false });
    },
    addTool(name) {
      extraTools.push(name);
    },
    async close() {},
  };
  return core;
}

/** An in-memory token source with one client token; returns the token in clear for tests. */
export function createMemoryTokens(name = 'test-client'): {
  source: TokenSource;
  token: string;
  used: number[];
} {
  const token = generateToken();
  const tokens: ActiveToken[] = [{ id: 1, name, hash: hashToken(token) }];
  const used: number[] = [];
  return {
    token,
    used,
    source: { activeTokens: () => tokens, markUsed: (id) => void used.push(id) },
  };
}

export interface TestGateway {
  gateway: RunningGateway;
  core: FakeCore;
  /** A valid client token. */
  token: string;
  /** The bridge token the verifier accepts. */
  bridgeToken: string;
  /** http://127.0.0.1:PORT */
  origin: string;
  /** `${origin}/mcp` */
  url: string;
  port: number;
  close(): Promise<void>;
}

/**
 * Starts the real HTTP front on 127.0.0.1:0 over a fake core. With `dataDir`, it behaves like the hub's
 * gateway for that data directory: bridge token file and gateway.json (what `switchboard bridge` reads).
 */
export async function startTestGateway(
  overrides: Partial<GatewayServerOptions> & { core?: FakeCore; log?: Logger; dataDir?: string } = {},
): Promise<TestGateway> {
  const { dataDir, ...rest } = overrides;
  const core = overrides.core ?? createFakeCore();
  const { source, token } = createMemoryTokens();
  const bridgeToken = dataDir === undefined ? generateToken() : ensureBridgeToken(dataDir);
  const gateway = await startGatewayServer({
    port: 0,
    log: silentLogger,
    tokens: createTokenVerifier({ source, bridgeToken }),
    ...(dataDir !== undefined && { infoFile: gatewayInfoPath(dataDir) }),
    ...rest,
    core,
  });
  const origin = `http://127.0.0.1:${gateway.port}`;
  return {
    gateway,
    core,
    token,
    bridgeToken,
    origin,
    url: `${origin}/mcp`,
    port: gateway.port,
    close: () => gateway.close(),
  };
}
