import { describe, expect, it } from 'vitest';
import { inkOf, mnistFromDrawing, SIDE } from './digit';

/** A w×h drawing with the rectangle [x0, x1) × [y0, y1) inked at 255. */
function rect(w: number, h: number, x0: number, y0: number, x1: number, y1: number): Uint8Array {
  const ink = new Uint8Array(w * h);
  for (let y = y0; y < y1; y++) for (let x = x0; x < x1; x++) ink[y * w + x] = 255;
  return ink;
}

function box(img: Uint8Array) {
  let [x0, y0, x1, y1] = [SIDE, SIDE, -1, -1];
  let [mass, cx, cy] = [0, 0, 0];
  for (let y = 0; y < SIDE; y++) {
    for (let x = 0; x < SIDE; x++) {
      const v = img[y * SIDE + x];
      if (v === 0) continue;
      [x0, x1, y0, y1] = [Math.min(x0, x), Math.max(x1, x), Math.min(y0, y), Math.max(y1, y)];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  return { width: x1 - x0 + 1, height: y1 - y0 + 1, cx: cx / mass, cy: cy / mass };
}

describe('mnistFromDrawing', () => {
  it('scales the ink into 20×20, keeping its aspect ratio, and centres its mass', () => {
    // A 100×200 bar in the top-left corner of a 280×280 drawing: 10×20 after scaling, centred.
    const img = mnistFromDrawing(rect(280, 280, 10, 5, 110, 205), 280, 280);
    const b = box(img);
    expect([b.width, b.height]).toEqual([10, 20]);
    expect(b.cx).toBeCloseTo(14, 5);
    expect(b.cy).toBeCloseTo(14, 5);
    expect(Math.max(...img)).toBe(255); // fully inked areas stay fully inked
  });

  it('averages the area each output pixel covers', () => {
    // 200×200 of stripes, every other column inked: each output pixel covers 10 columns, 5 of them ink.
    const ink = new Uint8Array(280 * 280);
    for (let y = 40; y < 240; y++) for (let x = 40; x < 240; x += 2) ink[y * 280 + x] = 255;
    const img = mnistFromDrawing(ink, 280, 280);
    const values = new Set(img.filter((v) => v > 0));
    expect([...values]).toEqual([128]); // 127.5, rounded
    expect(img.filter((v) => v > 0)).toHaveLength(20 * 20);
  });

  it('keeps a shifted mass inside the image', () => {
    // Mass at one end: centring it would push the box off the image; it stops at the border.
    const ink = rect(280, 280, 0, 0, 20, 200);
    for (let y = 0; y < 20; y++) for (let x = 0; x < 200; x++) ink[y * 280 + x] = 255; // an L, heavy on top
    const img = mnistFromDrawing(ink, 280, 280);
    expect(img.length).toBe(SIDE * SIDE);
    const b = box(img);
    expect(b.width).toBeLessThanOrEqual(20);
    expect(b.height).toBeLessThanOrEqual(20);
  });

  it('is all zero without ink, and checks its sizes', () => {
    expect(mnistFromDrawing(new Uint8Array(100), 10, 10).every((v) => v === 0)).toBe(true);
    expect(() => mnistFromDrawing(new Uint8Array(99), 10, 10)).toThrow('99 values for 10×10');
  });

  it('reads the ink from the red channel of RGBA pixels', () => {
    const data = new Uint8ClampedArray([200, 0, 0, 255, 7, 9, 9, 255]);
    expect(Array.from(inkOf({ data, width: 2, height: 1 }))).toEqual([200, 7]);
  });
});
