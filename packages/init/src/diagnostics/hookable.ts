import type { Tensor } from '@tensorflow/tfjs-core';

/**
 * A forward hook: called after a module's forward pass with the module, its (first) input and its
 * output; returns a replacement output, or `undefined` to keep it.
 */
export type ForwardHook = (module: HookableModule, input: Tensor, output: Tensor) => Tensor | undefined;

/**
 * What the diagnostics need of a layer, declared here so that `@convkit/init` does not depend on
 * `@convkit/core` (whose `Module` implements it).
 *
 * `registerForwardHook` must run the hook after every call, inside the call's `tidy` or not, feed the
 * hook's return value (when defined) to the rest of the network, and return a remover.
 */
export interface HookableModule {
  /** Shown in reports; `constructor.name` is used when absent. */
  readonly className?: string;
  registerForwardHook(hook: ForwardHook): () => void;
}

/** A model the diagnostics can run and inspect: `@convkit/core`'s `Module` fits. */
export interface InspectableModel {
  call(x: Tensor): Tensor;
  /** The model and every descendant with dotted names (`''` for the model itself). */
  namedModules(): [string, HookableModule][];
}

/** A module picked for inspection, with its dotted name. */
export interface NamedModule {
  name: string;
  module: HookableModule;
}

/**
 * The modules of `model` that `filter` accepts (default: the leaves, i.e. modules no other name
 * extends with a dot), each module once (a shared module keeps its first name).
 */
export function selectModules(
  model: InspectableModel,
  filter?: (name: string, module: HookableModule) => boolean,
): NamedModule[] {
  const all = model.namedModules();
  const names = all.map(([n]) => n);
  const isLeaf = (name: string) =>
    name === '' ? names.length === 1 : !names.some((n) => n.startsWith(`${name}.`));
  const seen = new Set<HookableModule>();
  const out: NamedModule[] = [];
  for (const [name, module] of all) {
    if (seen.has(module) || !(filter ? filter(name, module) : isLeaf(name))) continue;
    seen.add(module);
    out.push({ name, module });
  }
  return out;
}

/**
 * Runs `run` with `hook(name, module, output)` registered on every target, and removes the hooks
 * afterwards, also when `run` throws.
 */
export function withHooks<T>(
  targets: readonly NamedModule[],
  hook: (name: string, module: HookableModule, output: Tensor) => Tensor | undefined,
  run: () => T,
): T {
  const removers: (() => void)[] = [];
  try {
    for (const { name, module } of targets) {
      const h: ForwardHook = (m, _input, output) => hook(name, m, output);
      removers.push(module.registerForwardHook(h));
    }
    return run();
  } finally {
    for (const remove of removers) remove();
  }
}
