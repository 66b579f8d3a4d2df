import { checkNumber } from '@convkit/backend';
import {
  add,
  clone,
  concat,
  dispose,
  keep,
  mul,
  type NamedTensorMap,
  type Scalar,
  scalar,
  slice,
  square,
  stack,
  sum,
  type Tensor,
  tensor1d,
  tidy,
  type Variable,
  variable,
  variableGrads,
  zeros,
} from '@tensorflow/tfjs-core';
import { checkOptions } from '../check';
import { type HookableModule, type InspectableModel, selectModules, withHooks } from './hookable';
import { summarize } from './summarize';

/** Statistics of one layer's output (and of the loss gradient with respect to it). */
export interface LayerStats {
  /** Position in call order among the reported modules (0 = the first to run). */
  index: number;
  /** Dotted module name from `namedModules()` (`''` for the model itself). */
  name: string;
  className: string;
  /** Output shape, batch included. */
  shape: number[];
  /** Mean and population std over every element of the output (batch included). */
  mean: number;
  std: number;
  /** Fraction of output elements exactly 0 (dead ReLUs: about 0.5 is healthy after ReLU). */
  zeroFraction: number;
  /** Fraction with |x| > `saturation` (saturated units after tanh/sigmoid). */
  saturatedFraction: number;
  /** Std of ∂loss/∂output; NaN with `gradients: false` or for a non-float output. */
  gradStd: number;
}

/** Options of `activationStats`. */
export interface ActivationStatsOptions {
  /** Which modules to report (default: the leaves, modules without children). */
  filter?: (name: string, module: HookableModule) => boolean;
  /**
   * Scalar loss of the model's output (default `sum(y²) / 2`, so ∂loss/∂y = y). That gradient is
   * correlated with the forward pass (below the output ∂loss/∂x = JᵀJ·x), so it grows with depth
   * even under a variance-preserving init; to see backpropagation alone, use a fixed random
   * projection, `(y) => sum(mul(y, r))` with r ~ N(0, 1), whose ∂loss/∂y = r.
   */
  loss?: (output: Tensor) => Scalar;
  /** Also compute gradient stds (default true; costs a second forward pass and a backward pass). */
  gradients?: boolean;
  /** Threshold of `saturatedFraction` (default 0.99). */
  saturation?: number;
}

const KEYS = ['filter', 'loss', 'gradients', 'saturation'];

/** `sum(y²) / 2`: ∂/∂y = y, whatever the batch size (a mean would divide it by the batch). */
function halfSumOfSquares(y: Tensor): Scalar {
  return mul(scalar(0.5), sum(square(y)));
}

/**
 * Per-layer activation statistics of one forward pass, and the std of the gradient of a loss with
 * respect to each layer's output from one backward pass: the check of Glorot & Bengio 2010 and
 * He et al. 2015 that an initialization keeps activations and gradients from vanishing or exploding.
 *
 * Forward hooks record each selected module's output, in call order. Gradients: the hooks add a zero
 * "probe" variable p to each output (y + p, same values) and `variableGrads` of the loss with respect
 * to the probes gives ∂loss/∂y. Probe shapes come from a first forward pass, so with gradients the
 * model runs twice: put stochastic layers (dropout) in eval mode, or the two passes differ. The input
 * and the model are not changed; every tensor made here is disposed.
 *
 * Options (defaults): `filter` leaves, `loss` sum(y²)/2, `gradients` true, `saturation` 0.99.
 * Shapes: `input` is whatever `model.call` takes (e.g. `[batch, features]`).
 *
 * @example
 * const stats = await activationStats(model, rng.normalTensor([256, 64], 0, 1));
 * console.log(formatStatsTable(stats));
 */
export async function activationStats(
  model: InspectableModel,
  input: Tensor,
  options: ActivationStatsOptions = {},
): Promise<LayerStats[]> {
  checkOptions('activationStats', options, KEYS);
  const threshold = checkNumber('activationStats', 'saturation', options.saturation ?? 0.99, { min: 0 });
  const loss = options.loss ?? halfSumOfSquares;
  const targets = selectModules(model, options.filter);
  const records: { name: string; module: HookableModule; shape: number[]; dtype: string }[] = [];
  const outputs: Tensor[] = [];
  const probes: (Variable | null)[] = [];
  let grads: NamedTensorMap = {};
  try {
    const gradients = options.gradients ?? true;
    withHooks(
      targets,
      (name, module, output) => {
        records.push({ name, module, shape: output.shape, dtype: output.dtype });
        if (!gradients) outputs.push(keep(clone(output)));
        return undefined;
      },
      () => tidy(() => void model.call(input)),
    );
    if (records.length === 0) throw new Error('activationStats: no selected module ran in model.call');
    if (gradients) {
      if (!records.some((r) => r.dtype === 'float32')) {
        throw new Error('activationStats: no float32 layer output to differentiate; pass gradients: false');
      }
      for (const r of records) probes.push(r.dtype === 'float32' ? zeroVariable(r.shape) : null);
      let k = 0;
      let differs: string | null = null;
      withHooks(
        targets,
        (name, _module, output) => {
          const i = k++;
          if (differs !== null || records[i]?.name !== name || !sameShape(records[i].shape, output.shape)) {
            differs ??= name;
            return undefined;
          }
          outputs.push(keep(clone(output)));
          const probe = probes[i];
          return probe === null ? undefined : add(output, probe);
        },
        () => {
          let badShape: number[] | null = null;
          // A throw inside f would leak the tensors the tape saved: problems are noted, and thrown
          // after the backward pass (a non-scalar loss is summed meanwhile).
          const res = variableGrads(
            () => {
              const l = loss(model.call(input));
              if (l.rank === 0) return l as Scalar;
              badShape = l.shape;
              return sum(l);
            },
            probes.filter((p) => p !== null),
          );
          res.value.dispose();
          grads = res.grads;
          if (badShape !== null) {
            throw new Error(`activationStats: loss must return a scalar, got shape [${badShape}]`);
          }
          if (differs !== null || k !== records.length) {
            throw new Error(
              `activationStats: the second forward pass (for gradients) differs from the first at '${differs ?? 'its end'}'`,
            );
          }
        },
      );
    }
    const rows = tidy(() =>
      stack(
        outputs.map((y, i) => {
          const g = probes[i] ? grads[probes[i].name] : undefined;
          const gradStd = g ? slice(summarize(g, threshold), [1], [1]) : tensor1d([Number.NaN]);
          return concat([summarize(y, threshold), gradStd]);
        }),
      ),
    );
    const values = await rows.data();
    rows.dispose();
    return records.map((r, i) => ({
      index: i,
      name: r.name,
      className: r.module.className ?? r.module.constructor.name,
      shape: r.shape,
      mean: values[i * 5],
      std: values[i * 5 + 1],
      zeroFraction: values[i * 5 + 2],
      saturatedFraction: values[i * 5 + 3],
      gradStd: values[i * 5 + 4],
    }));
  } finally {
    dispose(outputs);
    dispose(Object.values(grads));
    for (const p of probes) p?.dispose();
  }
}

/** A trainable float32 variable of zeros: the gradient probe of one layer output. */
function zeroVariable(shape: number[]): Variable {
  const z = zeros(shape);
  const v = variable(z, true);
  z.dispose();
  return v;
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}
