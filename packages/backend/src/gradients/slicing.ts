import {
  add,
  BatchToSpaceND,
  backend_util,
  batchToSpaceND,
  Concat,
  cast,
  concat,
  GatherV2,
  type GradConfig,
  gather,
  greaterEqual,
  less,
  logicalAnd,
  MirrorPad,
  mul,
  Pack,
  PadV2,
  pad,
  reshape,
  reverse,
  Slice,
  SpaceToBatchND,
  SplitV,
  StridedSlice,
  slice,
  slice_util,
  spaceToBatchND,
  split,
  stack,
  type Tensor,
  transpose,
  Unpack,
  UnsortedSegmentSum,
  unsortedSegmentSum,
  unstack,
  util,
  where,
  zerosLike,
} from '@tensorflow/tfjs-core';
import { zeroGrad } from './util';

/** slice(x, begin, size) → dy zero-padded back to x's shape. */
export const sliceGrad: GradConfig = {
  kernelName: Slice,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const xt = x as Tensor;
    const [begin, size] = slice_util.parseSliceParams(xt, attrs.begin as number[], attrs.size as number[]);
    const paddings = xt.shape.map((d, i) => [begin[i], d - (begin[i] as number) - (size[i] as number)]);
    return { x: () => pad(dy as Tensor, paddings as [number, number][]) };
  },
};

/**
 * stridedSlice → dy scattered back: per axis, a negative stride is undone with a reverse, a stride
 * s > 1 by inserting s−1 zeros after each element (reshape to [outer, n, 1, inner] + pad: rank 4, the
 * most webgpu's PadV2 shader indexes), then one pad (or crop of trailing inserted zeros) places the
 * block at its first index. Masks, ellipsis, new and shrunk axes are resolved by tfjs's own
 * `slice_util.sliceInfo`.
 */
export const stridedSliceGrad: GradConfig = {
  kernelName: StridedSlice,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const xShape = (x as Tensor).shape;
    const a = attrs as Record<string, number & number[]>;
    const info = slice_util.sliceInfo(
      xShape,
      a.begin,
      a.end,
      a.strides,
      a.beginMask,
      a.endMask,
      a.ellipsisMask,
      a.newAxisMask,
      a.shrinkAxisMask,
    );
    return {
      x: () => {
        const sizes = xShape.map((_, i) => {
          const interval = (info.end[i] as number) - (info.begin[i] as number);
          const s = info.strides[i] as number;
          return interval === 0 || interval < 0 !== s < 0 ? 0 : Math.ceil(interval / s);
        });
        if (sizes.some((n) => n === 0)) return zeroGrad(xShape)();
        let g = reshape(dy as Tensor, sizes);
        const negative = xShape.map((_, i) => i).filter((i) => (info.strides[i] as number) < 0);
        if (negative.length > 0) g = reverse(g, negative);
        const paddings: [number, number][] = [];
        const crop: number[] = [];
        xShape.forEach((d, i) => {
          const n = sizes[i] as number;
          const step = Math.abs(info.strides[i] as number);
          const first = (info.begin[i] as number) + Math.min(0, (n - 1) * (info.strides[i] as number));
          if (step > 1) {
            // Rank 4 whatever x's rank: [outer, n, 1, inner] padded to [outer, n, step, inner].
            const shape = g.shape;
            const outer = util.sizeFromShape(shape.slice(0, i));
            const inner = util.sizeFromShape(shape.slice(i + 1));
            const padded = pad(reshape(g, [outer, n, 1, inner]), [
              [0, 0],
              [0, 0],
              [0, step - 1],
              [0, 0],
            ]);
            g = reshape(padded, [...shape.slice(0, i), n * step, ...shape.slice(i + 1)]);
          }
          const after = d - first - n * step;
          paddings.push([first, Math.max(0, after)]);
          crop.push(n * step + Math.min(0, after));
        });
        if (crop.some((c, i) => c !== g.shape[i]))
          g = slice(
            g,
            crop.map(() => 0),
            crop,
          );
        return pad(g, paddings);
      },
    };
  },
};

/** concat(xs, axis) → dy split back into the inputs' sizes along axis. */
export const concatGrad: GradConfig = {
  kernelName: Concat,
  saveAllInputs: true,
  gradFunc: (dy, saved, attrs) => {
    const ax = util.parseAxisParam(attrs.axis as number, (saved[0] as Tensor).shape)[0] as number;
    const parts = split(
      dy as Tensor,
      saved.map((t) => t.shape[ax] as number),
      ax,
    );
    return Object.fromEntries(parts.map((p, i) => [i, () => p]));
  },
};

/** splitV(x, sizes, axis) → the pieces' gradients concatenated (missing ones arrive as zeros). */
export const splitVGrad: GradConfig = {
  kernelName: SplitV,
  gradFunc: (dy, _, attrs) => ({ x: () => concat(dy as Tensor[], attrs.axis as number) }),
};

/** stack(xs, axis) → dy unstacked along axis. */
export const packGrad: GradConfig = {
  kernelName: Pack,
  gradFunc: (dy, _, attrs) => {
    const parts = unstack(dy as Tensor, attrs.axis as number);
    return Object.fromEntries(parts.map((p, i) => [i, () => p]));
  },
};

/** unstack(x, axis) → the pieces' gradients stacked along axis. */
export const unpackGrad: GradConfig = {
  kernelName: Unpack,
  gradFunc: (dy, _, attrs) => ({ value: () => stack(dy as Tensor[], attrs.axis as number) }),
};

/** pad(x, paddings, c) → the centre of dy. */
export const padV2Grad: GradConfig = {
  kernelName: PadV2,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const begin = (attrs.paddings as [number, number][]).map((p) => p[0]);
    return { x: () => slice(dy as Tensor, begin, (x as Tensor).shape) };
  },
};

