import { AdamFamily, type AdamGroupOptions, type AdamOptions } from './adam';
import type { OptimizerParams } from './params';

/**
 * AdamW (Loshchilov & Hutter, "Decoupled Weight Decay Regularization"), PyTorch's
 * `torch.optim.AdamW`: Adam with the weight decay applied to the weights, not through the gradient.
 * For each parameter p with gradient g, at its step t:
 *
 *   p ← p·(1 − lr·weightDecay)
 *   m ← β1·m + (1 − β1)·g,    v ← β2·v + (1 − β2)·g²      (g: −g with maximize)
 *   p ← p − lr/(1 − β1ᵗ) · m / (√v / √(1 − β2ᵗ) + eps)     (√vmax with amsgrad)
 *
 * Options (defaults): `lr` (1e-3), `betas` ([0.9, 0.999]), `eps` (1e-8), `weightDecay` (1e-2, as
 * PyTorch), `amsgrad` (false), `maximize` (false), `fused` (true). Biases and norm parameters are
 * usually left undecayed: give them a group with `weightDecay: 0` (`paramGroups` of
 * @convkit/regularization does it).
 *
 * @example
 * const opt = new AdamW(paramGroups(model, { weightDecay: 0.05 }), { lr: 1e-3 });
 * opt.step(grads);
 */
export class AdamW extends AdamFamily {
  static readonly className = 'AdamW';

  constructor(params: OptimizerParams<AdamGroupOptions>, options: AdamOptions = {}) {
    super(AdamW.className, params, options, 1e-2, true);
  }
}
