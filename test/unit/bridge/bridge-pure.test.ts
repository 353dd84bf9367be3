import { describe, expect, it } from 'vitest';
import { SdkError, SdkErrorCode, SdkHttpError } from '@modelcontextprotocol/client';
import { backoffDelays } from '../../../main/bridge/backoff.ts';
import { errorText, isNetworkError, sessionGone } from '../../../main/bridge/bridge-relay.ts';
import { DEFAULT_GATEWAY_PORT } from '../../../main/bridge/bridge-target.ts';
import { bridgeLaunchCommand } from '../../../main/bridge/launch-command.ts';
import { SETTINGS } from '../../../main/registry/settings-repository.ts';

describe('backoffDelays', () => {
  it('grows, caps, and stays within the total', () => {
    const delays = backoffDelays({ totalMs: 10_000, initialMs: 100, maxMs: 2_000 });
    expect(delays.slice(0, 6)).toEqual([100, 200, 400, 800, 1600, 2000]);
    expect(delays.reduce((a, b) => a + b, 0)).toBe(10_000);
    expect(Math.max(...delays)).toBe(2_000);
  });
  it('is empty for a zero budget, and bounded for a large one', () => {
    expect(backoffDelays({ totalMs: 0 })).toEqual([]);
    expect(backoffDelays({ totalMs: 3_600_000 }).length).toBeLessThan(2_000);
  });
});

describe('relay error helpers', () => {
  const http = (status: number, text?: string) =>
    new SdkHttpError(SdkErrorCode.ClientHttpNotImplemented, 'x', {
      status,
      statusText: '',
      text,
    });
  it('recognises "nothing listens" errors from fetch', () => {
    expect(
      isNetworkError(Object.assign(new TypeError('fetch failed'), { cause: { code: 'ECONNREFUSED' } })),
    ).toBe(true);
    expect(isNetworkError(Object.assign(new Error('x'), { code: 'ECONNRESET' }))).toBe(true);
    expect(isNetworkError(http(500))).toBe(false);
    expect(isNetworkError(new SdkError(SdkErrorCode.RequestTimeout, 'slow'))).toBe(false);
    expect(isNetworkError('nope')).toBe(false);
  });
  it('recognises a lost session on POST and on GET-stream reconnects', () => {
    expect(sessionGone(http(404))).toBe(true);
    expect(sessionGone(http(400))).toBe(false);
    expect(
      sessionGone(new Error('Failed to reconnect SSE stream: Failed to open SSE stream: Not Found')),
    ).toBe(true);
    expect(sessionGone(new Error('Maximum reconnection attempts (2) exceeded.'))).toBe(false);
  });
  it("shows the gateway's own message when the body has one", () => {
    expect(
      errorText(
        http(
          404,
          JSON.stringify({
            jsonrpc: '2.0',
            error: { code: -32000, message: 'Not Found: no server' },
            id: null,
          }),
        ),
      ),
    ).toBe('Switchboard: Not Found: no server');
    expect(errorText(http(502, '<html>'))).toBe('Switchboard answered HTTP 502');
    expect(errorText(new Error('plain'))).toBe('plain');
  });
});

describe('bridge target and launch command', () => {
  it('uses the same default port as the gateway.port setting', () => {
    expect(DEFAULT_GATEWAY_PORT).toBe(SETTINGS['gateway.port'].default);
  });
  it('launches by absolute path with the app runtime, token never in argv or env', () => {
    const desktop = bridgeLaunchCommand({
      runtime: '/Applications/Switchboard.app/Contents/MacOS/Switchboard',
      cliEntry: '/Applications/Switchboard.app/Contents/Resources/app.asar/out/cli.js',
      dataDir: '/Users/a/Library/Application Support/Switchboard',
      electron: true,
      prefix: 'github',
    });
    expect(desktop).toEqual({
      command: '/Applications/Switchboard.app/Contents/MacOS/Switchboard',
      args: [
        '/Applications/Switchboard.app/Contents/Resources/app.asar/out/cli.js',
        '--data-dir',
        '/Users/a/Library/Application Support/Switchboard',
        'bridge',
        '--server',
        'github',
      ],
      env: { ELECTRON_RUN_AS_NODE: '1' },
    });
    const headless = bridgeLaunchCommand({
      runtime: 'C:\\node\\node.exe',
      cliEntry: 'C:\\sb\\cli.js',
      dataDir: 'C:\\Users\\a\\AppData\\Roaming\\Switchboard',
      electron: false,
    });
    expect(headless.env).toEqual({});
    expect(JSON.stringify(headless)).not.toMatch(/sbt_/);
  });
  it('refuses relative paths (a client would resolve them against its own cwd)', () => {
    expect(() =>
      bridgeLaunchCommand({ runtime: 'node', cliEntry: '/x/cli.js', dataDir: '/d', electron: false }),
    ).toThrow(/absolute/);
  });
});
