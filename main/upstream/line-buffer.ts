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

/**
 * Splits a byte stream into UTF-8 lines; lines longer than `maxLineBytes` are emitted in pieces. The unfinished
 * line is kept as a list of chunks and joined once, when it ends: joining at every chunk copied the whole line
 * again each time (a 16 MiB line cost seconds of CPU). Lines are decoded whole, so a character split across
 * chunks stays whole.
 */
export function createLineSplitter(maxLineBytes = 16 * 1024 * 1024): LineSplitter {
  let parts: Buffer[] = [];
  let partsBytes = 0;
  /** The unfinished line with `tail` appended, and an empty one from then on. */
  const take = (tail: Buffer): Buffer => {
    const whole = parts.length === 0 ? tail : Buffer.concat([...parts, tail], partsBytes + tail.length);
    parts = [];
    partsBytes = 0;
    return whole;
  };
  const keep = (piece: Buffer) => {
    if (piece.length === 0) return;
    parts.push(piece);
    partsBytes += piece.length;
  };
  return {
    push(chunk) {
      let rest = typeof chunk === 'string' ? Buffer.from(chunk) : chunk;
      const lines: string[] = [];
      let newline: number;
      while ((newline = rest.indexOf(0x0a)) !== -1) {
        lines.push(take(rest.subarray(0, newline)).toString('utf8').replace(/\r$/, ''));
        rest = rest.subarray(newline + 1);
      }
      keep(rest);
      while (partsBytes > maxLineBytes) {
        const whole = take(Buffer.alloc(0));
        lines.push(whole.toString('utf8', 0, maxLineBytes));
        keep(whole.subarray(maxLineBytes));
      }
      return lines;
    },
    end() {
      const whole = take(Buffer.alloc(0));
      return whole.length > 0 ? [whole.toString('utf8').replace(/\r$/, '')] : [];
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
