import type { Module } from '@convkit/core';
import {
  add,
  div,
  mul,
  sqrt,
  square,
  sub,
  type Tensor,
  tidy,
  type Variable,
  variable,
  zerosLike,
} from '@tensorflow/tfjs-core';

/** Options of {@link Adam}. */
export interface AdamOptions {
  /** Step size. Default 1e-3. */
  lr?: number;
  /** Decay of the first-moment estimate. Default 0.9. */
  beta1?: number;
  /** Decay of the second-moment estimate. Default 0.999. */
  beta2?: number;
  /** Added to √v. Default 1e-8. */
  eps?: number;
}

/**
 * Adam (Kingma & Ba, 2015), just enough for this example (the real optimizers live in the trainer):
 * `m ← β1·m + (1−β1)·g`, `v ← β2·v + (1−β2)·g²`, `p ← p − lr·m̂/(√v̂ + ε)` with the bias
 * corrections `m̂ = m/(1−β1ᵗ)`, `v̂ = v/(1−β2ᵗ)`.
 *
 * @example
 * const opt = new Adam(model, { lr: 1e-3 });
 * opt.step(grads); // grads by parameter name, from valueAndGrads
 */
export class Adam {
  private readonly moments = new Map<string, { m: Variable; v: Variable }>();
  private t = 0;
  private readonly lr: number;
  private readonly beta1: number;
  private readonly beta2: number;
  private readonly eps: number;

  constructor(
    private readonly module: Module,
    options: AdamOptions = {},
  ) {
    this.lr = options.lr ?? 1e-3;
    this.beta1 = options.beta1 ?? 0.9;
    this.beta2 = options.beta2 ?? 0.999;
    this.eps = options.eps ?? 1e-8;
  }

  /** One update of every trainable parameter that has an entry in `grads` (not disposed here). */
  step(grads: Record<string, Tensor>): void {
    this.t++;
    const { beta1: b1, beta2: b2 } = this;
    // Bias corrections folded into scalars (Kingma & Ba, §2, the "more efficient" ordering):
    // lr·m̂/(√v̂ + ε) = lrT·m/(√v + ε·√(1−β2ᵗ)), lrT = lr·√(1−β2ᵗ)/(1−β1ᵗ).
    const c2 = Math.sqrt(1 - b2 ** this.t);
    const lrT = (this.lr * c2) / (1 - b1 ** this.t);
    const epsT = this.eps * c2;
    for (const [name, p] of this.module.namedParameters()) {
      const g = grads[name];
      if (g === undefined || !p.trainable) continue;
      let state = this.moments.get(name);
      if (state === undefined) {
        // tidy frees the zerosLike temporaries; variables outlive it.
        state = tidy(() => ({ m: variable(zerosLike(p), false), v: variable(zerosLike(p), false) }));
        this.moments.set(name, state);
      }
      const { m, v } = state;
      tidy(() => {
        m.assign(add(mul(m, b1), mul(g, 1 - b1)));
        v.assign(add(mul(v, b2), mul(square(g), 1 - b2)));
        p.assign(sub(p, mul(div(m, add(sqrt(v), epsT)), lrT)));
      });
    }
  }

  /** Frees the moment estimates. */
  dispose(): void {
    for (const { m, v } of this.moments.values()) {
      m.dispose();
      v.dispose();
    }
    this.moments.clear();
  }
}
