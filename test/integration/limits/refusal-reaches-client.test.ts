import net from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import type { FloodGateway } from './limits-harness.ts';
import { sleep, startFloodGateway } from './limits-harness.ts';

/**
 * A refusal sent while the client is still sending its body reaches the client. CI saw a 400 MiB chunked POST
 * end with no answer at all instead of 413: the gateway closed the socket at once with the client's bytes
 * unread, the kernel answered with RST, and a client that had not yet read the 413 lost it. Here the client
 * goes on sending well past the limit and reads only 300 ms later, as a busy client would.
 */

let gw: FloodGateway | undefined;
afterEach(async () => {
  await gw?.close();
  gw = undefined;
});

/** Sends `head` then `bodyBytes` of body without reading; after `readAfterMs` reads what came back. */
function sendThenReadLate(port: number, head: string, bodyBytes: number, readAfterMs = 300): Promise<string> {
  return new Promise((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.pause();
    socket.on('error', () => {}); // what arrived before an error is the answer (or nothing)
    socket.on('close', () => resolve(Buffer.concat(received).toString('latin1')));
    socket.on('data', (chunk: Buffer) => received.push(chunk));
    socket.write(head);
    const chunk = Buffer.alloc(1024 * 1024, 0x20);
    let sent = 0;
    const pump = () => {
      while (sent < bodyBytes && !socket.destroyed) {
        sent += chunk.length;
        const piece = head.includes('chunked') ? `${chunk.length.toString(16)}\r\n` : '';
        if (piece) socket.write(piece);
        if (!socket.write(piece ? Buffer.concat([chunk, Buffer.from('\r\n')]) : chunk)) {
          socket.once('drain', pump);
          return;
        }
      }
    };
    pump();
    void sleep(readAfterMs).then(() => {
      socket.resume();
      // Enough to read the answer; the client then goes away (as pushBody does).
      setTimeout(() => socket.destroy(), 500);
    });
  });
}

const head = (port: number, lines: string[]) =>
  [`POST /mcp HTTP/1.1`, `host: 127.0.0.1:${port}`, 'content-type: application/json', ...lines, '', ''].join(
    '\r\n',
  );

describe('a refusal reaches a client that is still sending', () => {
  it('413 for a chunked body past the limit', async () => {
    gw = await startFloodGateway();
    const answer = await sendThenReadLate(
      gw.port,
      head(gw.port, [`authorization: Bearer ${gw.tokens.flood}`, 'transfer-encoding: chunked']),
      64 * 1024 * 1024,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toContain('exceeds');
  });

  it('413 for a declared Content-Length past the limit', async () => {
    gw = await startFloodGateway();
    const answer = await sendThenReadLate(
      gw.port,
      head(gw.port, [`authorization: Bearer ${gw.tokens.flood}`, `content-length: ${400 * 1024 * 1024}`]),
      64 * 1024 * 1024,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
  });

  it('403 for a foreign Host, body unread', async () => {
    gw = await startFloodGateway();
    const answer = await sendThenReadLate(
      gw.port,
      head(gw.port, ['transfer-encoding: chunked']).replace(
        `host: 127.0.0.1:${gw.port}`,
        'host: evil.example',
      ),
      64 * 1024 * 1024,
    );
    expect(answer).toMatch(/^HTTP\/1\.1 403 /);
  });
});
