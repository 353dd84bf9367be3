import { extractWWWAuthenticateParams, LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/client';
import type { FetchLike } from './oauth-http.ts';

/** What an unauthenticated request to the server said about how to authenticate. */
export interface Challenge {
  status: number;
  resourceMetadataUrl?: URL;
  scope?: string;
  error?: string;
}

/**
 * Sends one unauthenticated `initialize` to learn the server's WWW-Authenticate challenge (RFC 9728 §5.1),
 * so a user-started Connect discovers exactly like one triggered by a 401: header first, then the
 * path-inserted well-known URL, then the root one (the SDK's discovery does those two).
 * Network errors yield status 0 and no hints; discovery then falls back to the well-known URLs.
 */
export async function probeChallenge(serverUrl: string, fetchFn: FetchLike): Promise<Challenge> {
  try {
    const response = await fetchFn(serverUrl, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        accept: 'application/json, text/event-stream',
        'mcp-protocol-version': LATEST_PROTOCOL_VERSION,
      },
      body: JSON.stringify({
        jsonrpc: '2.0',
        id: 0,
        method: 'initialize',
        params: {
          protocolVersion: LATEST_PROTOCOL_VERSION,
          capabilities: {},
          clientInfo: { name: 'switchboard-oauth-probe', version: '0' },
        },
      }),
      redirect: 'manual',
    });
    const params = extractWWWAuthenticateParams(response);
    await response.body?.cancel().catch(() => {});
    return {
      status: response.status,
      resourceMetadataUrl: params.resourceMetadataUrl,
      scope: params.scope || undefined,
      error: params.error || undefined,
    };
  } catch {
    return { status: 0 };
  }
}
