import { checkOptions } from '@convkit/backend';
import { ones, reshape, type Tensor, tidy, type Variable, zeros } from '@tensorflow/tfjs-core';
import { Norm, type NormOptions, resolveNormOptions } from './norm';
import { normalize } from './ops/normalize';

/** Options of `GroupNorm`, and `eps` and `fused`. */
export interface GroupNormOptions extends NormOptions {
  /** G, the number of groups; must divide `numChannels`. */
  numGroups: number;
  /** C, the number of channels (last axis). */
  numChannels: number;
  /** Learnable per-channel `weight` (init 1) and `bias` (init 0) (default true). */
  affine?: boolean;
}

/** `GroupNorm`'s resolved options: every default filled in. */
export type GroupNormConfig = Required<GroupNormOptions>;

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
export class GroupNorm extends Norm {
  static readonly className = 'GroupNorm';
  override readonly options: GroupNormConfig;
  readonly weight?: Variable;
  readonly bias?: Variable;

  constructor(options: GroupNormOptions) {
    super();
    const { numGroups, numChannels } = checkOptions(this.className, options, ['numGroups', 'numChannels']);
    if (!Number.isInteger(numGroups) || numGroups < 1 || !Number.isInteger(numChannels) || numChannels < 1) {
      throw new Error(`${this.className}: numGroups and numChannels must be positive integers`);
    }
    if (numChannels % numGroups !== 0) {
      throw new Error(
        `${this.className}: num_channels must be divisible by num_groups (got numChannels=${numChannels}, numGroups=${numGroups})`,
      );
    }
    const { eps, fused } = resolveNormOptions(this.className, options);
    this.options = { numGroups, numChannels, eps, affine: options.affine ?? true, fused };
    if (this.options.affine) {
      this.weight = this.addParameter('weight', ones([numChannels]));
      this.bias = this.addParameter('bias', zeros([numChannels]));
    }
  }

  /** @deprecated Read `options.numGroups`. */
  get numGroups(): number {
    return this.options.numGroups;
  }

  /** @deprecated Read `options.numChannels`. */
  get numChannels(): number {
    return this.options.numChannels;
  }

  /** @deprecated Read `options.eps`. */
  get eps(): number {
    return this.options.eps;
  }

  /** @deprecated Read `options.affine`. */
  get affine(): boolean {
    return this.options.affine;
  }

  /** @deprecated Read `options.fused`. */
  get fused(): boolean {
    return this.options.fused;
  }

  forward(x: Tensor): Tensor {
    if (x.rank < 2 || x.shape[x.rank - 1] !== this.options.numChannels) {
      throw new Error(
        `${this.className}: expected input [N, ..., ${this.options.numChannels}] (channels last), got [${x.shape}]`,
      );
    }
    const g = this.options.numGroups;
    return tidy(() => {
      // [N, ..., C] → [N, positions, G, C/G]: a free reshape, channel c = group·(C/G) + j as in PyTorch.
      const d = this.options.numChannels / g;
      const grouped = reshape(x, [x.shape[0], -1, g, d]);
      const perGroup = (p?: Tensor) => (p ? reshape(p, [g, d]) : undefined);
      const y = normalize(grouped, [1, 3], this.options.eps, {
        weight: perGroup(this.weight),
        bias: perGroup(this.bias),
        fused: this.options.fused,
      });
      return reshape(y, x.shape);
    });
  }
}
