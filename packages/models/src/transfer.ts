import type { Rng } from '@convkit/backend';
import type { Module } from '@convkit/core';
import { RunningNorm } from '@convkit/norms';
import { paramGroups } from '@convkit/regularization';
import type { Variable } from '@tensorflow/tfjs-core';
import { ZooModel } from './model';
import { globToRegExp } from './names';

/**
 * True when the dotted `name` is selected by one of `patterns`: equal to it, inside it (`'layer4'`
 * selects `layer4.0.conv1.weight`), or matching it as a glob (`'layer*.0.*'`).
 */
export function matchesAny(name: string, patterns: readonly string[]): boolean {
  return patterns.some(
    (p) => name === p || name.startsWith(`${p}.`) || (/[*?[]/.test(p) && globToRegExp(p).test(name)),
  );
}

function checkPatterns(who: string, model: Module, patterns: readonly string[]): void {
  const names = [...model.namedModules().map(([n]) => n), ...model.namedParameters().map(([n]) => n)];
  const unused = patterns.filter((p) => !names.some((n) => matchesAny(n, [p])));
  if (unused.length) {
    throw new Error(
      `${who}: ${unused.map((p) => `'${p}'`).join(', ')} select${unused.length === 1 ? 's' : ''} nothing in ${model.className} (children: ${model
        .namedChildren()
        .map(([n]) => n)
        .join(', ')})`,
    );
  }
}

/** Options of {@link freeze}. */
export interface FreezeOptions {
  /** Modules or parameters that stay trainable, by name or glob, e.g. `['fc']`, `['layer4', 'fc']`. */
  except?: string[];
  /** Also freeze the frozen part's BatchNorms with {@link freezeNorms} (statistics kept, eval mode held). Default true. */
  norms?: boolean;
}

/**
 * Freezes every parameter of `model` except those selected by `except` (they get no gradient from
 * `valueAndGrads` and optimizers skip them), and by default keeps the frozen part's BatchNorms in
 * evaluation mode even when `model.train()` is called, so that fine-tuning the head does not drift their
 * running statistics: the lecture's "new head on a frozen backbone". Returns the frozen parameter names.
 *
 * @example
 * const model = createModel('resnet18');
 * loadTorchWeights(model, await readSafetensors('resnet18.safetensors'));
 * resetClassifier(model, 10);
 * freeze(model, { except: ['fc'] });
 * model.train(); // the backbone's BatchNorms stay in eval mode
 */
export function freeze(model: Module, options: FreezeOptions = {}): string[] {
  const except = options.except ?? [];
  checkPatterns('freeze', model, except);
  const frozen: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (matchesAny(name, except)) continue;
    p.trainable = false;
    frozen.push(name);
  }
  if (options.norms ?? true) freezeNorms(model, { except });
  return frozen;
}

/** Options of {@link unfreeze}. */
export interface UnfreezeOptions {
  /** Only these modules or parameters (names or globs). Default: all. */
  only?: string[];
}

/**
 * Makes parameters trainable again and releases frozen norms (they follow `train()` / `eval()` again).
 * Returns the names of the parameters made trainable.
 *
 * @example
 * unfreeze(model, { only: ['layer4'] }); // gradual unfreezing
 */
export function unfreeze(model: Module, options: UnfreezeOptions = {}): string[] {
  const only = options.only;
  if (only) checkPatterns('unfreeze', model, only);
  const selected = (name: string) => only === undefined || matchesAny(name, only);
  const thawed: string[] = [];
  for (const [name, p] of model.namedParameters()) {
    if (!selected(name) || p.trainable) continue;
    p.trainable = true;
    thawed.push(name);
  }
  for (const [name, m] of model.namedModules()) {
    if (m.keepEval && selected(name)) {
      m.keepEval = false;
      m.train(model.training);
    }
  }
  return thawed;
}

/** Options of {@link freezeNorms}. */
export interface FreezeNormsOptions {
  /** Norms left alone, by module name or glob. */
  except?: string[];
  /** Keep the norms' weight and bias trainable (only the statistics are frozen). Default false. */
  trainAffine?: boolean;
}

/**
 * Freezes the norms with running statistics (BatchNorm, tracked InstanceNorm) of `model`: they switch
 * to evaluation mode and stay there when `model.train()` is called (`keepEval`), normalizing with, and no
 * longer updating, their running statistics; their weight and bias stop training unless `trainAffine`.
 * torchvision's `FrozenBatchNorm2d`, without swapping modules. Returns the frozen norms' names.
 *
 * @example
 * freezeNorms(model);        // fine-tune the whole network with small batches, BN statistics fixed
 */
