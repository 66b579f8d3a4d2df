import {
  add,
  avgPool,
  backend_util,
  batchNorm,
  Conv2D,
  Conv2DBackpropFilter,
  Conv2DBackpropInput,
  concat,
  conv2d,
  DepthwiseConv2dNativeBackpropFilter,
  DepthwiseConv2dNativeBackpropInput,
  depthwiseConv2d,
  dispose,
  elu,
  engine,
  gather,
  grads,
  image,
  losses,
  matMul,
  maxPool,
  mean,
  mirrorPad,
  moments,
  mul,
  type NamedAttrMap,
  oneHot,
  prelu,
  relu,
  reshape,
  type Scalar,
  sigmoid,
  softmax,
  stridedSlice,
  sub,
  sum,
  type Tensor,
  type Tensor4D,
  tanh,
  tensor,
  tensor1d,
  tidy,
  tile,
  unsortedSegmentSum,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { Rng } from '../random';

/** One computation compared across backends. Inputs are drawn from a seeded `Rng`, so identical everywhere. */
export interface ConformanceCase {
  name: string;
  /** Shapes of the float32 inputs passed to `fn`. */
  inputs: number[][];
  fn: (...xs: Tensor[]) => Tensor;
  /** Also compare ∂Σ(fn·w)/∂inputs (w: fixed random weights). Default `true`. */
  grads?: boolean;
  /**
   * Input values: normal(0,1) (default), `positive` in [0.5, 1.5], `distinct` (a permutation ×0.1, no
   * ties) or `negative` (the same negated and shifted below 0: every value < 0, no ties).
   */
  values?: 'normal' | 'positive' | 'distinct' | 'negative';
}

const run = (name: string, inputs: Record<string, Tensor>, attrs: Record<string, unknown>) =>
  engine().runKernel<Tensor>(name, inputs, attrs as NamedAttrMap);
const c4 = (t: Tensor) => t as Tensor4D;
const explicitPad = (t: number, b: number, l: number, r: number) =>
  [
    [0, 0],
    [t, b],
    [l, r],
    [0, 0],
  ] as [[0, 0], [number, number], [number, number], [0, 0]];

type Pair = number | [number, number];
type PoolPad = 'same' | 'valid' | number | ReturnType<typeof explicitPad>;
const negativeMaxPool = (shape: number[], k: Pair, s: Pair, pad: PoolPad): ConformanceCase => ({
  name: `maxPool ${k}/${s} pad ${JSON.stringify(pad)}, ${shape}, all inputs negative`,
  inputs: [shape],
  values: 'negative',
  fn: (x) => maxPool(c4(x), k, s, pad as 'same'),
});

/** The kernels convkit adds (run directly) and the gradients a conv net needs (through ops). */
export const conformanceCases: ConformanceCase[] = [
  ...[
    { s: 1, pad: 'same' as const },
    { s: 2, pad: 'same' as const },
    { s: 2, pad: explicitPad(1, 0, 2, 1) },
  ].flatMap(({ s, pad }) => {
    const attrs = { strides: s, pad, dataFormat: 'NHWC' };
    const info = backend_util.computeConv2DInfo([2, 7, 6, 3], [3, 3, 3, 4], s, 1, pad);
    const dyShape = [2, info.outHeight, info.outWidth, 4];
    const label = `stride ${s}, pad ${JSON.stringify(pad)}`;
    return [
      {
        name: `kernel Conv2DBackpropFilter (${label})`,
        inputs: [[2, 7, 6, 3], dyShape],
        fn: (x: Tensor, dy: Tensor) =>
          run(Conv2DBackpropFilter, { x, dy }, { ...attrs, filterShape: [3, 3, 3, 4] }),
        grads: false,
      },
      {
        name: `kernel Conv2DBackpropInput (${label})`,
        inputs: [dyShape, [3, 3, 3, 4]],
        fn: (dy: Tensor, filter: Tensor) =>
          run(Conv2DBackpropInput, { dy, filter }, { ...attrs, inputShape: [2, 7, 6, 3] }),
        grads: false,
      },
    ];
  }),
  ...[
    { s: 1, d: 2, m: 1 },
    { s: 2, d: 1, m: 2 },
  ].flatMap(({ s, d, m }) => {
    const attrs = { strides: s, dilations: d, pad: 'same' };
    const dyShape = [2, s === 1 ? 7 : 4, s === 1 ? 6 : 3, 3 * m];
    return [
      {
        name: `kernel DepthwiseConv2dNativeBackpropFilter (stride ${s}, dilation ${d}, multiplier ${m})`,
        inputs: [[2, 7, 6, 3], dyShape],
        fn: (x: Tensor, dy: Tensor) =>
          run(DepthwiseConv2dNativeBackpropFilter, { x, dy }, { ...attrs, filterShape: [3, 3, 3, m] }),
        grads: false,
      },
      {
        name: `kernel DepthwiseConv2dNativeBackpropInput (stride ${s}, dilation ${d}, multiplier ${m})`,
        inputs: [dyShape, [3, 3, 3, m]],
        fn: (dy: Tensor, filter: Tensor) =>
          run(DepthwiseConv2dNativeBackpropInput, { dy, filter }, { ...attrs, inputShape: [2, 7, 6, 3] }),
        grads: false,
      },
    ];
  }),
  {
    name: 'kernel UnsortedSegmentSum',
    inputs: [[5, 3]],
    fn: (x) => unsortedSegmentSum(x, tensor1d([2, 0, 2, -1, 1], 'int32'), 4),
  },
  {
    name: 'conv2d stride 2 same',
    inputs: [
      [2, 7, 6, 3],
      [3, 3, 3, 4],
    ],
    fn: (x, w) => conv2d(c4(x), c4(w), 2, 'same'),
  },
  {
    name: 'conv2d dilation 2 valid',
    inputs: [
      [2, 9, 8, 2],
      [3, 3, 2, 3],
    ],
    fn: (x, w) => conv2d(c4(x), c4(w), 1, 'valid', 'NHWC', 2),
  },
  {
    name: 'Conv2D kernel stride 2 + dilation 2',
    inputs: [
      [1, 9, 9, 2],
      [2, 2, 2, 2],
    ],
    fn: (x, w) =>
      run(
        Conv2D,
        { x, filter: w },
        { strides: 2, dilations: 2, pad: explicitPad(1, 0, 0, 1), dataFormat: 'NHWC' },
      ),
  },
  {
    name: 'depthwiseConv2d dilation 2, multiplier 2',
    inputs: [
      [2, 8, 7, 3],
      [3, 3, 3, 2],
    ],
    fn: (x, w) => depthwiseConv2d(c4(x), c4(w), 1, 'same', 'NHWC', 2),
  },
  {
    name: 'maxPool 3/2 same',
    inputs: [[2, 7, 6, 3]],
    values: 'distinct',
    fn: (x) => maxPool(c4(x), 3, 2, 'same'),
  },
  // Negative maxima (tfjs 4.22's wasm MaxPoolGrad sent their gradient to the window's first element),
  // padding that must never win, odd sizes, batch > 1.
  negativeMaxPool([1, 4, 4, 1], 2, 2, 'valid'),
  negativeMaxPool([2, 7, 7, 2], 3, 2, 1),
  negativeMaxPool([3, 5, 6, 2], [3, 2], [2, 1], explicitPad(1, 1, 1, 1)),
  negativeMaxPool([2, 9, 5, 3], 3, 1, 'same'),
  { name: 'avgPool 3/2 same', inputs: [[2, 7, 6, 3]], fn: (x) => avgPool(c4(x), 3, 2, 'same') },
  {
    name: 'batch norm from batch statistics',
    inputs: [[4, 3, 3, 2], [2], [2]],
    fn: (x, gamma, beta) => {
      const { mean: m, variance: v } = moments(x, [0, 1, 2]);
      return batchNorm(x, m, v, beta, gamma, 1e-5);
    },
  },
  {
    name: 'activations',
    inputs: [[3, 8], [8]],
    fn: (x, a) => concat([relu(x), elu(x), prelu(x, a), sigmoid(x), tanh(x), softmax(x)], 1),
  },
  { name: 'matMul + bias', inputs: [[3, 5], [5, 4], [4]], fn: (x, w, b) => add(matMul(x, w), b) },
  {
    name: 'mirrorPad reflect',
    inputs: [[1, 4, 5, 2]],
    fn: (x) =>
      mirrorPad(
        x,
        [
          [0, 0],
          [2, 1],
          [1, 2],
          [0, 0],
        ],
        'reflect',
      ),
  },
  { name: 'tile', inputs: [[2, 1, 3]], fn: (x) => tile(x, [2, 3, 2]) },
  { name: 'stridedSlice', inputs: [[4, 9]], fn: (x) => stridedSlice(x, [3, 1], [0, 8], [-1, 3]) },
  {
    // Rank 4, stride 2 on both spatial axes (the gradient must stay within webgpu's rank-4 shaders).
    name: 'stridedSlice rank 4, strides [1,2,2,1]',
    inputs: [[2, 7, 6, 3]],
    fn: (x) => stridedSlice(x, [0, 1, 0, 0], [2, 7, 5, 3], [1, 2, 2, 1]),
  },
  {
    name: 'stridedSlice rank 4, strides [1,-2,3,2]',
    inputs: [[2, 7, 8, 5]],
    fn: (x) => stridedSlice(x, [1, 6, 1, 0], [2, 0, 8, 5], [1, -2, 3, 2]),
  },
  { name: 'gather', inputs: [[6, 3]], fn: (x) => gather(x, tensor1d([4, 0, 4, 2], 'int32')) },
  {
    name: 'resizeBilinear halfPixelCenters',
    inputs: [[1, 3, 4, 2]],
    fn: (x) => image.resizeBilinear(c4(x), [5, 7], false, true),
  },
  {
    name: 'softmax cross-entropy + mean squared error',
    inputs: [[4, 5]],
    fn: (x) => {
      const y = oneHot(tensor1d([0, 3, 1, 4], 'int32'), 5);
      return add(losses.softmaxCrossEntropy(y, x), losses.meanSquaredError(y, softmax(x)));
    },
  },
];

/** Values of a case's inputs, from a seeded Rng: identical on every backend. */
function inputValues(c: ConformanceCase, seed: number): Float32Array[] {
  const rng = new Rng(seed);
  return c.inputs.map((shape) => {
    const n = shape.reduce((a, b) => a * b, 1);
    if (c.values === 'distinct') return Float32Array.from(rng.permutation(n), (v) => v * 0.1);
    if (c.values === 'negative') return Float32Array.from(rng.permutation(n), (v) => -0.1 * (v + 1));
    if (c.values === 'positive') return rng.fill(n, () => rng.uniform(0.5, 1.5));
    return rng.fill(n, () => rng.normal());
  });
}

/** The case's value (and input gradients) on the active backend, read back to JavaScript. */
export async function evaluate(c: ConformanceCase, seed: number): Promise<Float32Array[]> {
  const xs = inputValues(c, seed).map((v, i) => tensor(v, c.inputs[i]));
  // tidy: cases may create constants (indices, labels) inside fn.
  const y = tidy(() => c.fn(...xs));
  const out = [y];
  if (c.grads !== false) {
    const rng = new Rng(seed + 1);
    const w = tensor(
      rng.fill(y.size, () => rng.uniform(0.5, 1.5)),
      y.shape,
    );
    out.push(...grads((...ts: Tensor[]) => sum(mul(c.fn(...ts), w)))(xs));
    w.dispose();
  }
  const values = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  dispose([...xs, ...out]);
  return values;
}

/** The conv → relu → maxPool → depthwise (dilated) → avgPool → dense training step. */
export async function trainingStep(): Promise<Float32Array[]> {
  const rng = new Rng(2024);
  // tidy frees the initial values; variables survive it.
  const v = (shape: number[], std: number) => tidy(() => variable(rng.normalTensor(shape, 0, std)));
  const p = {
    w1: v([3, 3, 3, 6], 0.3),
    b1: v([6], 0.1),
    dw: v([3, 3, 6, 1], 0.3),
    w2: v([3 * 3 * 6, 4], 0.3),
    b2: v([4], 0.1),
  };
  const x = rng.normalTensor([3, 10, 10, 3]);
  const y = tidy(() => oneHot(tensor1d([0, 3, 1], 'int32'), 4));
  const loss = () => {
    let h = relu(add(conv2d(c4(x), c4(p.w1), 1, 'same'), p.b1));
    h = maxPool(c4(h), 2, 2, 'valid');
    h = depthwiseConv2d(c4(h), c4(p.dw), 1, 'same', 'NHWC', 2);
    h = avgPool(c4(h), 3, 2, 'same');
    const logits = add(matMul(reshape(h, [3, -1]), p.w2), p.b2);
    return mean(losses.softmaxCrossEntropy(y, logits)) as Scalar;
  };
  const names = Object.keys(p) as (keyof typeof p)[];
  const { value, grads: g } = variableGrads(loss, Object.values(p));
  const gradOf = (k: keyof typeof p) => g[p[k].name] as Tensor;
  for (const k of names) tidy(() => p[k].assign(sub(p[k], mul(gradOf(k), 0.1))));
  const after = tidy(loss);
  const out = [value, ...names.map(gradOf), ...names.map((k) => p[k]), after];
  const values = await Promise.all(out.map(async (t) => (await t.data()) as Float32Array));
  dispose([value, after, x, y, ...Object.values(g), ...Object.values(p)]);
  return values;
}

/** max |got − want| / max(1, max |want|): the error measure of the conformance suite. */
export function maxScaledError(got: Float32Array, want: Float32Array): number {
  let scale = 1;
  for (const v of want) scale = Math.max(scale, Math.abs(v));
  let err = 0;
  for (let i = 0; i < want.length; i++)
    err = Math.max(err, Math.abs((got[i] as number) - (want[i] as number)));
  return err / scale;
}
