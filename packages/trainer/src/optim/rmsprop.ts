import { checkNumber } from '@convkit/backend';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { type RmspropUpdateConfig, rmspropUpdate } from '../ops/rmsprop-update';
import { zerosVariable } from '../ops/zeros-variable';
import { checkBoolean, resolveOptimizerOptions } from '../options';
import { type GroupOptions, Optimizer, type ParamGroup, type StateSpec } from './optimizer';
import type { OptimizerParams } from './params';

/** RMSprop's hyperparameters (per group): `rmspropUpdate`'s; defaults in {@link RMSprop}. */
export interface RmspropGroupOptions extends GroupOptions, RmspropUpdateConfig {}

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
    super(RMSprop.className, params, resolveOptimizerOptions(RMSprop.className, options, DEFAULTS));
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
