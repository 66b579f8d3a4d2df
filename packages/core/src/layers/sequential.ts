import type { Tensor } from '@tensorflow/tfjs-core';
import { Module, type ModuleConfig } from '../module';
import type { ChannelAffine } from './fold';
import { foldedConvNorm } from './fold-call';

/** Builds a module from its config (a `ModuleRegistry`'s `fromConfig`). */
export type BuildModule = (config: ModuleConfig) => Module;

/**
 * Applies modules in order, PyTorch's `nn.Sequential`: `y = fₙ(…f₂(f₁(x)))`.
 *
 * Children are named `'0'`, `'1'`, …, so parameters read `0.weight`, `3.bias`. An error inside a
 * child is re-thrown with its index prepended (`Sequential[2] → Linear(512→10): …`).
 * Rebuild from a config with a registry: `registry.fromConfig(seq.toConfig())`.
 *
 * With `foldInEval` on (`foldNorms(model)` sets it throughout a model), in evaluation mode and outside
 * a gradient tape, a `Conv2d` followed by a BatchNorm (any {@link ChannelAffine}) and optionally a
 * `ReLU` runs as one convolution with the norm folded into its weights (`Conv2d.callFolded`,
 * `fold.ts`): the same values up to float32 rounding, in one pass over the activation. Modules with
 * forward hooks are never folded.
 *
 * @example
 * const net = new Sequential(new Conv2d({ inChannels: 3, outChannels: 8, kernelSize: 3 }), new ReLU());
 * net.add(new Flatten());
 */
export class Sequential extends Module {
  static readonly className = 'Sequential';
  private readonly layers: Module[] = [];
  /** Fold Conv2d → BatchNorm (→ ReLU) into one convolution in evaluation mode (default false; `foldNorms`). */
  foldInEval = false;

  constructor(...modules: Module[]) {
    super();
    for (const m of modules) this.add(m);
  }

  /** Rebuilds from `{ layers: ModuleConfig[] }`, building each child with `build`. */
  static fromConfig(config: Record<string, unknown>, build: BuildModule): Sequential {
    const layers = config.layers;
    if (!Array.isArray(layers)) throw new Error('Sequential.fromConfig: expected { layers: ModuleConfig[] }');
    return new Sequential(...layers.map((c) => build(c as ModuleConfig)));
  }

  /** Appends `module` under the next index; returns this for chaining. */
  add(module: Module): this {
    this.addModule(String(this.layers.length), module);
    this.layers.push(module);
    return this;
  }

  /** Number of children. */
  get length(): number {
    return this.layers.length;
  }

  /** The child at `index` (negative counts from the end). */
  at(index: number): Module | undefined {
    return this.layers.at(index);
  }

  [Symbol.iterator](): Iterator<Module> {
    return this.layers[Symbol.iterator]();
  }

  forward(x: Tensor): Tensor {
    let y = x;
    for (let i = 0; i < this.layers.length; i++) {
      const layer = this.layers[i] as Module;
      try {
        const folded = foldedConvNorm(this, layer, this.layers[i + 1], this.layers[i + 2], y);
        if (folded !== null) {
          y = folded.y;
          i += folded.withAct ? 2 : 1;
        } else {
          y = layer.call(y);
        }
      } catch (err) {
        if (err instanceof Error) err.message = `${this.className}[${i}] → ${err.message}`;
        throw err;
      }
    }
    return y;
  }

  override toConfig(): ModuleConfig {
    return { className: this.className, config: { layers: this.layers.map((m) => m.toConfig()) } };
  }
}
