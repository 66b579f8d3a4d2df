import { checkNumber } from '@convkit/backend';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { rmspropUpdate } from '../ops/rmsprop-update';
import { zerosVariable } from '../ops/zeros-variable';
import { checkBoolean, checkKeys, dropUndefined } from '../options';
import { type GroupOptions, Optimizer, type ParamGroup, type StateSpec } from './optimizer';
import type { OptimizerParams } from './params';

/** RMSprop's hyperparameters (per group). */
export interface RmspropGroupOptions extends GroupOptions {
  /** Learning rate. Default 1e-2. */
  lr: number;
  /** Smoothing constant α of the squared-gradient average, in [0, 1]. Default 0.99. */
  alpha: number;
  /** Added to the denominator. Default 1e-8. */
  eps: number;
  /** Coupled weight decay (weightDecay·p added to the gradient). Default 0. */
  weightDecay: number;
  /** Momentum factor. Default 0. */
  momentum: number;
  /** Normalize by an estimate of the gradient's variance (subtract the squared mean gradient). Default false. */
  centered: boolean;
  /** Maximize the objective. Default false. */
  maximize: boolean;
}

/** Options of {@link RMSprop}: every hyperparameter (defaults for all groups), and `fused`. */
export interface RmspropOptions extends Partial<RmspropGroupOptions> {
  /** Use the fused WebGPU update where the backend has it (one launch per parameter). Default true. */
  fused?: boolean;
}

/** RMSprop's state of a parameter (PyTorch's names): step count, s, and a / b when centered / momentum. */
export interface RmspropState {
  [key: string]: Variable | number | undefined;
  step: number;
  squareAvg: Variable;
  gradAvg?: Variable;
  momentumBuffer?: Variable;
}

const DEFAULTS: RmspropGroupOptions = {
  lr: 1e-2,
  alpha: 0.99,
  eps: 1e-8,
  weightDecay: 0,
  momentum: 0,
  centered: false,
  maximize: false,
};

/**
 * RMSprop (Hinton's lecture 6e; centered: Graves, "Generating Sequences With Recurrent Neural
 * Networks"), PyTorch's `torch.optim.RMSprop`. For each parameter p with gradient g, per step:
 *
 *   g ← g (−g with maximize) + weightDecay·p
 *   s ← α·s + (1 − α)·g²
 *   avg = √(s − a²) + eps with a ← α·a + (1 − α)·g (centered), else avg = √s + eps
 *   momentum μ > 0: b ← μ·b + g/avg, p ← p − lr·b;   else p ← p − lr·g/avg
 *
 * eps is added outside the square root, as in PyTorch (TensorFlow adds it inside).
 *
 * Options (defaults): `lr` (1e-2), `alpha` (0.99), `eps` (1e-8), `weightDecay` (0), `momentum` (0),
 * `centered` (false), `maximize` (false), `fused` (true). State per parameter: `step`, `squareAvg`,
 * `gradAvg` (centered), `momentumBuffer` (momentum > 0).
 *
 * @example
 * const opt = new RMSprop(model, { lr: 1e-3, momentum: 0.9 });
 * opt.step(grads);
 */
export class RMSprop extends Optimizer<RmspropGroupOptions, RmspropState> {
  static readonly className = 'RMSprop';
  protected readonly stateSpec: StateSpec = {
    tensors: ['squareAvg'],
    optionalTensors: ['gradAvg', 'momentumBuffer'],
    counters: ['step'],
  };

  constructor(params: OptimizerParams<RmspropGroupOptions>, options: RmspropOptions = {}) {
    const { fused, ...rest } = options ?? {};
    checkKeys(RMSprop.className, rest, Object.keys(DEFAULTS));
    const config = { ...DEFAULTS, ...dropUndefined(rest) } as RmspropGroupOptions;
    super(RMSprop.className, params, {
      ...config,
      fused: checkBoolean(RMSprop.className, 'fused', fused ?? true),
    });
  }

  protected checkOptions(o: RmspropGroupOptions, who: string): void {
    checkNumber(who, 'lr', o.lr, { min: 0 });
    checkNumber(who, 'alpha', o.alpha, { min: 0, max: 1 });
    checkNumber(who, 'eps', o.eps, { min: 0 });
    checkNumber(who, 'weightDecay', o.weightDecay, { min: 0 });
    checkNumber(who, 'momentum', o.momentum, { min: 0 });
    checkBoolean(who, 'centered', o.centered);
    checkBoolean(who, 'maximize', o.maximize);
  }

  protected update(
    param: Variable,
    grad: Tensor,
    group: ParamGroup<RmspropGroupOptions>,
    state: RmspropState | undefined,
  ): RmspropState {
    const s: RmspropState = state ?? { step: 0, squareAvg: zerosVariable(param) };
    // Buffers of an option switched on mid-run start at zero, as in a fresh PyTorch state.
    if (group.centered && s.gradAvg === undefined) s.gradAvg = zerosVariable(param);
    if (group.momentum > 0 && s.momentumBuffer === undefined) s.momentumBuffer = zerosVariable(param);
    s.step += 1;
    rmspropUpdate(param, grad, s, group, this.options.fused);
    return s;
  }
}
