// Draws the tray icons into resources/tray: five states at 1x (16 px) and 2x (32 px), in colour
// and as macOS template images (black with alpha). Each state has its own shape, so the icons
// stay distinct without colour. Run: npx tsx scripts/make-tray-icons.ts
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { crc32, deflateSync } from 'node:zlib';

import { TRAY_ICONS, type TrayIcon } from '../main/tray/tray-model.ts';

const OUTPUT = join(import.meta.dirname, '..', 'resources', 'tray');
/** Drawing coordinates run from 0 to 16 at every scale. */
const GRID = 16;
const SUBSAMPLES = 8;

type Point = [number, number];
type Shape = (x: number, y: number) => boolean;

const RGB: Record<TrayIcon, [number, number, number]> = {
  disconnected: [0x80, 0x86, 0x8f],
  connecting: [0x2f, 0x6f, 0xd6],
  connected: [0x1f, 0x9d, 0x55],
  degraded: [0xd9, 0x8a, 0x00],
  error: [0xd0, 0x31, 0x2d],
};

const disc =
  (center: Point, radius: number): Shape =>
  (x, y) =>
    Math.hypot(x - center[0], y - center[1]) <= radius;

const ring = (center: Point, radius: number, width: number): Shape => {
  const outer = disc(center, radius);
  const inner = disc(center, radius - width);
  return (x, y) => outer(x, y) && !inner(x, y);
};

/** A stroke of `width` along the polyline through `points`, with round ends. */
const stroke =
  (points: Point[], width: number): Shape =>
  (x, y) =>
    points.slice(1).some((end, index) => {
      const start = points[index] as Point;
      return segmentDistance([x, y], start, end) <= width / 2;
    });

const triangle =
  (a: Point, b: Point, c: Point): Shape =>
  (x, y) => {
    const side = (p: Point, q: Point) => (q[0] - p[0]) * (y - p[1]) - (q[1] - p[1]) * (x - p[0]);
    const s1 = side(a, b);
    const s2 = side(b, c);
    const s3 = side(c, a);
    return (s1 >= 0 && s2 >= 0 && s3 >= 0) || (s1 <= 0 && s2 <= 0 && s3 <= 0);
  };

const union =
  (...shapes: Shape[]): Shape =>
  (x, y) =>
    shapes.some((shape) => shape(x, y));

const minus =
  (shape: Shape, hole: Shape): Shape =>
  (x, y) =>
    shape(x, y) && !hole(x, y);

function segmentDistance(point: Point, start: Point, end: Point): number {
  const dx = end[0] - start[0];
  const dy = end[1] - start[1];
  const length = dx * dx + dy * dy;
  const t =
    length === 0
      ? 0
      : Math.max(
          0,
          Math.min(1, ((point[0] - start[0]) * dx + (point[1] - start[1]) * dy) / length),
        );
  return Math.hypot(point[0] - (start[0] + t * dx), point[1] - (start[1] + t * dy));
}

const CENTER: Point = [8, 8];

// Disconnected is an empty ring, and connecting adds three dots to it. Connected is a solid disc
// with a check mark, degraded a warning triangle, and error a ring with a cross.
const SHAPES: Record<TrayIcon, Shape> = {
  disconnected: ring(CENTER, 7, 1.6),
  connecting: union(
    ring(CENTER, 7, 1.6),
    disc([4.9, 8], 1.15),
    disc([8, 8], 1.15),
    disc([11.1, 8], 1.15),
  ),
  connected: minus(
    disc(CENTER, 7.2),
    stroke(
      [
        [4.6, 8.2],
        [7, 10.6],
        [11.4, 5.6],
      ],
      1.9,
    ),
  ),
  degraded: minus(
    triangle([8, 0.8], [15.4, 14.6], [0.6, 14.6]),
    union(
      stroke(
        [
          [8, 5.4],
          [8, 9.6],
        ],
        1.9,
      ),
      disc([8, 12.2], 1.1),
    ),
  ),
  error: union(
    ring(CENTER, 7, 1.6),
    stroke(
      [
        [5.4, 5.4],
        [10.6, 10.6],
      ],
      1.8,
    ),
    stroke(
      [
        [10.6, 5.4],
        [5.4, 10.6],
      ],
      1.8,
    ),
  ),
};

/** Renders a shape to RGBA pixels, anti-aliased by counting covered subsamples. */
function render(shape: Shape, size: number, rgb: [number, number, number]): Buffer {
  const pixels = Buffer.alloc(size * size * 4);
  const scale = GRID / size;
  for (let row = 0; row < size; row++) {
    for (let column = 0; column < size; column++) {
      let covered = 0;
      for (let sy = 0; sy < SUBSAMPLES; sy++) {
        for (let sx = 0; sx < SUBSAMPLES; sx++) {
          const x = (column + (sx + 0.5) / SUBSAMPLES) * scale;
          const y = (row + (sy + 0.5) / SUBSAMPLES) * scale;
          if (shape(x, y)) covered++;
        }
      }
      const offset = (row * size + column) * 4;
      pixels[offset] = rgb[0];
      pixels[offset + 1] = rgb[1];
      pixels[offset + 2] = rgb[2];
      pixels[offset + 3] = Math.round((255 * covered) / (SUBSAMPLES * SUBSAMPLES));
    }
  }
  return pixels;
}

/** Encodes RGBA pixels as a PNG: signature, IHDR, one IDAT with filter 0 rows, IEND. */
function encodePng(pixels: Buffer, size: number): Buffer {
  const chunk = (type: string, data: Buffer) => {
    const length = Buffer.alloc(4);
    length.writeUInt32BE(data.length);
    const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
    const crc = Buffer.alloc(4);
    crc.writeUInt32BE(crc32(body));
    return Buffer.concat([length, body, crc]);
  };

  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bits per channel
  header[9] = 6; // RGBA
  const rows = Buffer.alloc(size * (size * 4 + 1));
  for (let row = 0; row < size; row++) {
    pixels.copy(rows, row * (size * 4 + 1) + 1, row * size * 4, (row + 1) * size * 4);
  }

  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(rows, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

mkdirSync(OUTPUT, { recursive: true });
for (const icon of TRAY_ICONS) {
  for (const [suffix, size] of [
    ['', 16],
    ['@2x', 32],
  ] as const) {
    const colour = encodePng(render(SHAPES[icon], size, RGB[icon]), size);
    // macOS tints template images itself; only their alpha counts. The name must end in Template.
    const template = encodePng(render(SHAPES[icon], size, [0, 0, 0]), size);
    writeFileSync(join(OUTPUT, `${icon}${suffix}.png`), colour);
    writeFileSync(join(OUTPUT, `${icon}Template${suffix}.png`), template);
  }
}
console.log(`Wrote ${TRAY_ICONS.length * 4} tray icons to ${OUTPUT}`);
