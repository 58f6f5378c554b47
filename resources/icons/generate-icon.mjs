#!/usr/bin/env node
// Draws resources/icons/icon.png (512×512 RGBA): a white video camera with a red light on a blue
// rounded square.
// No dependencies (node:zlib only) and deterministic, so the committed PNG can be re-created exactly:
//   node resources/icons/generate-icon.mjs
// electron-builder derives the Windows .ico, the macOS .icns and the Linux sizes from this file.
import { writeFileSync } from 'node:fs';
import { deflateSync } from 'node:zlib';

const SIZE = 512;
const SAMPLES = 4; // 4×4 supersampling for smooth edges

function inRoundedRect(x, y, left, top, right, bottom, radius) {
  if (x < left || x > right || y < top || y > bottom) return false;
  const cx = Math.min(Math.max(x, left + radius), right - radius);
  const cy = Math.min(Math.max(y, top + radius), bottom - radius);
  return (x - cx) ** 2 + (y - cy) ** 2 <= radius ** 2;
}

/** Convex polygon, points in clockwise order (y down). */
function inConvexPolygon(x, y, points) {
  for (let i = 0; i < points.length; i += 1) {
    const [x1, y1] = points[i];
    const [x2, y2] = points[(i + 1) % points.length];
    if ((x2 - x1) * (y - y1) - (y2 - y1) * (x - x1) < 0) return false;
  }
  return true;
}

const LENS = [
  [326, 236],
  [398, 190],
  [398, 322],
  [326, 276],
];

/** Colour of one sample point, or null outside the icon. */
function sample(x, y) {
  if (!inRoundedRect(x, y, 32, 32, 480, 480, 100)) return null;
  // A red "on air" light on the camera body.
  if ((x - 152) ** 2 + (y - 216) ** 2 <= 15 ** 2) return [218, 37, 29];
  const camera = inRoundedRect(x, y, 114, 180, 318, 332, 30) || inConvexPolygon(x, y, LENS);
  if (camera) return [255, 255, 255];
  // Vertical gradient #1e6fd9 → #0b3d91.
  const t = (y - 32) / 448;
  return [Math.round(30 + (11 - 30) * t), Math.round(111 + (61 - 111) * t), Math.round(217 + (145 - 217) * t)];
}

const rows = Buffer.alloc(SIZE * (SIZE * 4 + 1));
for (let py = 0; py < SIZE; py += 1) {
  const rowStart = py * (SIZE * 4 + 1);
  rows[rowStart] = 0; // filter: none
  for (let px = 0; px < SIZE; px += 1) {
    let r = 0;
    let g = 0;
    let b = 0;
    let covered = 0;
    for (let sy = 0; sy < SAMPLES; sy += 1) {
      for (let sx = 0; sx < SAMPLES; sx += 1) {
        const colour = sample(px + (sx + 0.5) / SAMPLES, py + (sy + 0.5) / SAMPLES);
        if (colour === null) continue;
        r += colour[0];
        g += colour[1];
        b += colour[2];
        covered += 1;
      }
    }
    const offset = rowStart + 1 + px * 4;
    if (covered > 0) {
      rows[offset] = Math.round(r / covered);
      rows[offset + 1] = Math.round(g / covered);
      rows[offset + 2] = Math.round(b / covered);
      rows[offset + 3] = Math.round((255 * covered) / (SAMPLES * SAMPLES));
    }
  }
}

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k += 1) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let crc = 0xffffffff;
  for (const byte of buffer) crc = CRC_TABLE[(crc ^ byte) & 0xff] ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

const header = Buffer.alloc(13);
header.writeUInt32BE(SIZE, 0);
header.writeUInt32BE(SIZE, 4);
header[8] = 8; // bit depth
header[9] = 6; // RGBA
header[10] = 0; // deflate
header[11] = 0; // adaptive filtering
header[12] = 0; // no interlace

const png = Buffer.concat([
  Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
  chunk('IHDR', header),
  chunk('IDAT', deflateSync(rows, { level: 9 })),
  chunk('IEND', Buffer.alloc(0)),
]);

const target = new URL('./icon.png', import.meta.url);
writeFileSync(target, png);
console.log(`wrote ${target.pathname} (${png.length} bytes)`);
