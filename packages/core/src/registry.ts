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

/** A class built with `new Layer(config)`. */
export type LayerClass = new (config: never) => Module;

/** A container rebuilt from child configs: `Layer.fromConfig(config, build)`. */
export interface ContainerClass {
  fromConfig(config: Record<string, unknown>, build: BuildModule): Module;
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

  /** Registers a layer class (`new cls(config)`) under `name`. */
  register(name: string, cls: LayerClass): this {
    return this.set(name, { kind: 'layer', cls });
  }

  /** Registers a container class (`cls.fromConfig(config, build)`) under `name`. */
  registerContainer(name: string, cls: ContainerClass): this {
    return this.set(name, { kind: 'container', cls });
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

const LAYERS: [string, LayerClass][] = [
  ['Conv2d', Conv2d],
  ['Linear', Linear],
  ['MaxPool2d', MaxPool2d],
  ['AvgPool2d', AvgPool2d],
  ['AdaptiveAvgPool2d', AdaptiveAvgPool2d],
  ['GlobalAvgPool2d', GlobalAvgPool2d],
  ['Flatten', Flatten],
  ['Identity', Identity],
  ['ReLU', ReLU],
  ['LeakyReLU', LeakyReLU],
  ['ELU', ELU],
  ['GELU', GELU],
  ['SiLU', SiLU],
  ['Sigmoid', Sigmoid],
  ['Tanh', Tanh],
  ['Softmax', Softmax],
];

const CONTAINERS: [string, ContainerClass][] = [
  ['Sequential', Sequential],
  ['Residual', Residual],
];

/** A new registry holding every `@convkit/core` module class. */
export function coreModules(): ModuleRegistry {
  const registry = new ModuleRegistry();
  for (const [name, cls] of LAYERS) registry.register(name, cls);
  for (const [name, cls] of CONTAINERS) registry.registerContainer(name, cls);
  return registry;
}
