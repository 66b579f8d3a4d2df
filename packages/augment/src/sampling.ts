import {
  add,
  cast,
  clipByValue,
  floor,
  gather,
  greaterEqual,
  image,
  lessEqual,
  logicalAnd,
  mirrorPad,
  mul,
  reshape,
  sub,
  type Tensor,
  type Tensor1D,
  type Tensor2D,
  type Tensor4D,
  tensor,
  tensor1d,
} from '@tensorflow/tfjs-core';
import { channelConstant, selectByMask } from './mask';

/**
 * Where each output row (or column) of each sample reads from, along one axis.
 * All arrays are `[batch * outLength]`, sample-major.
 */
export interface AxisMap {
  /** Source index (in range) of the lower neighbour. */
  lo: Int32Array;
  /** Source index of the upper neighbour (bilinear only). */
  hi?: Int32Array;
  /** Weight of `hi`, in [0, 1] (bilinear only). */
  w?: Float32Array;
  /** 0 where the output lies outside the source (filled with the constant), 1 inside. */
  valid?: Uint8Array;
}

/** Boundary handling for integer windows: constant fill, edge replicate, or reflect (no edge repeat). */
export type PadMode = 'zero' | 'constant' | 'edge' | 'reflect';

/**
 * Source index of `s` on an axis of length `n` under `mode`; -1 marks "outside" for constant modes.
 * reflect: ... 2 1 | 0 1 2 ... n-1 | n-2 ... (numpy/torch 'reflect'), valid while |overshoot| < n.
 */
export function mapIndex(s: number, n: number, mode: PadMode): number {
  if (s >= 0 && s < n) return s;
  if (mode === 'edge') return s < 0 ? 0 : n - 1;
  if (mode === 'reflect') {
    if (n === 1) return 0;
    const r = s < 0 ? -s : 2 * (n - 1) - s;
    return Math.min(Math.max(r, 0), n - 1);
  }
  return -1;
}

/** An integer window axis map: output position `k` of sample `b` reads source `start[b] + k`. */
export function windowAxis(start: ArrayLike<number>, outLen: number, n: number, mode: PadMode): AxisMap {
  const batch = start.length;
  const lo = new Int32Array(batch * outLen);
  const valid = new Uint8Array(batch * outLen);
  let anyInvalid = false;
  for (let b = 0; b < batch; b++) {
    for (let k = 0; k < outLen; k++) {
      const s = mapIndex(start[b] + k, n, mode);
      lo[b * outLen + k] = Math.max(s, 0);
      valid[b * outLen + k] = s < 0 ? 0 : 1;
      if (s < 0) anyInvalid = true;
    }
  }
  return anyInvalid ? { lo, valid } : { lo };
}

/** Reverses sample b's output positions in place (a left–right or top–bottom mirror of the output). */
export function mirrorAxis(map: AxisMap, b: number, outLen: number): void {
  for (const arr of [map.lo, map.hi, map.w, map.valid]) arr?.subarray(b * outLen, (b + 1) * outLen).reverse();
}

/**
 * A bilinear axis map that resizes the source span `[start[b], start[b] + len[b])` to `outLen`
 * samples with half-pixel centres (PyTorch `interpolate(mode='bilinear', align_corners=False)`):
 * src = (k + 0.5) * len / outLen - 0.5, clamped below at 0; computed in float64.
 */
export function resizeAxis(start: ArrayLike<number>, len: ArrayLike<number>, outLen: number): AxisMap {
  const batch = start.length;
  const lo = new Int32Array(batch * outLen);
  const hi = new Int32Array(batch * outLen);
  const w = new Float32Array(batch * outLen);
  for (let b = 0; b < batch; b++) {
    const scale = len[b] / outLen;
    for (let k = 0; k < outLen; k++) {
      const src = Math.max((k + 0.5) * scale - 0.5, 0);
      const i0 = Math.min(Math.floor(src), len[b] - 1);
      const i1 = i0 < len[b] - 1 ? i0 + 1 : i0;
      lo[b * outLen + k] = start[b] + i0;
      hi[b * outLen + k] = start[b] + i1;
      w[b * outLen + k] = src - i0;
    }
  }
  return { lo, hi, w };
}

/** Where and how {@link cropWindows} cuts: one window of `size` per image, at (`top[b]`, `left[b]`). */
export interface CropWindows {
  /** Row of each window's first pixel (may be negative or run past the image: padding). */
  top: ArrayLike<number>;
  /** Column of each window's first pixel. */
  left: ArrayLike<number>;
  /** The window's [height, width]. */
  size: readonly [number, number];
  /** What pixels outside the image read: `fill` ('constant') or the reflection ('reflect'). */
  mode: 'constant' | 'reflect';
  /** The constant outside the image (default 0). */
  fill?: number;
  /** Per image: 1 to mirror the window left–right. */
  flip?: Uint8Array;
  /** Per image: 1 to mirror the window top–bottom. */
  flipVertical?: Uint8Array;
}

