import { ELU } from './activations/elu';
import { GELU } from './activations/gelu';
import { LeakyReLU } from './activations/leaky-relu';
import { ReLU } from './activations/relu';
import { Sigmoid } from './activations/sigmoid';
import { SiLU } from './activations/silu';
import { Softmax } from './activations/softmax';
import { Tanh } from './activations/tanh';
import { AdaptiveAvgPool2d, GlobalAvgPool2d } from './layers/adaptive-avg-pool2d';
import { AvgPool2d } from './layers/avg-pool2d';
import { Conv2d } from './layers/conv2d';
import { Flatten } from './layers/flatten';
import { Identity } from './layers/identity';
import { Linear } from './layers/linear';
import { MaxPool2d } from './layers/max-pool2d';
import { Residual } from './layers/residual';
import { type BuildModule, Sequential } from './layers/sequential';
import type { Module, ModuleConfig } from './module';

/** A class built with `new Layer(config)`; `className` is the name its configs carry. */
export type LayerClass = (new (config: never) => Module) & { readonly className?: string };

/** A container rebuilt from child configs: `Layer.fromConfig(config, build)`. */
export interface ContainerClass {
  readonly className?: string;
  fromConfig(config: Record<string, unknown>, build: BuildModule): Module;
}

/** The registry name of `cls`: its own static `className` (what `Module.className` and configs use). */
function nameOf(cls: LayerClass | ContainerClass, method: string): string {
  if (!Object.hasOwn(cls, 'className') || typeof cls.className !== 'string') {
    const shown = (cls as { name?: string }).name || 'the class';
    throw new Error(
      `ModuleRegistry.${method}: ${shown} declares no static className; add \`static readonly className = '${shown}'\` or pass a name`,
    );
  }
  return cls.className;
}

type Entry = { kind: 'layer'; cls: LayerClass } | { kind: 'container'; cls: ContainerClass };

/**
 * Module classes by name, to rebuild modules from `toConfig()` output.
 *
 * An explicit instance: registering a duplicate name throws, an unknown name throws with the known
 * ones. Nothing registers itself on import; `coreModules()` builds one holding this package's
 * layers, and other packages add theirs (`registry.register('BatchNorm2d', BatchNorm2d)`).
 *
 * @example
 * const registry = coreModules();
 * const copy = registry.fromConfig(net.toConfig()); // fresh weights, same architecture
 */
export class ModuleRegistry {
  private readonly entries = new Map<string, Entry>();

  /**
   * Registers a layer class (`new cls(config)`) under its static `className` — the name its modules'
   * configs carry — or under an explicit `name`.
   *
   * @example
   * registry.register(BatchNorm2d);            // 'BatchNorm2d'
   * registry.register('MyNorm', BatchNorm2d);  // an explicit name
   */
  register(cls: LayerClass): this;
  register(name: string, cls: LayerClass): this;
  register(nameOrClass: string | LayerClass, cls?: LayerClass): this {
    const layer = typeof nameOrClass === 'string' ? (cls as LayerClass) : nameOrClass;
    const name = typeof nameOrClass === 'string' ? nameOrClass : nameOf(layer, 'register');
    return this.set(name, { kind: 'layer', cls: layer });
  }

  /** Registers a container class (`cls.fromConfig(config, build)`) under its static `className` or `name`. */
  registerContainer(cls: ContainerClass): this;
  registerContainer(name: string, cls: ContainerClass): this;
  registerContainer(nameOrClass: string | ContainerClass, cls?: ContainerClass): this {
    const container = typeof nameOrClass === 'string' ? (cls as ContainerClass) : nameOrClass;
    const name = typeof nameOrClass === 'string' ? nameOrClass : nameOf(container, 'registerContainer');
    return this.set(name, { kind: 'container', cls: container });
  }

  private set(name: string, entry: Entry): this {
    if (this.entries.has(name)) throw new Error(`ModuleRegistry: '${name}' is already registered`);
    this.entries.set(name, entry);
    return this;
  }

  /** True when `name` is registered. */
  has(name: string): boolean {
    return this.entries.has(name);
  }

  /** Registered names, sorted. */
  names(): string[] {
    return [...this.entries.keys()].sort();
  }

  /** Builds a fresh module (new weights) from `{ className, config }`, children included. */
  fromConfig(moduleConfig: ModuleConfig): Module {
    const entry = this.entries.get(moduleConfig.className);
    if (!entry) {
      throw new Error(
        `ModuleRegistry: unknown module '${moduleConfig.className}'; known: ${this.names().join(', ')}`,
      );
    }
    if (entry.kind === 'container')
      return entry.cls.fromConfig(moduleConfig.config, (c) => this.fromConfig(c));
    return new entry.cls(moduleConfig.config as never);
  }
}

// This package's classes, each registered under its static className.
const LAYERS: LayerClass[] = [
  Conv2d,
  Linear,
  MaxPool2d,
  AvgPool2d,
  AdaptiveAvgPool2d,
  GlobalAvgPool2d,
  Flatten,
  Identity,
  ReLU,
  LeakyReLU,
  ELU,
  GELU,
  SiLU,
  Sigmoid,
  Tanh,
  Softmax,
];

const CONTAINERS: ContainerClass[] = [Sequential, Residual];

/** A new registry holding every `@convkit/core` module class. */
export function coreModules(): ModuleRegistry {
  const registry = new ModuleRegistry();
  for (const cls of LAYERS) registry.register(cls);
  for (const cls of CONTAINERS) registry.registerContainer(cls);
  return registry;
}
