import type http from 'node:http';

/** How long a refused client has to read its answer before the connection is closed under it. */
export const LINGER_MS = 1000;

/**
 * Makes the connection of a refused request close in stages (RFC 9112 §9.6), so that a client still sending
 * its body reads the refusal. Closed at once with the client's bytes unread, the socket makes the kernel answer
 * with RST, and a client that had not yet read the 413 loses it: it sees EPIPE or "socket hang up" instead.
 * So: the rest of the body is left unread (the client's sends block while it reads the answer), the answer
 * goes out followed by FIN, and the socket closes once the client closes it, or LINGER_MS later.
 *
 * Call it before answering with `connection: close`.
 */
export function closeInStages(outgoing: http.ServerResponse): void {
  const { req: incoming, socket } = outgoing;
  if (!socket) return;
  incoming.pause();
  // read(0) counts as reading the body: Node then leaves the rest unread instead of draining it at full
  // speed once the answer is out (`_http_server.js` resOnFinish dumps a body nobody started to read).
  incoming.read(0);
  // After a `connection: close` answer Node calls the socket's destroySoon(): this socket's is the staged close.
  socket.destroySoon = () => {
    socket.end();
    const timer = setTimeout(() => socket.destroy(), LINGER_MS);
    timer.unref();
    socket.once('close', () => clearTimeout(timer));
  };
}
