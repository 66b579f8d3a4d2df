import { Identity, type Module } from '@convkit/core';
import { BatchNorm2d } from './batch-norm';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm2d } from './layer-norm';

/** Options `createNorm` passes on to the norm it builds (each norm reads the ones it has). */
export interface CreateNormOptions {
  /** Default 1e-5. */
  eps?: number;
  /** BatchNorm / InstanceNorm running-average momentum (default 0.1). */
  momentum?: number | null;
  /** Learnable per-channel weight and bias (default: the norm's own, true except InstanceNorm). */
  affine?: boolean;
  /** BatchNorm / InstanceNorm running statistics (default: the norm's own). */
  trackRunningStats?: boolean;
  /** GroupNorm's G (default 32, Wu & He); must divide the channel count. */
  numGroups?: number;
  /** Run on the backend's fused normalization kernels where it has them (default true; webgpu). */
  fused?: boolean;
}

type NormFactory = (numChannels: number, o: CreateNormOptions) => Module;

const running = (numFeatures: number, o: CreateNormOptions) => ({
  numFeatures,
  eps: o.eps,
  momentum: o.momentum,
  affine: o.affine,
  trackRunningStats: o.trackRunningStats,
  fused: o.fused,
});

/**
 * The norms `createNorm` knows, for a conv feature map [N, H, W, C] whose only known size is C:
 * - `batch`: BatchNorm2d;
 * - `layer`: the lecture's LayerNorm (per sample over H, W, C) with a per-channel affine, i.e.
 *   GroupNorm with one group — unlike `LayerNorm({ normalizedShape: [H, W, C] })` it needs no H, W;
 * - `layer2d`: LayerNorm2d, per sample and position over C (ConvNeXt);
 * - `instance`: InstanceNorm2d; `group`: GroupNorm(numGroups); `none`: Identity.
 */
const NORMS: Record<string, NormFactory> = {
  batch: (c, o) => new BatchNorm2d(running(c, o)),
  layer: (c, o) =>
    new GroupNorm({ numGroups: 1, numChannels: c, eps: o.eps, affine: o.affine, fused: o.fused }),
  layer2d: (c, o) =>
    new LayerNorm2d({ numChannels: c, eps: o.eps, elementwiseAffine: o.affine, fused: o.fused }),
  instance: (c, o) => new InstanceNorm2d(running(c, o)),
  group: (c, o) =>
    new GroupNorm({
      numGroups: o.numGroups ?? 32,
      numChannels: c,
      eps: o.eps,
      affine: o.affine,
      fused: o.fused,
    }),
  none: () => new Identity(),
};

/** The names `createNorm` accepts. */
export type NormName = 'batch' | 'layer' | 'layer2d' | 'instance' | 'group' | 'none';

/** Every name `createNorm` accepts, in table order. */
export const normNames = Object.keys(NORMS) as NormName[];

/**
 * Builds a normalization layer for C-channel NHWC feature maps by name; unknown names throw with the
 * list of known ones. Options a norm does not have are ignored (e.g. `numGroups` for `batch`).
 *
 * @example
 * const norm = createNorm('group', 64, { numGroups: 8 });
 */
export function createNorm(name: NormName, numChannels: number, options: CreateNormOptions = {}): Module {
  const factory = Object.hasOwn(NORMS, name) ? NORMS[name] : undefined;
  if (!factory) throw new Error(`createNorm: unknown norm '${name}'; known: ${normNames.join(', ')}`);
  return factory(numChannels, options);
}
