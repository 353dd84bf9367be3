/**
 * Two small pieces for a child's output streams: a splitter that turns chunks into lines (a line may span
 * chunks; a runaway line without newline is cut so it cannot eat memory), and a bounded ring of recent lines
 * (stderr per server, shown in the UI and `switchboard doctor`).
 */

export interface LineSplitter {
  /** Feeds a chunk; returns the complete lines it finished (without the newline). */
  push(chunk: Buffer | string): string[];
  /** Returns what is left after the stream ended. */
  end(): string[];
}

/** Splits a byte stream into UTF-8 lines; lines longer than `maxLineBytes` are emitted in pieces. */
export function createLineSplitter(maxLineBytes = 16 * 1024 * 1024): LineSplitter {
  let pending: Buffer = Buffer.alloc(0);
  return {
    push(chunk) {
      pending = pending.length === 0 ? Buffer.from(chunk) : Buffer.concat([pending, Buffer.from(chunk)]);
      const lines: string[] = [];
      let newline: number;
      while ((newline = pending.indexOf(0x0a)) !== -1) {
        lines.push(pending.toString('utf8', 0, newline).replace(/\r$/, ''));
        pending = pending.subarray(newline + 1);
      }
      while (pending.length > maxLineBytes) {
        lines.push(pending.toString('utf8', 0, maxLineBytes));
        pending = pending.subarray(maxLineBytes);
      }
      return lines;
    },
    end() {
      const rest = pending.length > 0 ? [pending.toString('utf8').replace(/\r$/, '')] : [];
      pending = Buffer.alloc(0);
      return rest;
    },
  };
}

export interface RingLine {
  /** Epoch milliseconds when the line arrived. */
  at: number;
  text: string;
}

export interface LineRing {
  push(line: RingLine): void;
  /** The kept lines, oldest first. */
  lines(): RingLine[];
  clear(): void;
}

/** Keeps the last `capacity` lines, each cut to `maxLineLength` characters. */
export function createLineRing(capacity = 500, maxLineLength = 2000): LineRing {
  const items: RingLine[] = [];
  let start = 0;
  return {
    push(line) {
      const text = line.text.length > maxLineLength ? `${line.text.slice(0, maxLineLength)}…` : line.text;
      if (items.length < capacity) items.push({ at: line.at, text });
      else {
        items[start] = { at: line.at, text };
        start = (start + 1) % capacity;
      }
    },
    lines() {
      return [...items.slice(start), ...items.slice(0, start)];
    },
    clear() {
      items.length = 0;
      start = 0;
    },
  };
}
