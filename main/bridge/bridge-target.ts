import { readBridgeToken } from '../tokens/bridge-token.ts';
import { gatewayInfoPath, readGatewayInfo } from '../gateway/http/gateway-info-file.ts';
import { readConfiguredPort } from './configured-port.ts';

/**
 * The gateway's default port, as in the registry's `gateway.port` setting. Duplicated (and checked equal
 * by a test) so the bridge's usual start never loads SQLite: it starts inside AI clients and must start fast.
 */
export const DEFAULT_GATEWAY_PORT = 17517;

export interface BridgeTargetOptions {
  dataDir: string;
  /**
   * An explicit port (`--port`); otherwise the running gateway's info file, else the data directory's
   * `gateway.port` setting (where a hub started later will listen), else the default.
   */
  port?: number;
  /** Relay to `/mcp/<prefix>` (one server, original names) instead of `/mcp`. */
  prefix?: string;
}

/** Where the bridge connects and with which token; both are re-read on every (re)connection. */
export interface BridgeTarget {
  /** The port now (the hub may have restarted on another port). */
  port(): number;
  /** The endpoint URL now. */
  url(): URL;
  /** The bridge token now; undefined while the hub has never run in this data directory. */
  token(): string | undefined;
}

/** Resolves the bridge's endpoint and token from the data directory. */
export function createBridgeTarget(options: BridgeTargetOptions): BridgeTarget {
  const infoFile = gatewayInfoPath(options.dataDir);
  const port = () =>
    options.port ??
    readGatewayInfo(infoFile)?.port ??
    readConfiguredPort(options.dataDir) ??
    DEFAULT_GATEWAY_PORT;
  return {
    port,
    url() {
      const path = options.prefix === undefined ? '/mcp' : `/mcp/${encodeURIComponent(options.prefix)}`;
      return new URL(`http://127.0.0.1:${port()}${path}`);
    },
    token: () => readBridgeToken(options.dataDir),
  };
}
