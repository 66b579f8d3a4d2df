// The lecture's weight-initialization experiment: a deep plain MLP, x → (Linear → act) × depth,
// initialized four ways, and the std of every layer's activations (and gradients) versus depth.
import { Rng } from '@convkit/backend';
import { Linear, ReLU, Sequential, Tanh } from '@convkit/core';
import { activationStats, kaimingNormal, type LayerStats, normal, xavierNormal } from '@convkit/init';
import { mul, sum, type Tensor } from '@tensorflow/tfjs-core';

export type Activation = 'tanh' | 'relu';
export type InitName = 'small' | 'large' | 'xavier' | 'kaiming';

/** How each init draws a `[in, out]` weight, and its legend label. */
export const INITS: Record<
  InitName,
  { label: string; color: string; draw: (shape: number[], rng: Rng, act: Activation) => Tensor }
> = {
  // Too small: every layer multiplies the std by about 0.01·√width < 1: a geometric decay.
  small: { label: 'N(0, 0.01²)', color: '#4e79a7', draw: (s, rng) => normal(s, rng, { std: 0.01 }) },
  // Too large: √width > gain, so ReLU activations explode (×√(width/2) per layer, ~1e22 after 30
  // layers of width 64: still finite in float32) and tanh units saturate at ±1.
  large: { label: 'N(0, 1)', color: '#e15759', draw: (s, rng) => normal(s, rng, { std: 1 }) },
  // Glorot: Var = 2/(in + out) = 1/width, for tanh (linear near 0); ReLU halves the variance per layer.
  xavier: { label: 'Xavier', color: '#f28e2b', draw: (s, rng) => xavierNormal(s, rng) },
  // He: Var = gain²/in, gain √2 for ReLU (compensates the halving), 5/3 for tanh.
  kaiming: {
    label: 'Kaiming',
    color: '#59a14f',
    draw: (s, rng, act) => kaimingNormal(s, rng, { nonlinearity: act }),
  },
};

/** Options of `buildMlp` and `runExperiment`. */
export interface ExperimentOptions {
  depth: number;
  width: number;
  batch: number;
  seed: number;
}

/** `depth` × (Linear(width→width, no bias) → act), weights assigned from `init`. */
export function buildMlp(act: Activation, init: InitName, o: ExperimentOptions): Sequential {
  const rng = new Rng(o.seed);
  const net = new Sequential();
  for (let i = 0; i < o.depth; i++) {
    const fc = new Linear({ inFeatures: o.width, outFeatures: o.width, bias: false });
    const w = INITS[init].draw([o.width, o.width], rng, act);
    fc.weight.assign(w);
    w.dispose();
    net.add(fc).add(act === 'relu' ? new ReLU() : new Tanh());
  }
  return net;
}

/** One configuration's result: the statistics of every activation layer, first to last. */
export interface ConfigResult {
  act: Activation;
  init: InitName;
  label: string;
  stats: LayerStats[];
}

/**
 * Runs every (activation, init) pair on the same batch of N(0, 1) inputs `[batch, width]` and
 * returns the statistics of the activation layers' outputs (the lecture's per-layer histograms),
 * with the std of ∂loss/∂activation for a fixed random projection loss.
 */
export async function runExperiment(
  o: ExperimentOptions,
  acts: readonly Activation[] = ['tanh', 'relu'],
  inits: readonly InitName[] = ['small', 'large', 'xavier', 'kaiming'],
): Promise<ConfigResult[]> {
  const x = new Rng(o.seed + 1).normalTensor([o.batch, o.width], 0, 1);
  // loss = sum(y ⊙ r), r ~ N(0, 1) fixed: ∂loss/∂y = r at the output, so the gradient stds show
  // backpropagation alone (sum(y²)/2 would feed the forward pass's own scale back in).
  const r = new Rng(o.seed + 2).normalTensor([o.batch, o.width], 0, 1);
  const results: ConfigResult[] = [];
  try {
    for (const act of acts) {
      for (const init of inits) {
        const model = buildMlp(act, init, o);
        try {
          const stats = await activationStats(model, x, {
            filter: (_name, m) => m.className === 'ReLU' || m.className === 'Tanh',
            loss: (y) => sum(mul(y, r)),
          });
          results.push({ act, init, label: `${act}, ${INITS[init].label}`, stats });
        } finally {
          model.dispose();
        }
      }
    }
  } finally {
    x.dispose();
    r.dispose();
  }
  return results;
}
