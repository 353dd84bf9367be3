import type http from 'node:http';

/**
 * Request bodies read at the edge, on Node's own objects, COUNTED as they arrive: a declared Content-Length
 * above the limit is refused before one byte is read, and a chunked body is cut off the moment it passes the
 * limit (a 400 MiB POST used to be read whole by the pass-through relay before its size check). A budget shared
 * by every request in flight bounds what all of them hold together.
 */

export type BodyRead = { ok: true; body: Buffer } | { ok: false; reason: 'too-large' | 'busy' | 'aborted' };

/** Bytes of request bodies all requests together may hold at once (default 64 MiB). */
export interface BodyBudget {
  /** Takes `bytes` from the budget; false when that would exceed it. */
  take(bytes: number): boolean;
  give(bytes: number): void;
  readonly inUse: number;
}

export function createBodyBudget(limitBytes: number): BodyBudget {
  let inUse = 0;
  return {
    take(bytes) {
      if (inUse + bytes > limitBytes) return false;
      inUse += bytes;
      return true;
    },
    give(bytes) {
      inUse = Math.max(0, inUse - bytes);
    },
    get inUse() {
      return inUse;
    },
  };
}

/** The declared Content-Length, or undefined (chunked, or absent); NaN when it is not a number. */
export function declaredLength(incoming: http.IncomingMessage): number | undefined {
  const header = incoming.headers['content-length'];
  if (header === undefined) return undefined;
  return /^\d+$/.test(header) ? Number(header) : Number.NaN;
}

/** True when the request carries a body at all (Content-Length > 0 or Transfer-Encoding). */
export function hasBody(incoming: http.IncomingMessage): boolean {
  const length = declaredLength(incoming);
  return (length !== undefined && length !== 0) || incoming.headers['transfer-encoding'] !== undefined;
}

/**
 * Reads the whole body of `incoming`, never holding more than `maxBytes` of it, and charging what it holds to
 * `budget` until the returned `release` is called (when the exchange is over). On `too-large` the rest of the
 * body is left unread: the caller answers 413 and closes the connection.
 */
export function readBody(
  incoming: http.IncomingMessage,
  maxBytes: number,
  budget?: BodyBudget,
): Promise<BodyRead & { release(): void }> {
  let held = 0;
  const release = () => {
    budget?.give(held);
    held = 0;
  };
  const declared = declaredLength(incoming);
  if (declared !== undefined && (Number.isNaN(declared) || declared > maxBytes))
    return Promise.resolve({ ok: false, reason: 'too-large', release });
  if (declared === 0 || (declared === undefined && incoming.headers['transfer-encoding'] === undefined))
    return Promise.resolve({ ok: true, body: Buffer.alloc(0), release });
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let received = 0;
    let settled = false;
    const finish = (outcome: BodyRead) => {
      if (settled) return;
      settled = true;
      incoming.off('data', onData);
      incoming.off('end', onEnd);
      incoming.off('error', onAbort);
      incoming.off('close', onAbort);
      if (!outcome.ok) {
        chunks.length = 0;
        release();
        incoming.pause();
      }
      resolve({ ...outcome, release });
    };
    const onData = (chunk: Buffer) => {
      received += chunk.length;
      if (received > maxBytes) return finish({ ok: false, reason: 'too-large' });
      if (budget && !budget.take(chunk.length)) return finish({ ok: false, reason: 'busy' });
      held += chunk.length;
      chunks.push(chunk);
    };
    const onEnd = () =>
      finish({ ok: true, body: chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks, received) });
    const onAbort = () => finish({ ok: false, reason: 'aborted' });
    incoming.on('data', onData);
    incoming.once('end', onEnd);
    incoming.once('error', onAbort);
    incoming.once('close', onAbort);
  });
}
