#!/usr/bin/env node
// Draws the Echo Workstation icons and writes them as PNG with nothing but node:zlib, so they can be regenerated
// anywhere: `node build/make-icons.mjs`. The mark: a source dot with three echo arcs fading out to the right,
// teal/cyan on a dark rounded square. electron-builder derives .ico/.icns from build/icon.png.
//   build/icon.png                 1024×1024  app icon (installers, dock, taskbar)
//   resources/icon.png             256×256    window icon at run time (Windows, Linux)
//   resources/tray.png, @2x        16, 32     tray icon (Windows, Linux): the mark alone, in colour
//   resources/trayTemplate.png, @2x 16, 32    macOS menu bar: black + alpha, tinted by the system
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { deflateSync } from 'node:zlib';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');

// ---- PNG encoding (RGBA, 8 bits per channel) -------------------------------------------------------------

const CRC_TABLE = Array.from({ length: 256 }, (_, n) => {
  let c = n;
  for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
  return c >>> 0;
});

function crc32(buffer) {
  let c = 0xffffffff;
  for (const byte of buffer) c = CRC_TABLE[(c ^ byte) & 0xff] ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

function chunk(type, data) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(data.length);
  const typeAndData = Buffer.concat([Buffer.from(type, 'ascii'), data]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32(typeAndData));
  return Buffer.concat([length, typeAndData, crc]);
}

export function encodePng(size, rgba) {
  const header = Buffer.alloc(13);
  header.writeUInt32BE(size, 0);
  header.writeUInt32BE(size, 4);
  header[8] = 8; // bit depth
  header[9] = 6; // colour type RGBA
  const stride = size * 4;
  const raw = Buffer.alloc((stride + 1) * size);
  for (let y = 0; y < size; y++) {
    raw[y * (stride + 1)] = 0; // filter: none
    rgba.copy(raw, y * (stride + 1) + 1, y * stride, (y + 1) * stride);
  }
  return Buffer.concat([
    Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
    chunk('IHDR', header),
    chunk('IDAT', deflateSync(raw, { level: 9 })),
    chunk('IEND', Buffer.alloc(0)),
  ]);
}

// ---- Shapes as signed distance functions (units: fraction of the canvas; negative = inside) -----------------

const roundedSquare = (margin, radius) => (x, y) => {
  const half = 0.5 - margin - radius;
  const qx = Math.abs(x - 0.5) - half;
  const qy = Math.abs(y - 0.5) - half;
  return Math.hypot(Math.max(qx, 0), Math.max(qy, 0)) + Math.min(Math.max(qx, qy), 0) - radius;
};

const circle = (cx, cy, r) => (x, y) => Math.hypot(x - cx, y - cy) - r;

/** A ring segment around (cx, cy) opening to the right, ±span radians, with round caps. */
const arc = (cx, cy, r, halfWidth, span) => (x, y) => {
  const px = x - cx;
  const py = y - cy;
  if (Math.abs(Math.atan2(py, px)) <= span) return Math.abs(Math.hypot(px, py) - r) - halfWidth;
  const ex = r * Math.cos(span);
  const ey = r * Math.sin(span) * Math.sign(py || 1);
  return Math.hypot(px - ex, py - ey) - halfWidth;
};

const hex = (value) => [1, 3, 5].map((i) => parseInt(value.slice(i, i + 2), 16) / 255);
const mix = (a, b, t) => a.map((v, i) => v + (b[i] - v) * t);

// ---- Rendering: layers composited with straight alpha, 4×4 supersampling for clean small sizes ------------------

