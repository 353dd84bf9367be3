/**
 * Writes the app and tray icons as PNGs (run once: `node build/scripts/generate-icons.ts`; the PNGs are
 * committed). Drawn in code so no design tool is needed: a dark rounded square with a "switchboard" of
 * three patch cords for the app, a coloured status dot for each tray state.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import zlib from 'node:zlib';

type Rgba = [number, number, number, number];
type Shader = (x: number, y: number) => Rgba;

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});
function crc32(bytes: Buffer): number {
  let c = 0xffffffff;
  for (const b of bytes) c = (CRC_TABLE[(c ^ b) & 0xff] as number) ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}
function chunk(type: string, data: Buffer): Buffer {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(body));
  return Buffer.concat([length, body, crc]);
}

/** An RGBA PNG of `size`×`size`, each pixel supersampled 4× for smooth edges. */
export function png(size: number, shade: Shader): Buffer {
  const raw = Buffer.alloc(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0;
    for (let x = 0; x < size; x++) {
      const acc = [0, 0, 0, 0];
      for (let sy = 0; sy < 4; sy++) {
        for (let sx = 0; sx < 4; sx++) {
          const [r, g, b, a] = shade((x + (sx + 0.5) / 4) / size, (y + (sy + 0.5) / 4) / size);
          acc[0]! += r * a;
          acc[1]! += g * a;
          acc[2]! += b * a;
          acc[3]! += a;
        }
      }
      const o = y * (size * 4 + 1) + 1 + x * 4;
      const alpha = acc[3]! / 16;
      raw[o] = alpha ? Math.round(acc[0]! / acc[3]!) : 0;
      raw[o + 1] = alpha ? Math.round(acc[1]! / acc[3]!) : 0;
      raw[o + 2] = alpha ? Math.round(acc[2]! / acc[3]!) : 0;
      raw[o + 3] = Math.round(alpha);
    }
  }
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // RGBA
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', zlib.deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

const CLEAR: Rgba = [0, 0, 0, 0];
const inRoundedSquare = (x: number, y: number, r: number) => {
  const dx = Math.max(Math.abs(x - 0.5) - (0.5 - r), 0);
  const dy = Math.max(Math.abs(y - 0.5) - (0.5 - r), 0);
  return dx * dx + dy * dy <= r * r;
};
const near = (x: number, y: number, cx: number, cy: number, r: number) =>
  (x - cx) ** 2 + (y - cy) ** 2 <= r * r;

/** The app icon: three jacks on the left patched to three on the right. */
const appIcon: Shader = (x, y) => {
  const u = (x - 0.06) / 0.88;
  const v = (y - 0.06) / 0.88;
  if (u < 0 || u > 1 || v < 0 || v > 1 || !inRoundedSquare(u, v, 0.22)) return CLEAR;
  const rows = [0.3, 0.5, 0.7];
  const colors: Rgba[] = [
    [52, 211, 153, 255],
    [96, 165, 250, 255],
    [251, 191, 36, 255],
  ];
  for (let i = 0; i < 3; i++) {
    const from = rows[i]!;
    const to = rows[(i + 1) % 3]!;
    if (near(u, v, 0.25, from, 0.06) || near(u, v, 0.75, to, 0.06)) return colors[i]!;
    if (u > 0.25 && u < 0.75) {
      const t = (u - 0.25) / 0.5;
      const s = t * t * (3 - 2 * t);
      if (Math.abs(v - (from + (to - from) * s)) < 0.022) return colors[i]!;
    }
  }
  return [30, 41, 59, 255];
};

const dot =
  (color: Rgba): Shader =>
  (x, y) => {
    if (near(x, y, 0.5, 0.5, 0.42)) return near(x, y, 0.5, 0.5, 0.34) ? color : [255, 255, 255, 230];
    return CLEAR;
  };
const TRAY: Record<string, Rgba> = {
  ok: [22, 163, 74, 255],
  attention: [217, 119, 6, 255],
  error: [220, 38, 38, 255],
};

const buildDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
if (process.argv[1] && path.resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  fs.writeFileSync(path.join(buildDir, 'icon.png'), png(512, appIcon));
  for (const [state, color] of Object.entries(TRAY)) {
    fs.writeFileSync(path.join(buildDir, 'tray', `tray-${state}.png`), png(16, dot(color)));
    fs.writeFileSync(path.join(buildDir, 'tray', `tray-${state}@2x.png`), png(32, dot(color)));
  }
  process.stdout.write('icons written\n');
}
