import { Conv2D, type DataId, Slice, type TensorInfo } from '@tensorflow/tfjs-core';
import { type ConvInfo, explicitPads } from './conv-backprop-util';
import type { KernelRunner } from './runner';
import type { WasmHeapBackend } from './wasm-heap';

/**
 * Conv2DBackpropInput on wasm without zero insertion and without tfjs's Reverse (a per-element loop,
 * slower than the convolution itself on 512-channel filters): the input gradient of a stride-(sh, sw) convolution is
 * sh·sw stride-1 convolutions of dy, one per output phase (p, q), each with the sub-filter of the taps
 * that reach that phase, run by XNNPACK (tfjs's Conv2D, threaded); their outputs are interleaved into
 * dx. Each filter tap is used once per output position, so the work is the forward pass's, where zero
 * insertion costs sh·sw times it.
 *
 * Phase p of the rows (h = sh·h' + p) gets the taps a ≡ p + top (mod sh), a = r + sh·t, t < T, and
 *   dx[sh·h' + p] = Σ_t dy[h' + δ − t] · W[r + sh·t],   r = (p + top) mod sh, δ = (p + top − r) / sh,
 * a stride-1 correlation over dy with the taps in reverse order, padded by T − 1 − δ on top. A phase
 * with no tap (a 1×1 stride-2 conv's odd rows) is zero. Columns likewise.
 *
 * The sub-filters [T, U, Co, Ci] (flipped, in/out swapped) are built in one JavaScript pass over the
 * filter. A filter seen a second time (conv2dTranspose at inference, a weight used twice in a step)
 * keeps its sub-filters until it is disposed, so tfjs's Conv2D also keeps its packed XNNPACK operator;
 * a filter used once per training step keeps nothing.
 */

/** The parts of tfjs's `BackendWasm` this file uses, on top of the heap access. */
interface WasmConvBackend extends WasmHeapBackend {
  dataIdMap: { has(dataId: DataId): boolean };
  disposeData(dataId: DataId, force?: boolean): boolean;
}

/** One output phase along an axis: its taps and its placement. */
interface Phase {
  /** The phase p: output positions sh·i + p. */
  p: number;
  /** Number of output positions of this phase. */
  size: number;
  /** Filter taps of this phase, in correlation order (reversed). */
  taps: number[];
  /** Padding before dy (≥ 0) or rows of dy to skip (< 0), and padding after. */
  before: number;
  after: number;
}

/** The phases of one axis: input size n, dy size o, kernel k, stride s, forward padding `pad`. */
function phases(n: number, o: number, k: number, s: number, pad: number): Phase[] {
  const out: Phase[] = [];
  for (let p = 0; p < s; p++) {
    const size = Math.ceil((n - p) / s);
    if (size <= 0) continue;
    const r = (p + pad) % s;
    const delta = (p + pad - r) / s;
    const taps: number[] = [];
    for (let a = r; a < k; a += s) taps.unshift(a);
    // Output i' reads dy[i' + delta − (T − 1) + u], u < T: from delta − T + 1 to size − 1 + delta.
    const before = taps.length - 1 - delta;
    const after = size - 1 + delta - (o - 1);
    out.push({ p, size, taps, before, after });
  }
  return out;
}

/** F[u, v, o, c] = W[rows[u], cols[v], c, o]: a sub-filter, taps picked and in/out channels swapped. */
function subFilter(b: WasmHeapBackend, w: TensorInfo, rows: number[], cols: number[]): TensorInfo {
  const [, kw, ci, co] = w.shape as [number, number, number, number];
  const f = b.makeOutput([rows.length, cols.length, co, ci], 'float32');
  const src = b.typedArrayFromHeap(w) as Float32Array;
  const dst = b.typedArrayFromHeap(f) as Float32Array;
  const B = 16; // transpose in B×B blocks: both sides stay in cache
  let d0 = 0;
  for (const a of rows) {
    for (const bb of cols) {
      const s0 = (a * kw + bb) * ci * co;
      for (let c0 = 0; c0 < ci; c0 += B) {
        const c1 = Math.min(ci, c0 + B);
        for (let o0 = 0; o0 < co; o0 += B) {
          const o1 = Math.min(co, o0 + B);
          for (let c = c0; c < c1; c++) {
            const s = s0 + c * co;
            for (let o = o0; o < o1; o++) dst[d0 + o * ci + c] = src[s + o] as number;
          }
        }
      }
      d0 += ci * co;
    }
  }
  return f;
}

interface Plan {
  rows: Phase[];
  cols: Phase[];
  /** Sub-filters by phase (row-major over rows × cols), null where a phase has no tap. */
  filters: (TensorInfo | null)[];
}

const planKey = (info: ConvInfo) =>
  [
    info.strideHeight,
    info.strideWidth,
    info.padInfo.top,
    info.padInfo.left,
    info.inHeight,
    info.inWidth,
  ].join();

// Sub-filters kept for filters seen twice, by the filter's data id (entries go when the filter does).
const seenOnce = new WeakSet<DataId>();
const kept = new Map<DataId, { key: string; filters: (TensorInfo | null)[] }>();

