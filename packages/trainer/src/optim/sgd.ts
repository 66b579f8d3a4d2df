import { checkNumber } from '@convkit/backend';
import type { Tensor, Variable } from '@tensorflow/tfjs-core';
import { type SgdUpdateConfig, sgdUpdate } from '../ops/sgd-update';
import { checkBoolean, resolveOptimizerOptions } from '../options';
import { type GroupOptions, Optimizer, type ParamGroup, type StateSpec } from './optimizer';
import type { OptimizerParams } from './params';

/** SGD's hyperparameters (per group): `sgdUpdate`'s; defaults in {@link SGD}. */
export interface SgdGroupOptions extends GroupOptions, SgdUpdateConfig {}

/** Options of {@link SGD}: every hyperparameter (defaults for all groups), and `fused`. */
export interface SgdOptions extends Partial<SgdGroupOptions> {
  lr: number;
  /** Use the fused WebGPU update where the backend has it (one launch per parameter). Default true. */
  fused?: boolean;
}

/** SGD's state of a parameter: the momentum buffer, once momentum has been used. */
export interface SgdState {
  [key: string]: Variable | number | undefined;
  momentumBuffer?: Variable;
}

const SGD_DEFAULTS: Omit<SgdGroupOptions, 'lr'> = {
  momentum: 0,
  dampening: 0,
  weightDecay: 0,
  nesterov: false,
  maximize: false,
};

/**
 * Stochastic gradient descent with momentum, PyTorch's `torch.optim.SGD`. For each parameter p with
 * gradient g, per step:
 *
 *   d = g (−g with maximize) + weightDecay·p
 *   momentum μ ≠ 0:  b ← d on the first step, then b ← μ·b + (1 − dampening)·d
 *                    d ← d + μ·b with Nesterov, else d ← b
 *   p ← p − lr·d
 *
 * Note PyTorch's form of momentum (Sutskever et al. fold lr into the buffer): the buffer holds
 * gradients, so changing lr takes effect at once.
 *
 * Options (defaults): `lr` (required), `momentum` (0), `dampening` (0), `weightDecay` (0),
 * `nesterov` (false), `maximize` (false), `fused` (true). State per parameter: `momentumBuffer`.
 *
 * @example
 * const opt = new SGD(model, { lr: 0.1, momentum: 0.9, weightDecay: 5e-4, nesterov: true });
 * const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), y));
 * opt.step(grads);
 * dispose([loss, grads]);
 */
export class SGD extends Optimizer<SgdGroupOptions, SgdState> {
  static readonly className = 'SGD';
  protected readonly stateSpec: StateSpec = {
    tensors: [],
    optionalTensors: ['momentumBuffer'],
    counters: [],
  };

  constructor(params: OptimizerParams<SgdGroupOptions>, options: SgdOptions) {
    if (options === null || typeof options !== 'object') {
      throw new Error('SGD: options with a learning rate are required, e.g. new SGD(model, { lr: 0.1 })');
    }
    const known = ['lr', ...Object.keys(SGD_DEFAULTS)];
    super(
      SGD.className,
      params,
      resolveOptimizerOptions<SgdGroupOptions>(SGD.className, options, SGD_DEFAULTS, known),
    );
  }

  protected checkOptions(o: SgdGroupOptions, who: string): void {
    if (o.lr === undefined)
      throw new Error(`${who}: lr is required (PyTorch's SGD has no default), e.g. { lr: 0.1 }`);
    checkNumber(who, 'lr', o.lr, { min: 0 });
    checkNumber(who, 'momentum', o.momentum, { min: 0 });
    checkNumber(who, 'dampening', o.dampening);
    checkNumber(who, 'weightDecay', o.weightDecay, { min: 0 });
    checkBoolean(who, 'nesterov', o.nesterov);
    checkBoolean(who, 'maximize', o.maximize);
    if (o.nesterov && (o.momentum <= 0 || o.dampening !== 0)) {
      throw new Error(
        `${who}: Nesterov momentum needs momentum > 0 and dampening 0, got momentum ${o.momentum} and dampening ${o.dampening}`,
      );
    }
  }

  protected update(
    param: Variable,
    grad: Tensor,
    group: ParamGroup<SgdGroupOptions>,
    state: SgdState | undefined,
  ): SgdState {
    const buffer = sgdUpdate(param, grad, state?.momentumBuffer, group, this.options.fused);
    return buffer === undefined ? {} : { momentumBuffer: buffer };
  }
}