/**
 * Integer windows of every image, optionally mirrored (`flip`: left–right, `flipVertical`), by nearest-neighbour
 * `image.cropAndResize` — a native kernel on every backend, several times faster than a gather on wasm.
 * Output (b, y, k) copies source pixel (top[b] + y, left[b] + k) (k → w − 1 − k when `flip[b]`);
 * pixels outside the source get `fill` ('constant') or the reflection ('reflect', via one
 * `mirrorPad` of the batch).
 *
 * Numerics: crop_and_resize samples row y at in = y1·(n − 1) + y·Δ and rounds it; a position
 * exactly on the border (0 or n − 1) may land a rounding error outside and be filled. So row r is
 * placed at r·s + 0.1 with s = 1 − 0.2/(n − 1): within 0.1 of r for r in [0, n − 1] (rounds to r,
 * stays inside), and at least 0.1 outside for r = −1 or n (filled). Box errors are ~1e-6.
 *
 * Needs source sides ≥ 2 and a scalar fill (callers fall back to `sampleSeparable` otherwise).
 * Shapes: [B, H, W, C] → [B, h, w, C]. Call inside `tidy`.
 */
export function cropWindows(x: Tensor4D, windows: CropWindows): Tensor4D {
  const { top, left, mode, fill = 0, flip, flipVertical } = windows;
  const [h, w] = windows.size;
  const B = x.shape[0];
  let src: Tensor4D = x;
  let dy = 0;
  let dx = 0;
  if (mode === 'reflect') {
    for (let b = 0; b < B; b++) {
      dy = Math.max(dy, -top[b], top[b] + h - x.shape[1]);
      dx = Math.max(dx, -left[b], left[b] + w - x.shape[2]);
    }
    if (dy > 0 || dx > 0) {
      src = mirrorPad(
        x,
        [
          [0, 0],
          [dy, dy],
          [dx, dx],
          [0, 0],
        ],
        'reflect',
      );
    }
  }
  const [, H, W] = src.shape;
  if (H < 2 || W < 2) throw new Error('cropWindows: source sides must be >= 2');
  const sy = 1 - 0.2 / (H - 1);
  const sx = 1 - 0.2 / (W - 1);
  const boxes = new Float32Array(B * 4);
  for (let b = 0; b < B; b++) {
    const t = top[b] + dy;
    const l = left[b] + dx;
    const y1 = (t * sy + 0.1) / (H - 1);
    const y2 = h > 1 ? ((t + h - 1) * sy + 0.1) / (H - 1) : y1;
    let x1 = (l * sx + 0.1) / (W - 1);
    let x2 = w > 1 ? ((l + w - 1) * sx + 0.1) / (W - 1) : x1;
    let [r1, r2] = [y1, y2];
    // A box with x1 > x2 (y1 > y2) samples its columns (rows) backwards: the mirrored window.
    if (flip?.[b]) [x1, x2] = [x2, x1];
    if (flipVertical?.[b]) [r1, r2] = [r2, r1];
    boxes.set([r1, x1, r2, x2], b * 4);
  }
  const boxInd = tensor1d(
    Int32Array.from({ length: B }, (_, b) => b),
    'int32',
  );
  return image.cropAndResize(
    src,
    tensor(boxes, [B, 4]) as Tensor2D,
    boxInd as Tensor1D,
    [h, w],
    'nearest',
    fill,
  );
}

function lerp(a: Tensor, b: Tensor, t: Tensor): Tensor {
  return add(a, mul(sub(b, a), t));
}

/**
 * Samples every image on a separable grid: output pixel (b, i, j) reads rows `rows[b, i]` and
 * columns `cols[b, j]` of image b, with bilinear weights where the maps carry them and `fill`
 * where either map marks the position invalid. One gather per neighbour combination (1, 2 or 4),
 * all batched; integer windows (crops, translations, padding) are exact copies.
 *
 * Shapes: x [B, H, W, C] → [B, outH, outW, C]. Call inside `tidy`.
 */
