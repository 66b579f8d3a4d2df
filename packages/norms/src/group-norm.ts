import { Module, type ModuleConfig } from '@convkit/core';
import { ones, reshape, type Tensor, tidy, type Variable, zeros } from '@tensorflow/tfjs-core';
import { normalize } from './ops/normalize';

/** Options of `GroupNorm`. */
export interface GroupNormOptions {
  /** G, the number of groups; must divide `numChannels`. */
  numGroups: number;
  /** C, the number of channels (last axis). */
  numChannels: number;
  /** Added to the variance before the square root (default 1e-5). */
  eps?: number;
  /** Learnable per-channel `weight` (init 1) and `bias` (init 0) (default true). */
  affine?: boolean;
  /**
   * Run on the backend's fused normalization kernels where it has them (webgpu: fewer GPU launches,
   * see bench/RESULTS.md); false forces the composed ops. Same values either way (default true).
   */
  fused?: boolean;
}

/**
 * Group normalization with PyTorch's semantics, channels last: the C channels are split into G
 * contiguous groups of C/G; each sample is normalized per group, over every position and the group's
 * channels.
 *
 *   y = (x − E_g[x]) / sqrt(Var_g[x] + eps) · weight[c] + bias[c]   (biased Var over H, W, C/G)
 *
 * G = 1 is LayerNorm over (H, W, C) with a per-channel affine; G = C is InstanceNorm. Independent of the
 * batch size; the same computation in train and eval.
 *
 * Options: `numGroups`, `numChannels` (required), `eps` (1e-5), `affine` (true), `fused` (true).
 *
 * Shapes: [N, ..., C] → same (rank ≥ 2), C = numChannels divisible by numGroups.
 *
 * Wu & He, "Group Normalization", 2018.
 *
 * @example
 * const gn = new GroupNorm({ numGroups: 32, numChannels: 256 });
 * const y = gn.call(x); // x: [N, H, W, 256]
 */
export class GroupNorm extends Module {
  static readonly className = 'GroupNorm';
  readonly numGroups: number;
  readonly numChannels: number;
  readonly eps: number;
  readonly affine: boolean;
  readonly fused: boolean;
  readonly weight?: Variable;
  readonly bias?: Variable;

  constructor(options: GroupNormOptions) {
    super();
    const { numGroups, numChannels } = options;
    this.numGroups = numGroups;
    this.numChannels = numChannels;
    if (!Number.isInteger(numGroups) || numGroups < 1 || !Number.isInteger(numChannels) || numChannels < 1) {
      throw new Error(`${this.className}: numGroups and numChannels must be positive integers`);
    }
    if (numChannels % numGroups !== 0) {
      throw new Error(
        `${this.className}: num_channels must be divisible by num_groups (got numChannels=${numChannels}, numGroups=${numGroups})`,
      );
    }
    this.eps = options.eps ?? 1e-5;
    this.affine = options.affine ?? true;
    this.fused = options.fused ?? true;
    if (this.affine) {
      this.weight = this.addParameter('weight', ones([numChannels]));
      this.bias = this.addParameter('bias', zeros([numChannels]));
    }
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.numChannels) {
      throw new Error(
        `${this.className}: expected input [N, ..., ${this.numChannels}] (channels last), got [${x.shape}]`,
      );
    }
    const g = this.numGroups;
    return tidy(() => {
      // [N, ..., C] → [N, positions, G, C/G]: a free reshape, channel c = group·(C/G) + j as in PyTorch.
      const d = this.numChannels / g;
      const grouped = reshape(x, [x.shape[0], -1, g, d]);
      const perGroup = (p?: Tensor) => (p ? reshape(p, [g, d]) : undefined);
      const y = normalize(grouped, [1, 3], this.eps, {
        weight: perGroup(this.weight),
        bias: perGroup(this.bias),
        fused: this.fused,
      });
      return reshape(y, x.shape);
    });
  }

  /** Names of this module's parameters an optimizer should not decay (see @convkit/regularization). */
  noWeightDecay(): string[] {
    return ['weight', 'bias'];
  }

  override toConfig(): ModuleConfig {
    return {
      className: this.className,
      config: {
        numGroups: this.numGroups,
        numChannels: this.numChannels,
        eps: this.eps,
        affine: this.affine,
        fused: this.fused,
      },
    };
  }
}
