import { engine, type Tensor } from '@tensorflow/tfjs-core';
import { ReLU } from '../activations/relu';
import type { Module } from '../module';
import { Conv2d } from './conv2d';
import { isChannelAffine } from './fold';

/** A module that folds Conv2d → norm (→ ReLU) in evaluation mode while `foldInEval` is on (`foldNorms`). */
export interface FoldsNorms {
  foldInEval: boolean;
}

/**
 * `act(norm(conv(x)))` as one convolution with the norm folded into its weights
 * (`Conv2d.callFolded`), when `owner.foldInEval` is on and the layers allow it now: `conv` a Conv2d
 * and `norm` a {@link ChannelAffine} for its output, both in evaluation mode and without forward
 * hooks, outside a gradient tape. Otherwise null: the caller runs the layers one by one. `act`
 * (optional) is fused into the convolution's output pass when it is a ReLU without hooks;
 * `withAct` says whether it was applied.
 *
 * @example
 * const folded = foldedConvNorm(this, this.conv1, this.bn1, this.act, x);
 */
export function foldedConvNorm(
  owner: FoldsNorms,
  conv: Module,
  norm: Module | undefined,
  act: Module | undefined,
  x: Tensor,
): { y: Tensor; withAct: boolean } | null {
  if (!owner.foldInEval || !(conv instanceof Conv2d) || conv.training || conv.hasForwardHooks) return null;
  if (!isChannelAffine(norm) || norm.hasForwardHooks || engine().state.gradientDepth > 0) return null;
  if (norm.channelAffineInputs(4, conv.options.outChannels) === null) return null;
  const withAct = act instanceof ReLU && !act.hasForwardHooks;
  return { y: conv.callFolded(x, norm, withAct), withAct };
}

/**
 * `act(norm(conv(x)))` (no `act` when undefined): folded into one convolution where
 * {@link foldedConvNorm} allows it, else each layer's own `call`. For blocks with their own
 * `forward` (ResNet's), so that `foldNorms` reaches them.
 */
export function convNormAct(
  owner: FoldsNorms,
  conv: Module,
  norm: Module,
  act: Module | undefined,
  x: Tensor,
): Tensor {
  const folded = foldedConvNorm(owner, conv, norm, act, x);
  if (folded !== null) return folded.withAct || act === undefined ? folded.y : act.call(folded.y);
  const y = norm.call(conv.call(x));
  return act === undefined ? y : act.call(y);
}