export function sampleSeparable(
  x: Tensor4D,
  outH: number,
  outW: number,
  rows: AxisMap,
  cols: AxisMap,
  fill: readonly number[] = [],
): Tensor4D {
  const [B, H, W, C] = x.shape;
  if (B * H * W > 2 ** 24)
    throw new Error('sampleSeparable: batch too large (indices are summed in float32)');
  const flat = reshape(x, [B * H * W, C]);
  // Flat index b·H·W + row·W + col: row part [B, outH, 1] plus column part [B, 1, outW], summed as
  // float32 (exact below 2^24, checked above; int32 broadcasting adds are much slower on wasm) then cast.
  const rowBase = (idx: Int32Array): Tensor => {
    const out = new Float32Array(B * outH);
    for (let b = 0; b < B; b++) {
      for (let i = 0; i < outH; i++) out[b * outH + i] = b * H * W + idx[b * outH + i] * W;
    }
    return tensor(out, [B, outH, 1]);
  };
  const colIdx = (idx: Int32Array): Tensor => tensor(Float32Array.from(idx), [B, 1, outW]);
  const pick = (r: Tensor, c: Tensor): Tensor =>
    reshape(gather(flat, cast(reshape(add(r, c), [B * outH * outW]), 'int32'), 0), [B, outH, outW, C]);

  const rLo = rowBase(rows.lo);
  const cLo = colIdx(cols.lo);
  const rowBilinear = rows.hi !== undefined && rows.w !== undefined;
  const colBilinear = cols.hi !== undefined && cols.w !== undefined;
  const rowAt = (r: Tensor): Tensor => {
    if (!colBilinear) return pick(r, cLo);
    const wx = tensor(cols.w as Float32Array, [B, 1, outW, 1]);
    return lerp(pick(r, cLo), pick(r, colIdx(cols.hi as Int32Array)), wx);
  };
  let out = rowAt(rLo);
  if (rowBilinear) {
    const wy = tensor(rows.w as Float32Array, [B, outH, 1, 1]);
    out = lerp(out, rowAt(rowBase(rows.hi as Int32Array)), wy);
  }
  if (rows.valid !== undefined || cols.valid !== undefined) {
    const rv = tensor(Float32Array.from(rows.valid ?? new Uint8Array(B * outH).fill(1)), [B, outH, 1, 1]);
    const cv = tensor(Float32Array.from(cols.valid ?? new Uint8Array(B * outW).fill(1)), [B, 1, outW, 1]);
    const fillT = channelConstant(
      fill.length === C ? fill : new Array<number>(C).fill(fill[0] ?? 0),
      outH,
      outW,
    );
    out = selectByMask(mul(rv, cv), out, fillT);
  }
  return out as Tensor4D;
}

/**
 * Bilinear warp by per-sample affine maps from output to input pixel coordinates:
 * (x', y') = (a0 x + a1 y + a2, b0 x + b1 y + b2), with pixel centres at integer coordinates.
 * Neighbours outside the image read `fill` (TensorFlow `ImageProjectiveTransform` semantics), so
 * out = Σ_k w_k v_k + fill · Σ_{k outside} w_k. Coordinates are computed on the backend in float32.
 *
 * `matrices` is `[B * 6]`: a0 a1 a2 b0 b1 b2 per sample. Shapes: x [B, H, W, C] → [B, H, W, C].
 * Call inside `tidy`.
 */
export function affineSample(x: Tensor4D, matrices: Float32Array, fill: readonly number[]): Tensor4D {
  const [B, H, W, C] = x.shape;
  if (B * H * W >= 2 ** 24)
    throw new Error('affineSample: batch too large (indices are computed in float32)');
  const flat = reshape(x, [B * H * W, C]);
  const gx = new Float32Array(H * W);
  const gy = new Float32Array(H * W);
  for (let i = 0; i < H; i++) {
    for (let j = 0; j < W; j++) {
      gx[i * W + j] = j;
      gy[i * W + j] = i;
    }
  }
  const gxT = tensor(gx, [1, H, W]);
  const gyT = tensor(gy, [1, H, W]);
  const coef = (k: number): Tensor => {
    const v = new Float32Array(B);
    for (let b = 0; b < B; b++) v[b] = matrices[b * 6 + k];
    return tensor(v, [B, 1, 1]);
  };
  const sx = add(add(mul(coef(0), gxT), mul(coef(1), gyT)), coef(2));
  const sy = add(add(mul(coef(3), gxT), mul(coef(4), gyT)), coef(5));
  const x0 = floor(sx);
  const y0 = floor(sy);
  const wx = sub(sx, x0);
  const wy = sub(sy, y0);
  const base = tensor(
    Float32Array.from({ length: B }, (_, b) => b * H * W),
    [B, 1, 1],
  );
  const one = tensor(1);
  let out: Tensor | undefined;
  let inside: Tensor | undefined;
  for (const dy of [0, 1]) {
    const yi = dy === 0 ? y0 : add(y0, one);
    const vy = logicalAnd(greaterEqual(yi, 0), lessEqual(yi, H - 1));
    const yc = clipByValue(yi, 0, H - 1);
    const ty = dy === 0 ? sub(one, wy) : wy;
    for (const dx of [0, 1]) {
      const xi = dx === 0 ? x0 : add(x0, one);
      const vx = logicalAnd(greaterEqual(xi, 0), lessEqual(xi, W - 1));
      const xc = clipByValue(xi, 0, W - 1);
      const tx = dx === 0 ? sub(one, wx) : wx;
      // Indices are exact in float32 below 2^24, then cast (checked above).
      const idx = cast(reshape(add(add(base, mul(yc, W)), xc), [B * H * W]), 'int32');
      const w = reshape(mul(cast(logicalAnd(vx, vy), 'float32'), mul(tx, ty)), [B, H, W, 1]);
      const term = mul(reshape(gather(flat, idx, 0), [B, H, W, C]), w);
      out = out === undefined ? term : add(out, term);
      inside = inside === undefined ? w : add(inside, w);
    }
  }
  const f = channelConstant(fill.length === C ? fill : new Array<number>(C).fill(fill[0] ?? 0), H, W);
  if (fill.every((v) => v === 0)) return out as Tensor4D;
  return add(out as Tensor, mul(f, sub(one, inside as Tensor))) as Tensor4D;
}
