import {
  DEFAULT_NEGOTIATED_PROTOCOL_VERSION,
  SUPPORTED_PROTOCOL_VERSIONS,
} from '@modelcontextprotocol/server';

/** The stateless protocol revision the gateway serves next to the session-based ones. */
export const MODERN_PROTOCOL_VERSION = '2026-07-28';

/** Session-era revisions (2024-10-07 … 2025-11-25), as the SDK supports them. */
export const LEGACY_PROTOCOL_VERSIONS: readonly string[] = SUPPORTED_PROTOCOL_VERSIONS;

export type ProtocolVersionVerdict =
  { ok: true; version: string; assumed: boolean } | { ok: false; message: string };

/**
 * Checks the `MCP-Protocol-Version` header of a session-era request: absent means 2025-03-26 (the spec's
 * rule for clients that predate the header); an unknown value is rejected with the supported list.
 */
export function checkLegacyProtocolVersion(header: string | null | undefined): ProtocolVersionVerdict {
  if (header === null || header === undefined) {
    return { ok: true, version: DEFAULT_NEGOTIATED_PROTOCOL_VERSION, assumed: true };
  }
  const value = header.trim();
  if (LEGACY_PROTOCOL_VERSIONS.includes(value)) return { ok: true, version: value, assumed: false };
  const shown = value.length > 40 ? `${value.slice(0, 40)}…` : value;
  return {
    ok: false,
    message:
      `Bad Request: Unsupported protocol version: ${shown} (supported versions: ${LEGACY_PROTOCOL_VERSIONS.join(', ')}; ` +
      `${MODERN_PROTOCOL_VERSION} requests carry their version in params._meta)`,
  };
}
