import type { Module } from '@convkit/core';
import { AlphaDropout, Dropout, DropPath, SpatialDropout2d } from '@convkit/regularization';
import { clone, dispose, type Tensor, tidy } from '@tensorflow/tfjs-core';
import { moduleRngs } from '../checkpoint/module-rngs';

/**
 * What a step of the training recipe found: `ok` (the check passed) and a message a person can act on
 * (what was measured, what it means, what to try). Each step adds its numbers.
 */
export interface Verdict {
  ok: boolean;
  message: string;
}

/**
 * Runs `fn` and puts the model back as it was — parameters, buffers, generators, training mode —
 * whatever `fn` did to it (the recipe's checks train a copy of the state, as fastai's `lr_find` does).
 * The saved values are clones: they share data with the weights until those change (no copy up front).
 */
export async function withModelRestored<T>(model: Module, fn: () => Promise<T>): Promise<T> {
  const state = Object.entries(model.stateDict()).map(([k, t]) => [k, clone(t)] as [string, Tensor]);
  const rngs = moduleRngs(model).map(([, r]) => [r, r.state()] as const);
  const training = model.training;
  const keepEval = model.namedModules().map(([, m]) => [m, m.keepEval] as const);
  try {
    return await fn();
  } finally {
    tidy(() => {
      model.loadStateDict(Object.fromEntries(state));
    });
    dispose(state.map(([, t]) => t));
    for (const [r, s] of rngs) r.setState(s);
    for (const [m, k] of keepEval) m.keepEval = k;
    model.train(training);
  }
}

/**
 * Runs `fn` with the model's dropout family (Dropout, SpatialDropout2d, DropPath, AlphaDropout) held in
 * evaluation mode — "regularization off", as the recipe's first steps ask — then releases them.
 */
export async function withoutDropout<T>(model: Module, fn: () => Promise<T>): Promise<T> {
  const drops = model
    .namedModules()
    .map(([, m]) => m)
    .filter(
      (m) =>
        m instanceof Dropout ||
        m instanceof SpatialDropout2d ||
        m instanceof DropPath ||
        m instanceof AlphaDropout,
    )
    .filter((m) => !m.keepEval);
  for (const m of drops) m.keepEval = true;
  try {
    return await fn();
  } finally {
    for (const m of drops) m.keepEval = false;
  }
}

/** A number as the messages print it: 3 significant digits. */
export const num = (v: number) => (Number.isFinite(v) ? Number(v.toPrecision(3)).toString() : String(v));

/** A fraction as a percentage with one decimal. */
export const pct = (v: number) => `${(100 * v).toFixed(1)} %`;
