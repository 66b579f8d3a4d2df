import { checkNumber } from '@convkit/backend';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { adamUpdate } from '../ops/adam-update';
import { zerosVariable } from '../ops/zeros-variable';
import { checkBoolean, resolveOptimizerOptions } from '../options';
import { type GroupOptions, Optimizer, type ParamGroup, type StateSpec } from './optimizer';
import type { OptimizerParams } from './params';

/** Adam's and AdamW's hyperparameters (per group). */
export interface AdamGroupOptions extends GroupOptions {
  /** Learning rate. Default 1e-3. */
  lr: number;
  /** Decay rates (β1, β2) of the first and second moment estimates, each in [0, 1). Default [0.9, 0.999]. */
  betas: [number, number];
  /** Added to the denominator. Default 1e-8. */
  eps: number;
  /** Adam: coupled (L2) decay, added to the gradient; AdamW: decoupled decay of the weights. Default 0 / 1e-2. */
  weightDecay: number;
  /** AMSGrad: normalize by the running maximum of the second moment. Default false. */
  amsgrad: boolean;
  /** Maximize the objective. Default false. */
  maximize: boolean;
}

/** Options of {@link Adam} and {@link AdamW}: every hyperparameter (defaults for all groups), and `fused`. */
export interface AdamOptions extends Partial<AdamGroupOptions> {
  /** Use the fused WebGPU update where the backend has it (one launch per parameter). Default true. */
  fused?: boolean;
}

/** Adam's state of a parameter (PyTorch's names): step count t, moments m and v, and vmax with amsgrad. */
export interface AdamState {
  [key: string]: Variable | number | undefined;
  step: number;
  expAvg: Variable;
  expAvgSq: Variable;
  maxExpAvgSq?: Variable;
}

const ADAM_STATE: StateSpec = {
  tensors: ['expAvg', 'expAvgSq'],
  optionalTensors: ['maxExpAvgSq'],
  counters: ['step'],
};

/** What Adam and AdamW share: everything but the weight decay (coupled or decoupled) and its default. */
export abstract class AdamFamily extends Optimizer<AdamGroupOptions, AdamState> {
  protected readonly stateSpec: StateSpec = ADAM_STATE;
  /** AdamW's decoupled decay (p ← p·(1 − lr·weightDecay)) instead of Adam's L2 gradient. */
  private readonly decoupled: boolean;

  protected constructor(
    name: string,
    params: OptimizerParams<AdamGroupOptions>,
    options: AdamOptions,
    weightDecay: number,
    decoupled: boolean,
  ) {
    const defaults: AdamGroupOptions = {
      lr: 1e-3,
      betas: [0.9, 0.999],
      eps: 1e-8,
      weightDecay,
      amsgrad: false,
      maximize: false,
    };
    super(name, params, resolveOptimizerOptions(name, options, defaults));
    this.decoupled = decoupled;
  }

  protected checkOptions(o: AdamGroupOptions, who: string): void {
    checkNumber(who, 'lr', o.lr, { min: 0 });
    if (!Array.isArray(o.betas) || o.betas.length !== 2) {
      throw new Error(`${who}: betas must be two numbers [beta1, beta2], got ${JSON.stringify(o.betas)}`);
    }
    checkNumber(who, 'betas[0]', o.betas[0], { min: 0, below: 1 });
    checkNumber(who, 'betas[1]', o.betas[1], { min: 0, below: 1 });
    checkNumber(who, 'eps', o.eps, { min: 0 });
    checkNumber(who, 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean(who, 'amsgrad', o.amsgrad);
    checkBoolean(who, 'maximize', o.maximize);
  }

  protected update(
    param: Variable,
    grad: Tensor,
    group: ParamGroup<AdamGroupOptions>,
    state: AdamState | undefined,
  ): AdamState {
    const s: AdamState = state ?? { step: 0, expAvg: zerosVariable(param), expAvgSq: zerosVariable(param) };
    // A group switched to amsgrad mid-run starts its maximum at zero, as a fresh PyTorch state would.
    if (group.amsgrad && s.maxExpAvgSq === undefined) s.maxExpAvgSq = zerosVariable(param);
    s.step += 1;
    const [beta1, beta2] = group.betas;
    adamUpdate(
      param,
      grad,
      s,
      {
        lr: group.lr,
        beta1,
        beta2,
        eps: group.eps,
        weightDecay: group.weightDecay,
        amsgrad: group.amsgrad,
        maximize: group.maximize,
        decoupled: this.decoupled,
        step: s.step,
      },
      this.options.fused,
    );
    return s;
  }
}

/**
 * Adam (Kingma & Ba, 2015), PyTorch's `torch.optim.Adam`. For each parameter p with gradient g, at
 * its step t:
 *
 *   g ← g (−g with maximize) + weightDecay·p              (coupled: an L2 penalty's gradient)
 *   m ← β1·m + (1 − β1)·g,    v ← β2·v + (1 − β2)·g²
 *   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)     (√vmax, vmax = max(vmax, v), with amsgrad)
 *
 * Coupled decay is rescaled per coordinate like the gradient, so it decays weights with large
 * gradients less; for weight decay that acts as such, use {@link AdamW}.
 *
 * Options (defaults): `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (0),
 * `amsgrad` (false), `maximize` (false), `fused` (true). State per parameter: `step`, `expAvg`,
 * `expAvgSq`, `maxExpAvgSq` (amsgrad). Paper: "Adam: A Method for Stochastic Optimization";
 * AMSGrad: Reddi et al., "On the Convergence of Adam and Beyond".
 *
 * @example
 * const opt = new Adam(model, { lr: 1e-3 });
 * const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y));
 * opt.step(grads);
 * dispose([loss, grads]);
 */
export class Adam extends AdamFamily {
  static readonly className = 'Adam';

  constructor(params: OptimizerParams<AdamGroupOptions>, options: AdamOptions = {}) {
    super(Adam.className, params, options, 0, false);
  }
}