/**
 * mirrorPad(x, paddings, mode) → the centre of dy plus the mirrored borders folded back onto the
 * elements they copy (reflect: x[1..p] and x[n−1−q..n−2]; symmetric: x[0..p−1] and x[n−q..n−1]),
 * one axis at a time. (tfjs 4.22's gradient keeps only the centre, which is wrong.)
 */
export const mirrorPadGrad: GradConfig = {
  kernelName: MirrorPad,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const xShape = (x as Tensor).shape;
    const paddings = attrs.paddings as [number, number][];
    const o = attrs.mode === 'reflect' ? 1 : 0;
    return {
      x: () => {
        let g = dy as Tensor;
        paddings.forEach(([p, q], axis) => {
          if (p === 0 && q === 0) return;
          const n = xShape[axis] as number;
          const part = (start: number, size: number) =>
            slice(
              g,
              g.shape.map((_, k) => (k === axis ? start : 0)),
              g.shape.map((d, k) => (k === axis ? size : d)),
            );
          const place = (t: Tensor, before: number, after: number) =>
            pad(t, t.shape.map((_, k) => (k === axis ? [before, after] : [0, 0])) as [number, number][]);
          let acc = part(p, n);
          if (p > 0) acc = add(acc, place(reverse(part(0, p), axis), o, n - p - o));
          if (q > 0) acc = add(acc, place(reverse(part(p + n, q), axis), n - o - q, o));
          g = acc;
        });
        return g;
      },
    };
  },
};

/** gather(x, indices, axis) with batchDims 0 → unsortedSegmentSum of dy over the indices. */
function gatherGrad0(x: Tensor, indices: Tensor, dy: Tensor, axis: number): Tensor {
  const outer = x.shape.slice(0, axis);
  const inner = x.shape.slice(axis + 1);
  const values = reshape(dy, [...outer, indices.size, ...inner]);
  const perm = [outer.length, ...outer.map((_, i) => i), ...inner.map((_, i) => outer.length + 1 + i)];
  const summed = unsortedSegmentSum(
    transpose(values, perm),
    reshape(indices, [indices.size]),
    x.shape[axis] as number,
  );
  return transpose(summed, backend_util.getUndoAxesPermutation(perm));
}

/**
 * gather(x, indices, axis, batchDims) → x: dy summed into the gathered rows (UnsortedSegmentSum,
 * which convkit adds to wasm); batchDims > 0 handled one batch entry at a time. indices: zero.
 */
export const gatherV2Grad: GradConfig = {
  kernelName: GatherV2,
  inputsToSave: ['x', 'indices'],
  gradFunc: (dy, saved, attrs) => {
    const [x, indices] = saved as [Tensor, Tensor];
    const batchDims = (attrs.batchDims as number | undefined) ?? 0;
    const rawAxis = attrs.axis as number;
    const axis = rawAxis < 0 ? rawAxis + x.rank : rawAxis;
    const dx = () => {
      if (batchDims === 0) return gatherGrad0(x, indices, dy as Tensor, axis);
      const b = x.shape.slice(0, batchDims).reduce((p, q) => p * q, 1);
      const xs = unstack(reshape(x, [b, ...x.shape.slice(batchDims)]));
      const is = unstack(reshape(indices, [b, ...indices.shape.slice(batchDims)]));
      const ds = unstack(reshape(dy as Tensor, [b, ...(dy as Tensor).shape.slice(batchDims)]));
      const parts = xs.map((xi, i) => gatherGrad0(xi, is[i] as Tensor, ds[i] as Tensor, axis - batchDims));
      return reshape(stack(parts), x.shape);
    };
    return { x: dx, indices: zeroGrad(indices.shape) };
  },
};

/** unsortedSegmentSum(x, ids, n) → x: dy gathered at ids (0 where ids fall outside [0, n)). */
export const unsortedSegmentSumGrad: GradConfig = {
  kernelName: UnsortedSegmentSum,
  inputsToSave: ['segmentIds'],
  gradFunc: (dy, [ids], attrs) => {
    const idsT = ids as Tensor;
    const n = attrs.numSegments as number;
    return {
      x: () => {
        const valid = logicalAnd(greaterEqual(idsT, 0), less(idsT, n));
        const rows = gather(dy as Tensor, where(valid, idsT, zerosLike(idsT)));
        const maskShape = [...idsT.shape, ...rows.shape.slice(idsT.rank).map(() => 1)];
        return mul(rows, reshape(cast(valid, 'float32'), maskShape));
      },
      segmentIds: zeroGrad(idsT.shape),
    };
  },
};

/** spaceToBatchND ↔ batchToSpaceND: each one's gradient is the other. */
export const spaceToBatchNDGrad: GradConfig = {
  kernelName: SpaceToBatchND,
  gradFunc: (dy, _, attrs) => ({
    x: () => batchToSpaceND(dy as Tensor, attrs.blockShape as number[], attrs.paddings as number[][]),
  }),
};

export const batchToSpaceNDGrad: GradConfig = {
  kernelName: BatchToSpaceND,
  gradFunc: (dy, _, attrs) => ({
    x: () => spaceToBatchND(dy as Tensor, attrs.blockShape as number[], attrs.crops as number[][]),
  }),
};

export const slicingGradients: GradConfig[] = [
  sliceGrad,
  stridedSliceGrad,
  concatGrad,
  splitVGrad,
  packGrad,
  unpackGrad,
  padV2Grad,
  mirrorPadGrad,
  gatherV2Grad,
  unsortedSegmentSumGrad,
  spaceToBatchNDGrad,
  batchToSpaceNDGrad,
];
