// The toolbar icon, drawn in code and encoded as PNG (no binary files in the repository):
// a rounded square with a magnifier-like ring and a wavy underline, at any size.

import { zlibSync } from "fflate";

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(bytes) {
  let c = 0xffffffff;
  for (const b of bytes) c = CRC_TABLE[(c ^ b) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const out = new Uint8Array(12 + data.length);
  const view = new DataView(out.buffer);
  view.setUint32(0, data.length);
  out.set(new TextEncoder().encode(type), 4);
  out.set(data, 8);
  view.setUint32(8 + data.length, crc32(out.subarray(4, 8 + data.length)));
  return out;
}

export function encodePng(size, rgba) {
  const raw = new Uint8Array(size * (size * 4 + 1));
  for (let y = 0; y < size; y++) {
    raw[y * (size * 4 + 1)] = 0; // filter: none
    raw.set(rgba.subarray(y * size * 4, (y + 1) * size * 4), y * (size * 4 + 1) + 1);
  }
  const header = new Uint8Array(13);
  const hv = new DataView(header.buffer);
  hv.setUint32(0, size);
  hv.setUint32(4, size);
  header.set([8, 6, 0, 0, 0], 8); // 8-bit RGBA
  const parts = [Uint8Array.from([137, 80, 78, 71, 13, 10, 26, 10]), chunk("IHDR", header),
    chunk("IDAT", zlibSync(raw)), chunk("IEND", new Uint8Array(0))];
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** RGBA pixels of the icon at `size` (4x4 supersampled). */
export function drawIcon(size) {
  const px = new Uint8Array(size * size * 4);
  const S = 4;
  const bg = [201, 42, 42];
  const fg = [255, 255, 255];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let cover = 0;
      let ink = 0;
      for (let sy = 0; sy < S; sy++) {
        for (let sx = 0; sx < S; sx++) {
          const u = (x + (sx + 0.5) / S) / size; // 0..1
          const v = (y + (sy + 0.5) / S) / size;
          const r = 0.2; // rounded square
          const dx = Math.max(Math.abs(u - 0.5) - (0.5 - r), 0);
          const dy = Math.max(Math.abs(v - 0.5) - (0.5 - r), 0);
          if (dx * dx + dy * dy > r * r) continue;
          cover++;
          const ring = Math.hypot(u - 0.5, v - 0.42);
          const wave = 0.78 + 0.045 * Math.sin((u - 0.18) * Math.PI * 6);
          const inRing = ring > 0.17 && ring < 0.27;
          const inWave = u > 0.18 && u < 0.82 && Math.abs(v - wave) < 0.05;
          if (inRing || inWave) ink++;
        }
      }
      const i = (y * size + x) * 4;
      const a = cover / (S * S);
      const t = cover ? ink / cover : 0;
      for (let c = 0; c < 3; c++) px[i + c] = Math.round(bg[c] * (1 - t) + fg[c] * t);
      px[i + 3] = Math.round(a * 255);
    }
  }
  return px;
}

export function iconPng(size) {
  return encodePng(size, drawIcon(size));
}
