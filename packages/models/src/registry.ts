import type { ModuleConfig } from '@convkit/core';
import type { ModelOptions, ZooModel } from './model';
import { didYouMean, globToRegExp } from './names';

/** The paper an architecture comes from. */
export interface ModelPaper {
  title: string;
  authors: string;
  year: number;
  url: string;
}

/** What a zoo entry declares about its default configuration (timm's pretrained cfg, torchvision's meta). */
export interface ModelCfg {
  /** Default input `[H, W, C]`. */
  inputSize: [number, number, number];
  /** Per-channel normalization of the input the model expects (applied by the data pipeline). */
  mean: number[];
  std: number[];
  numClasses: number;
  /** Parameter count at the defaults (for torchvision architectures: torchvision 0.14's). Checked by the tests. */
  params: number;
  /** Multiply-adds of one image at `inputSize` (convolutions and linear layers, as fvcore and torchvision count). */
  macs: number;
  paper: ModelPaper;
  /** The torchvision builder with the same architecture and state-dict keys, if there is one. */
  torchvision?: string;
}

/** How the all-models test runs an entry; defaults: the model at its defaults on a batch of 2 at `inputSize`. */
export interface ModelTestCfg {
  /** Input `[H, W, C]` of the test (small, to keep the suite fast). */
  inputSize?: [number, number, number];
  /** Options that shrink the model for the test, e.g. `{ widthMultiplier: 1 / 16 }`. */
  options?: Record<string, unknown>;
  /**
   * The smallest `widthMultiplier` at which every layer width is a whole number (default 1/64, for widths
   * that are multiples of 64): params.test.ts counts the model at 1, 2, 3 and 4 times it.
   */
  widthUnit?: number;
}

/** One named model of the zoo: a factory and its declared configuration. */
export interface ModelEntry {
  /** The registry name, e.g. `'resnet18'` (torchvision's name where torchvision has the model). */
  name: string;
  /** Builds the model; options override the entry's defaults. */
  create(options?: ModelOptions & Record<string, unknown>): ZooModel;
  cfg: ModelCfg;
  test?: ModelTestCfg;
}

/** A class of zoo models, rebuilt from `toConfig()` output with `new Architecture(config)`. */
export interface ModelClass {
  readonly className: string;
  new (config: never): ZooModel;
}

/** An architecture with its named configurations: what one zoo file (`resnet.ts`) exports. */
export interface ModelFamily {
  /** Version of this interface, so that zoo files can evolve. */
  specificationVersion: 1;
  architecture: ModelClass;
  models: ModelEntry[];
}

/** `modelInfo(name)`: the entry's declared configuration with its name. */
export interface ModelInfo extends ModelCfg {
  name: string;
}

/**
 * Named models, timm's registry as an explicit instance: `register` throws on a duplicate name,
 * `create` on an unknown one (with the closest known names). Nothing registers itself on import: the
 * package index fills one registry with the zoo (`createModelRegistry()`), and you can make your own.
 *
 * @example
 * const registry = createModelRegistry();
 * registry.register({ name: 'resnet10', create: (o) => resNet({ block: 'basic', layers: [1, 1, 1, 1] }, o), cfg });
 * const model = registry.create('resnet10', { numClasses: 10 });
 */
export class ModelRegistry {
  private readonly entries = new Map<string, ModelEntry>();
  private readonly architectures = new Map<string, ModelClass>();

  /** Registers an architecture (for `create(config)`) and every model of the family. */
  registerFamily(family: ModelFamily): this {
    if (family.specificationVersion !== 1) {
      throw new Error(
        `ModelRegistry: family ${family.architecture?.className} has specificationVersion ${family.specificationVersion}; this registry reads version 1`,
      );
    }
    this.registerArchitecture(family.architecture);
    for (const entry of family.models) this.register(entry);
    return this;
  }

  /** Registers a model class under its static `className`, so that its configs can be rebuilt. */
  registerArchitecture(architecture: ModelClass): this {
    const name = architecture.className;
    if (this.architectures.has(name))
      throw new Error(`ModelRegistry: architecture '${name}' is already registered`);
    this.architectures.set(name, architecture);
    return this;
  }

  /** Registers a named model; throws if the name is taken. */
  register(entry: ModelEntry): this {
    const name = entry?.name;
    if (typeof name !== 'string' || !/^[\w.-]+$/.test(name)) {
      throw new Error(
        `ModelRegistry: a model name is letters, digits, '_', '-' or '.', got ${JSON.stringify(name)}`,
      );
    }
    if (typeof entry.create !== 'function')
      throw new Error(`ModelRegistry: '${name}' needs a create function`);
    if (this.entries.has(name)) throw new Error(`ModelRegistry: model '${name}' is already registered`);
    this.entries.set(name, entry);
    return this;
  }

  /** True when a model is registered as `name`. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /**
   * Registered names, sorted naturally (`resnet18` before `resnet101`); with `pattern` (a glob, `*`,
   * `?` and `[…]`, case-insensitive, or a list of globs), only the names that match one of them.
   */
  list(pattern?: string | string[]): string[] {
    const names = [...this.entries.keys()].sort((a, b) => a.localeCompare(b, 'en', { numeric: true }));
    if (pattern === undefined) return names;
    const globs = (Array.isArray(pattern) ? pattern : [pattern]).map(globToRegExp);
    return names.filter((n) => globs.some((g) => g.test(n)));
  }

  /** The registered entry `name`; throws with the closest names when there is none. */
  get(name: string): ModelEntry {
    const entry = this.entries.get(name);
    if (entry) return entry;
    throw new Error(
      `unknown model '${name}'${didYouMean(String(name), [...this.entries.keys()])}; listModels() gives all ${this.entries.size}`,
    );
  }

  /** The declared configuration of `name`: input size, channels, mean/std, classes, params, MACs, paper. */
  info(name: string): ModelInfo {
    return { name, ...structuredClone(this.get(name).cfg) };
  }

  /**
   * Builds the model `name` (fresh weights), options overriding the entry's defaults; or, given a
   * `toConfig()` output, rebuilds that architecture (fresh weights, same configuration).
   */
  create(name: string, options?: ModelOptions & Record<string, unknown>): ZooModel;
  create(config: ModuleConfig): ZooModel;
  create(nameOrConfig: string | ModuleConfig, options?: ModelOptions & Record<string, unknown>): ZooModel {
    if (typeof nameOrConfig === 'string') return this.get(nameOrConfig).create(options);
    if (options !== undefined) throw new Error('createModel(config): options go inside config.config');
    const { className, config } = nameOrConfig ?? {};
    const architecture = this.architectures.get(className);
    if (!architecture) {
      throw new Error(
        `createModel: unknown architecture '${className}'${didYouMean(String(className), [...this.architectures.keys()])}; known: ${[...this.architectures.keys()].join(', ')}`,
      );
    }
    return new architecture(structuredClone(config) as never);
  }
}