function render(size, layers) {
  const samples = size <= 64 ? 4 : 2;
  const rgba = Buffer.alloc(size * size * 4);
  for (let py = 0; py < size; py++) {
    for (let px = 0; px < size; px++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const x = (px + (sx + 0.5) / samples) / size;
          const y = (py + (sy + 0.5) / samples) / size;
          // Composite this sample's layers over transparent, premultiplied.
          let cr = 0;
          let cg = 0;
          let cb = 0;
          let ca = 0;
          for (const layer of layers) {
            const distancePx = layer.shape(x, y) * size;
            const coverage = Math.min(1, Math.max(0, 0.5 - distancePx * samples));
            if (coverage === 0) continue;
            const [lr, lg, lb] = layer.color(x, y);
            const la = coverage * (layer.alpha ?? 1);
            cr = lr * la + cr * (1 - la);
            cg = lg * la + cg * (1 - la);
            cb = lb * la + cb * (1 - la);
            ca = la + ca * (1 - la);
          }
          r += cr;
          g += cg;
          b += cb;
          a += ca;
        }
      }
      const n = samples * samples;
      const offset = (py * size + px) * 4;
      const alpha = a / n;
      rgba[offset] = alpha ? Math.round(((r / n) / alpha) * 255) : 0;
      rgba[offset + 1] = alpha ? Math.round(((g / n) / alpha) * 255) : 0;
      rgba[offset + 2] = alpha ? Math.round(((b / n) / alpha) * 255) : 0;
      rgba[offset + 3] = Math.round(alpha * 255);
    }
  }
  return rgba;
}

const CYAN = hex('#22d3ee');
const TEAL = hex('#2dd4bf');
const DEEP_TEAL = hex('#14b8a6');
const BG_TOP = hex('#1a2836');
const BG_BOTTOM = hex('#0b1118');
const EDGE = hex('#2b4256');

/** The app icon: the mark on a dark rounded square (macOS grid: 824/1024 artwork, ~185 corner radius). */
function appIconLayers() {
  const margin = 100 / 1024;
  const cx = 0.355;
  const cy = 0.5;
  const span = (52 * Math.PI) / 180;
  const hw = 0.03;
  return [
    { shape: roundedSquare(margin, 0.18), color: () => EDGE },
    { shape: roundedSquare(margin + 0.006, 0.174), color: (_x, y) => mix(BG_TOP, BG_BOTTOM, (y - margin) / (1 - 2 * margin)) },
    { shape: arc(cx, cy, 0.325, hw, span), color: () => DEEP_TEAL, alpha: 0.55 },
    { shape: arc(cx, cy, 0.24, hw, span), color: () => TEAL, alpha: 0.8 },
    { shape: arc(cx, cy, 0.155, hw, span), color: () => CYAN },
    { shape: circle(cx, cy, 0.068), color: () => CYAN },
  ];
}

/**
 * The tray mark: no background, thicker strokes, two arcs, so it stays legible at 16 px. Mid-tone colours,
 * because Windows and Linux taskbars may be light or dark; the echo fades by hue, not by transparency.
 */
function trayLayers(inner, outer = inner) {
  const cx = 0.2;
  const cy = 0.5;
  const span = (42 * Math.PI) / 180;
  const hw = 0.07;
  return [
    { shape: arc(cx, cy, 0.62, hw, span), color: () => outer },
    { shape: arc(cx, cy, 0.38, hw, span), color: () => inner },
    { shape: circle(cx, cy, 0.13), color: () => inner },
  ];
}
const TRAY_CYAN = hex('#06b6d4');
const TRAY_TEAL = hex('#0d9488');
const BLACK = [0, 0, 0];

const outputs = [
  ['build/icon.png', 1024, appIconLayers()],
  ['resources/icon.png', 256, appIconLayers()],
  ['resources/tray.png', 16, trayLayers(TRAY_CYAN, TRAY_TEAL)],
  ['resources/tray@2x.png', 32, trayLayers(TRAY_CYAN, TRAY_TEAL)],
  ['resources/trayTemplate.png', 16, trayLayers(BLACK)],
  ['resources/trayTemplate@2x.png', 32, trayLayers(BLACK)],
];

for (const [file, size, layers] of outputs) {
  const target = join(root, file);
  mkdirSync(dirname(target), { recursive: true });
  writeFileSync(target, encodePng(size, render(size, layers)));
  console.log(`${file}  ${size}×${size}`);
}
