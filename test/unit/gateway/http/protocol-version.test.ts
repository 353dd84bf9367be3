import { describe, expect, it } from 'vitest';
import {
  checkLegacyProtocolVersion,
  LEGACY_PROTOCOL_VERSIONS,
} from '../../../../main/gateway/http/protocol-version.ts';

describe('checkLegacyProtocolVersion', () => {
  it('assumes 2025-03-26 when the header is absent', () => {
    expect(checkLegacyProtocolVersion(null)).toEqual({ ok: true, version: '2025-03-26', assumed: true });
    expect(checkLegacyProtocolVersion(undefined)).toEqual({ ok: true, version: '2025-03-26', assumed: true });
  });
  it.each(['2024-11-05', '2025-03-26', '2025-06-18', '2025-11-25'])('accepts %s', (version) => {
    expect(checkLegacyProtocolVersion(version)).toEqual({ ok: true, version, assumed: false });
  });
  it('covers the SDK list', () => {
    expect(LEGACY_PROTOCOL_VERSIONS).toContain('2025-11-25');
  });
  it.each(['', '1999-01-01', '2026-07-28', 'latest', '2025-11-25, 2025-06-18', 'x'.repeat(1000)])(
    'rejects %s with the supported list',
    (value) => {
      const verdict = checkLegacyProtocolVersion(value);
      expect(verdict.ok).toBe(false);
      if (!verdict.ok) {
        expect(verdict.message).toMatch(/Unsupported protocol version/);
        expect(verdict.message).toContain('2025-11-25');
        expect(verdict.message.length).toBeLessThan(400);
      }
    },
  );
});
