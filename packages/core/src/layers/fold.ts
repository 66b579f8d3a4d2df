import { clone, dispose, keep, type Tensor, tidy } from '@tensorflow/tfjs-core';
import type { Module } from '../module';

/**
 * A module that, in its current mode, maps its input per channel (the last axis) as
 *   y = x·scale + shift
 * — BatchNorm in evaluation mode, with its running statistics: scale = weight / sqrt(runningVar + eps),
 * shift = bias − runningMean·scale. Declared here, implemented by @convkit/norms' running norms.
 *
 * With folding on (`foldNorms(model)`), in evaluation mode and outside a gradient tape, a `Sequential`
 * folds such a module into the `Conv2d` just before it, and a `ReLU` just after it into the
 * convolution's output pass (`Conv2d.callFolded`):
 *   conv(x, W)·scale + shift = conv(x, W·scale) + (b·scale + shift)
 * one pass over the activation instead of four (conv, subtract, scale, shift) or five (ReLU). This is
 * PyTorch's `fuse_conv_bn_eval`; the values differ from the unfolded layers by float32 rounding, and
 * like PyTorch's inference BatchNorm (x·scale + shift) the shift may cancel when a running mean is
 * large against the output's spread. It is opt-in because each folded convolution keeps a folded
 * copy of its weights ({@link FoldCache}: refolded when a weight or statistic changes, dropped when
 * the model goes back to training mode).
 */
export interface ChannelAffine {
  /**
   * The tensors scale and shift are computed from, for an input of rank `rank` with `channels` in
   * its last axis, or `null` when the module is no such map for it now (training mode, no running
   * statistics, an input it rejects). A folded convolution keeps its folded weights while these
   * tensors (their data) stay the same.
   */
  channelAffineInputs(rank: number, channels: number): readonly Tensor[] | null;
  /** scale and shift, each [C] (C = the channels), as new tensors the caller owns. */
  channelAffine(): { scale: Tensor; shift: Tensor };
}

/** Whether `m` implements {@link ChannelAffine}. */
export function isChannelAffine(m: unknown): m is ChannelAffine {
  const c = m as Partial<ChannelAffine> | null;
  return typeof c?.channelAffineInputs === 'function' && typeof c.channelAffine === 'function';
}

/**
 * Tensors computed from others (a convolution's folded weights), kept while those inputs hold the
 * same values. It keeps a snapshot of each input — a `clone`, which shares the input's data — and
 * reuses its tensors while every input still holds the snapshot's data (same `dataId`):
 * - `assign` (optimizers on cpu and wasm, running statistics, `loadStateDict`) gives a variable new
 *   data, so the next `get` recomputes;
 * - an in-place write (convkit's fused optimizer kernels on webgpu) is only allowed on data no other
 *   tensor shares; the snapshot shares it, so the writer copies first (`ownData` of
 *   @convkit/trainer), which again gives the variable new data.
 * So a cached value is never stale. While cached, the snapshots keep the inputs' data alive after
 * their variables move on; `clear` frees both.
 */
export class FoldCache {
  private entry: { from: Tensor[]; values: Tensor[] } | null = null;

  /**
   * `make()`'s tensors (owned by the cache: do not dispose them), reused from the last call while
   * every tensor of `from` holds the same data as then.
   */
  get(from: readonly Tensor[], make: () => Tensor[]): Tensor[] {
    const e = this.entry;
    if (e !== null && e.from.length === from.length && e.from.every((s, i) => s.dataId === from[i]?.dataId)) {
      return e.values;
    }
    this.clear();
    const values = tidy(make).map((t) => keep(t));
    this.entry = { from: from.map((t) => keep(clone(t))), values };
    return values;
  }

  /** Whether tensors are cached now. */
  get cached(): boolean {
    return this.entry !== null;
  }

  /** Frees the cached tensors and the snapshots. */
  clear(): void {
    if (this.entry === null) return;
    dispose([...this.entry.from, ...this.entry.values]);
    this.entry = null;
  }
}

/**
 * Turns folding of Conv2d → BatchNorm (→ ReLU) on (or off) in every `Sequential` of `model`
 * (`Sequential.foldInEval`): inference in evaluation mode then runs one convolution with folded
 * weights where the layers ran three or four passes (see {@link ChannelAffine}). Training mode and
 * gradient tapes are unaffected. Folded weights are freed by `dispose` (or when folding is off and
 * the model is disposed). Returns `model`.
 *
 * @example
 * const net = foldNorms(resnet18().eval());
 * const logits = net.call(images);
 */
export function foldNorms<M extends Module>(model: M, on = true): M {
  for (const [, m] of model.namedModules()) {
    const seq = m as { foldInEval?: unknown };
    if (typeof seq.foldInEval === 'boolean') seq.foldInEval = on;
  }
  return model;
}