export function freezeNorms(model: Module, options: FreezeNormsOptions = {}): string[] {
  const except = options.except ?? [];
  const frozen: string[] = [];
  for (const [name, m] of model.namedModules()) {
    if (!(m instanceof RunningNorm) || matchesAny(name, except)) continue;
    m.keepEval = true;
    m.eval();
    if (!options.trainAffine) m.requiresGrad(false);
    frozen.push(name);
  }
  return frozen;
}

/**
 * Replaces a zoo model's classifier with a fresh one of `numClasses` outputs (0 removes it; the model
 * then returns pooled features), timm's `reset_classifier`. The old classifier is disposed.
 *
 * @example
 * const model = createModel('resnet50');       // 1000 ImageNet classes
 * loadTorchWeights(model, weights);
 * resetClassifier(model, 10, { rng: 0 });       // a new 10-class `fc`
 */
export function resetClassifier(
  model: Module,
  numClasses: number,
  options: { rng?: number | Rng } = {},
): void {
  if (!(model instanceof ZooModel)) {
    throw new Error(`resetClassifier: ${model.className} is not a zoo model (createModel builds them)`);
  }
  model.resetClassifier(numClasses, options);
}

/** A parameter group in the form optimizers take: `[name, variable]` pairs and per-group options. */
export interface ParamGroupSpec {
  params: [string, Variable][];
  lr?: number;
  weightDecay?: number;
}

/** Options of {@link backboneHeadGroups}. */
export interface BackboneHeadGroupsOptions {
  /** Learning rate of the head (omitted: the optimizer's default). */
  headLr?: number;
  /** Learning rate of the backbone, e.g. a tenth of the head's (omitted: the optimizer's default). */
  backboneLr?: number;
  /**
   * Split each part into a decayed group with this weight decay and one without (biases and norm
   * parameters, the rule of @convkit/regularization's `paramGroups`). Omitted: no `weightDecay` key.
   */
  weightDecay?: number;
  /** The head, by module or parameter names or globs. Default: the zoo model's classifier (`fc`, `classifier.6`). */
  head?: string[];
}

/**
 * Discriminative learning rates: the model's trainable parameters split into backbone and head groups
 * (and, with `weightDecay`, each into decayed and not decayed), as plain data an optimizer takes
 * (`[{ params: [name, variable][], lr?, weightDecay? }]`, backbone first). Frozen parameters are left
 * out; empty groups are dropped.
 *
 * @example
 * const groups = backboneHeadGroups(model, { backboneLr: 1e-4, headLr: 1e-3, weightDecay: 5e-4 });
 * // → backbone decayed, backbone not decayed, head decayed, head not decayed
 */
export function backboneHeadGroups(model: Module, options: BackboneHeadGroupsOptions = {}): ParamGroupSpec[] {
  let head = options.head;
  if (head === undefined) {
    if (!(model instanceof ZooModel)) {
      throw new Error(
        `backboneHeadGroups: ${model.className} is not a zoo model; name its head with { head: [...] }`,
      );
    }
    head = [model.classifierName];
  }
  checkPatterns('backboneHeadGroups', model, head);
  const trainable = model.namedParameters().filter(([, p]) => p.trainable);
  const parts: [boolean, number | undefined][] = [
    [false, options.backboneLr],
    [true, options.headLr],
  ];
  const wd = options.weightDecay;
  const decayed =
    wd === undefined ? null : new Set(Object.keys(paramGroups(model, { weightDecay: wd })[0].params));
  const groups: ParamGroupSpec[] = [];
  for (const [isHead, lr] of parts) {
    const members = trainable.filter(([name]) => matchesAny(name, head) === isHead);
    const splits: [[string, Variable][], number | undefined][] = decayed
      ? [
          [members.filter(([n]) => decayed.has(n)), wd],
          [members.filter(([n]) => !decayed.has(n)), 0],
        ]
      : [[members, undefined]];
    for (const [params, weightDecay] of splits) {
      if (params.length === 0) continue;
      groups.push({
        params,
        ...(lr === undefined ? {} : { lr }),
        ...(weightDecay === undefined ? {} : { weightDecay }),
      });
    }
  }
  return groups;
}
