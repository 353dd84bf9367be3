import { afterEach, describe, expect, it } from 'vitest';
import type { FloodGateway } from './limits-harness.ts';
import { initialize, listOnSession, peakRssGrowthMiB, startFloodGateway } from './limits-harness.ts';

/**
 * Issue 12 item 7: one client token could open all 512 sessions (idle for 30 minutes each, global cap) and lock
 * every other client out. Now each principal holds at most 64; a 65th closes that principal's oldest idle one.
 */

let gw: FloodGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

describe('session flood', () => {
  it('one token opening 600 sessions keeps at most its quota and never locks another client out', async () => {
    gw = await startFloodGateway();
    const g = gw;
    const { result: opened, growthMiB } = await peakRssGrowthMiB(async () => {
      const ids: (string | null)[] = [];
      for (let i = 0; i < 600; i++) {
        const { status, sessionId } = await initialize(g.url, g.tokens.flood);
        expect(status).toBe(200);
        ids.push(sessionId);
      }
      return ids;
    });
    const stats = g.gateway.stats();
    expect(stats.legacySessions).toBeLessThanOrEqual(64);
    // The newest sessions of the flooder work; its oldest were closed to make room (404: re-initialize).
    expect(await listOnSession(g.url, g.tokens.flood, opened.at(-1)!)).toBe(200);
    expect(await listOnSession(g.url, g.tokens.flood, opened[0]!)).toBe(404);
    // Another client still gets a session and is served.
    const other = await initialize(g.url, g.tokens.other);
    expect(other.status).toBe(200);
    expect(await listOnSession(g.url, g.tokens.other, other.sessionId!)).toBe(200);
    expect(growthMiB).toBeLessThan(150);
  }, 180_000);

  it('at the overall cap, the largest holder gives up its oldest idle session for a newcomer', async () => {
    gw = await startFloodGateway({ streamLimits: { maxSessions: 10, maxSessionsPerPrincipal: 10 } });
    const g = gw;
    const flood: string[] = [];
    for (let i = 0; i < 10; i++) flood.push((await initialize(g.url, g.tokens.flood)).sessionId!);
    const other = await initialize(g.url, g.tokens.other);
    expect(other.status).toBe(200);
    expect(g.gateway.stats().legacySessions).toBe(10);
    expect(await listOnSession(g.url, g.tokens.flood, flood[0]!)).toBe(404);
    expect(await listOnSession(g.url, g.tokens.flood, flood[9]!)).toBe(200);
  }, 60_000);
});
