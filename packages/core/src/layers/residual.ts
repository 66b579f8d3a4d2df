import type { Tensor } from '@tensorflow/tfjs-core';
import { Module, type ModuleConfig } from '../module';
import { addSameShape } from '../ops/add';
import type { BuildModule } from './sequential';

/**
 * A residual connection: `y = body(x) + shortcut(x)`, shortcut the identity by default
 * (He et al. 2016, "Deep Residual Learning for Image Recognition").
 *
 * Children: `body`, and `shortcut` when given (e.g. a strided 1×1 `Conv2d` projection).
 * The two outputs must have the same shape: no silent broadcasting.
 *
 * @example
 * const block = new Residual(new Sequential(conv1, new ReLU(), conv2));
 */
export class Residual extends Module {
  static readonly className = 'Residual';
  readonly body: Module;
  readonly shortcut: Module | null;

  constructor(body: Module, shortcut?: Module) {
    super();
    this.body = this.addModule('body', body);
    this.shortcut = shortcut ? this.addModule('shortcut', shortcut) : null;
  }

  /** Rebuilds from `{ body: ModuleConfig, shortcut?: ModuleConfig }`. */
  static fromConfig(config: Record<string, unknown>, build: BuildModule): Residual {
    if (typeof config.body !== 'object' || config.body === null) {
      throw new Error('Residual.fromConfig: expected { body: ModuleConfig, shortcut?: ModuleConfig }');
    }
    const shortcut = config.shortcut ? build(config.shortcut as ModuleConfig) : undefined;
    return new Residual(build(config.body as ModuleConfig), shortcut);
  }

  forward(x: Tensor): Tensor {
    const f = this.body.call(x);
    const s = this.shortcut ? this.shortcut.call(x) : x;
    if (f.shape.length !== s.shape.length || f.shape.some((d, i) => d !== s.shape[i])) {
      throw new Error(
        `Residual: body output [${f.shape}] and shortcut output [${s.shape}] differ — give a shortcut projection`,
      );
    }
    // The sum saves nothing for backward (tfjs's Add would keep f and s alive to read their shapes).
    return addSameShape(f, s);
  }

  override toConfig(): ModuleConfig {
    return {
      className: this.className,
      config: {
        body: this.body.toConfig(),
        ...(this.shortcut ? { shortcut: this.shortcut.toConfig() } : {}),
      },
    };
  }
}