function releaseStale(b: WasmConvBackend): void {
  for (const [dataId, entry] of kept) {
    if (b.dataIdMap.has(dataId)) continue;
    for (const f of entry.filters) if (f !== null) b.disposeData(f.dataId, true);
    kept.delete(dataId);
  }
}

function plan(b: WasmConvBackend, filter: TensorInfo, info: ConvInfo): { plan: Plan; owned: boolean } {
  const [kh, kw] = filter.shape as [number, number];
  const rows = phases(info.inHeight, info.outHeight, kh, info.strideHeight, info.padInfo.top);
  const cols = phases(info.inWidth, info.outWidth, kw, info.strideWidth, info.padInfo.left);
  releaseStale(b);
  const key = planKey(info);
  const hit = kept.get(filter.dataId);
  if (hit?.key === key) return { plan: { rows, cols, filters: hit.filters }, owned: false };
  const filters = rows.flatMap((r) =>
    cols.map((c) => (r.taps.length > 0 && c.taps.length > 0 ? subFilter(b, filter, r.taps, c.taps) : null)),
  );
  if (!seenOnce.has(filter.dataId)) {
    seenOnce.add(filter.dataId);
    return { plan: { rows, cols, filters }, owned: true };
  }
  if (hit !== undefined) for (const f of hit.filters) if (f !== null) b.disposeData(f.dataId, true);
  kept.set(filter.dataId, { key, filters });
  return { plan: { rows, cols, filters }, owned: false };
}

/** One phase's stride-1 convolution of dy, cropping dy first where the phase skips rows or columns. */
function phaseConv(r: KernelRunner, dy: TensorInfo, f: TensorInfo, row: Phase, col: Phase): TensorInfo {
  const [n, oh, ow, co] = dy.shape as [number, number, number, number];
  const skipTop = Math.max(0, -row.before);
  const skipLeft = Math.max(0, -col.before);
  const skipBottom = Math.max(0, -row.after);
  const skipRight = Math.max(0, -col.after);
  const cropped =
    skipTop + skipLeft + skipBottom + skipRight === 0
      ? dy
      : r.run(
          Slice,
          { x: dy },
          {
            begin: [0, skipTop, skipLeft, 0],
            size: [n, oh - skipTop - skipBottom, ow - skipLeft - skipRight, co],
          },
        );
  const out = r.run(
    Conv2D,
    { x: cropped, filter: f },
    {
      strides: [1, 1],
      dilations: [1, 1],
      pad: explicitPads(
        Math.max(0, row.before),
        Math.max(0, row.after),
        Math.max(0, col.before),
        Math.max(0, col.after),
      ),
      dataFormat: 'NHWC',
    },
  );
  if (cropped !== dy) r.dispose(cropped);
  return out;
}

/**
 * dx [N, H, W, Ci] of a dilation-1 convolution from dy [N, OH, OW, Co] and its filter [KH, KW, Ci, Co]
 * (NHWC, HWIO), on the wasm backend `backend`.
 */
export function wasmConv2dInputGrad(
  r: KernelRunner,
  backend: unknown,
  dy: TensorInfo,
  filter: TensorInfo,
  info: ConvInfo,
): TensorInfo {
  const b = backend as WasmConvBackend;
  const { plan: p, owned } = plan(b, filter, info);
  const { rows, cols, filters } = p;
  const [n, h, w, ci] = [info.batchSize, info.inHeight, info.inWidth, info.inChannels];
  try {
    // Stride 1: the one phase is dx itself.
    if (rows.length === 1 && cols.length === 1 && filters[0] !== null && filters[0] !== undefined) {
      return phaseConv(r, dy, filters[0], rows[0] as Phase, cols[0] as Phase);
    }
    const dx = b.makeOutput([n, h, w, ci], 'float32');
    const parts = rows.flatMap((row, i) =>
      cols.map((col, j) => {
        const f = filters[i * cols.length + j];
        return f === null || f === undefined ? null : phaseConv(r, dy, f, row, col);
      }),
    );
    // One view of the whole heap, taken after the last allocation (allocating may grow and detach
    // it): the parts and dx both live in it, so each pixel's Ci values move with copyWithin, a
    // memmove that needs no view per pixel.
    const dxView = b.typedArrayFromHeap(dx) as Float32Array;
    const heap = new Float32Array(dxView.buffer);
    const dx0 = dxView.byteOffset >> 2;
    if (parts.some((t) => t === null)) heap.fill(0, dx0, dx0 + n * h * w * ci);
    const sh = info.strideHeight;
    const sw = info.strideWidth;
    rows.forEach((row, i) => {
      cols.forEach((col, j) => {
        const part = parts[i * cols.length + j];
        if (part === null || part === undefined) return;
        let s = (b.typedArrayFromHeap(part) as Float32Array).byteOffset >> 2;
        for (let img = 0; img < n; img++) {
          for (let y = 0; y < row.size; y++) {
            const d = dx0 + ((img * h + sh * y + row.p) * w + col.p) * ci;
            for (let x = 0; x < col.size; x++, s += ci) heap.copyWithin(d + x * sw * ci, s, s + ci);
          }
        }
        r.dispose(part);
      });
    });
    return dx;
  } finally {
    if (owned) for (const f of filters) if (f !== null) b.disposeData(f.dataId, true);
  }
}
