// A drawn digit made to look like an MNIST one: MNIST's digits were scaled (keeping their aspect ratio)
// to fit a 20×20 box, anti-aliased, then placed in a 28×28 image with their centre of mass at the
// centre (LeCun et al.). Doing the same to a drawing is what lets the network read it.

/** MNIST's image side and the side of the box a digit is scaled into. */
export const SIDE = 28;
const BOX = 20;

/**
 * 28×28 bytes (0 background, 255 ink) from a drawing of `width`×`height` ink values (0–255, one per
 * pixel): the ink's bounding box scaled into 20×20 with an area average, then shifted so that its
 * centre of mass is at (14, 14). All zero when nothing is drawn.
 *
 * @example
 * const pixels = mnistFromDrawing(inkOf(ctx.getImageData(0, 0, 280, 280)), 280, 280);
 */
export function mnistFromDrawing(
  ink: Uint8Array | Uint8ClampedArray,
  width: number,
  height: number,
): Uint8Array {
  if (ink.length !== width * height)
    throw new Error(`mnistFromDrawing: ${ink.length} values for ${width}×${height}`);
  let [x0, y0, x1, y1] = [width, height, -1, -1];
  for (let y = 0; y < height; y++) {
    for (let x = 0; x < width; x++) {
      if (ink[y * width + x] > 0) {
        x0 = Math.min(x0, x);
        x1 = Math.max(x1, x);
        y0 = Math.min(y0, y);
        y1 = Math.max(y1, y);
      }
    }
  }
  const out = new Uint8Array(SIDE * SIDE);
  if (x1 < 0) return out;
  const bw = x1 - x0 + 1;
  const bh = y1 - y0 + 1;
  const scale = BOX / Math.max(bw, bh);
  const ow = Math.max(1, Math.round(bw * scale));
  const oh = Math.max(1, Math.round(bh * scale));
  // Area average: each output pixel is the mean of the source area it covers (fractional edges weighted).
  const patch = new Float64Array(ow * oh);
  const sx = bw / ow;
  const sy = bh / oh;
  for (let oy = 0; oy < oh; oy++) {
    const ya = y0 + oy * sy;
    const yb = ya + sy;
    for (let ox = 0; ox < ow; ox++) {
      const xa = x0 + ox * sx;
      const xb = xa + sx;
      let sum = 0;
      let area = 0;
      for (let y = Math.floor(ya); y < Math.ceil(yb); y++) {
        const wy = Math.min(yb, y + 1) - Math.max(ya, y);
        for (let x = Math.floor(xa); x < Math.ceil(xb); x++) {
          const w = wy * (Math.min(xb, x + 1) - Math.max(xa, x));
          sum += w * ink[y * width + x];
          area += w;
        }
      }
      patch[oy * ow + ox] = sum / area;
    }
  }
  let mass = 0;
  let cx = 0;
  let cy = 0;
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const v = patch[y * ow + x];
      mass += v;
      cx += v * (x + 0.5);
      cy += v * (y + 0.5);
    }
  }
  // Top-left corner that puts the centre of mass at the image's centre, kept inside the image.
  const left = Math.min(SIDE - ow, Math.max(0, Math.round(SIDE / 2 - cx / mass)));
  const top = Math.min(SIDE - oh, Math.max(0, Math.round(SIDE / 2 - cy / mass)));
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) out[(top + y) * SIDE + left + x] = Math.round(patch[y * ow + x]);
  }
  return out;
}

/** The ink of an RGBA drawing of light strokes on a dark background: its red channel. */
export function inkOf(image: { data: Uint8ClampedArray; width: number; height: number }): Uint8Array {
  const out = new Uint8Array(image.width * image.height);
  for (let i = 0; i < out.length; i++) out[i] = image.data[4 * i];
  return out;
}
