import { checkNumber, checkPositiveInt, currentBackend, Rng } from '@convkit/backend';
import { type Module, NonFiniteError, valueAndGradsAsync } from '@convkit/core';
import { type BatchOptions, batchCount, batches, type Dataset, subset } from '@convkit/data';
import type { SafetensorsSource } from '@convkit/models';
import {
  clone,
  dispose,
  getBackend,
  keep,
  type Tensor,
  type Tensor4D,
  type Variable,
} from '@tensorflow/tfjs-core';
import { Checkpoint, encodeCheckpoint, restoreCheckpoint } from '../checkpoint/checkpoint';
import { loadCheckpoint } from '../checkpoint/file';
import { type ClipGradNormOptions, clipGradNorm, clipGradValue } from '../clip';
import { Adam } from '../optim/adam';
import type { Optimizer } from '../optim/optimizer';
import type { LrScheduler } from '../schedule/scheduler';
import { type BatchEnd, type Callback, callbackName, type FitState } from './callbacks';
import { evaluate } from './evaluate';
import {
  checkMonitor,
  type EpochRecord,
  type History,
  monitored,
  resolveMode,
  type StopReason,
} from './history';
import { type LossFn, resolveLoss } from './loss';
import { metricKs, type Scores, Tally, type TallyState } from './metrics';
import { NonFiniteStepError } from './non-finite';
import { ProgressBar } from './progress-bar';

/** An augmentation of training batches: `(x, rng) => x'` — an `@convkit/augment` `Pipeline` fits. */
export type Augment = ((x: Tensor4D, rng: Rng) => Tensor4D) & { eval?: (x: Tensor4D) => Tensor4D };

/** Batch mixing after augmentation (mixup, cutmix): images and `[B, K]` soft targets. */
export type Mix = (x: Tensor4D, labels: Tensor, rng: Rng) => { images: Tensor4D; labels: Tensor };

/** Options of {@link fit}. Every one is optional. */
export interface FitOptions {
  /** Epochs to train (in all, counting those of a resumed checkpoint). Default 1. */
  epochs?: number;
  /** Samples per batch. Default 32. */
  batchSize?: number;
  /** Default: `new Adam(model, { lr: 1e-3 })`, made and disposed by `fit`. */
  optimizer?: Optimizer;
  /** Stepped per batch or per epoch as its `interval` says; ReduceLROnPlateau gets `monitor`'s value each epoch. */
  schedule?: LrScheduler | null;
  /** `(logits, labels) => Scalar`, the batch mean. Default: core's `crossEntropy`. */
  loss?: LossFn;
  /** ε of the default loss's label smoothing (PyTorch's `label_smoothing`). Default 0. */
  labelSmoothing?: number;
  /** `'accuracy'` and `'top<k>'`, for training and validation. Default `['accuracy']`. */
  metrics?: string[];
  /** Training-batch augmentation (random; `pipeline.eval`, when it has one, also preprocesses validation). Default: none. */
  augment?: Augment;
  /** Batch mixing after `augment` (mixup / cutmix), giving soft targets. Default: none. */
  mix?: Mix;
  /** Validation set, evaluated after every epoch. Default: none. */
  validation?: Dataset;
  /** Batch size of validation. Default 256. */
  validationBatchSize?: number;
  /** Per-channel standardization of pixels, for training and validation (see `batches`). Default: none. */
  normalize?: BatchOptions['normalize'];
  /** Visit the training set in a new random order each epoch. Default true. */
  shuffle?: boolean;
  /** Drop the last, smaller batch of each epoch. Default false. */
  dropLast?: boolean;
  /** Seed of the data order and the augmentation (two streams forked from `new Rng(seed)`). Default 0. */
  seed?: number;
  /** Clip the gradients' total norm (PyTorch's `clip_grad_norm_`): a max norm, or `{ maxNorm, normType }`. Default: none. */
  clipGradNorm?: number | ({ maxNorm: number } & ClipGradNormOptions);
  /** Clamp every gradient to [−v, v] (PyTorch's `clip_grad_value_`). Default: none. */
  clipGradValue?: number;
  /**
   * What a NaN or ±∞ loss or gradient does: `'error'` (default) throws a `NonFiniteStepError` naming
   * the step and the first non-finite gradient; `'skip'` drops that batch's update and goes on (the
   * epoch record counts it); `'off'` does not check (one read-back less per step). With a check, a
   * step that fails it writes neither the weights, nor the optimizer's state, nor the buffers (BatchNorm
   * running statistics are put back).
   */
  nonFinite?: 'error' | 'skip' | 'off';
  /** The quantity the best epoch is tracked by (and ReduceLROnPlateau's metric). Default 'val.loss' with validation, else 'train.loss'. */
  monitor?: string;
  /** Your code at fit's events (see {@link Callback}); `EarlyStopping`, `ModelCheckpoint` are callbacks. */
  callbacks?: Callback[];
  /** No progress bar. Default false: a bar on a terminal, a line per 10 % in logs (see `ProgressBar`). */
  quiet?: boolean;
  /** Stop after this many steps in all (an epoch cut short is not recorded). Default: none. */
  maxSteps?: number;
  /** Record the loss and learning rate of every this-many steps in `history.steps`. Default 1. */
  logEvery?: number;
  /** Resume from a checkpoint (`FitState.checkpoint()`'s bytes, a path, a `Checkpoint`). Default: none. */
  resume?: Checkpoint | SafetensorsSource;
  /** Stop (after the current step) when aborted; `stopReason` 'aborted'. */
  signal?: AbortSignal;
}

/** fit's position: epochs done, batches done in the epoch in progress, steps done. */
interface Position {
  epoch: number;
  batch: number;
  step: number;
}

/** What `fit` keeps in a checkpoint's `extra.fit`. */
interface FitCheckpoint {
  position: Position;
  settings: Settings;
  tally: TallyState | null;
  skipped: number;
  trainSeconds: number;
  history: History;
  callbacks: Record<string, unknown>;
}

interface Settings {
  batchSize: number;
  stepsPerEpoch: number;
  trainSamples: number;
  shuffle: boolean;
  dropLast: boolean;
}

/**
 * Trains `model` on `train`: Keras's `model.fit`, Lightning's `trainer.fit`, fastai's `learn.fit`.
 *
 * Each epoch visits the training set in batches (`@convkit/data`'s `batches`, shuffled by a seeded
 * generator), augments them (`augment`, `mix`), takes a step — the loss and its gradients
 * (`valueAndGradsAsync`, checked for NaN/±∞), clipping (`clipGradValue`, `clipGradNorm`), the
 * optimizer's update, the schedule's step when it is stepped per batch — then validates
 * (`evaluate`), steps an epoch schedule, and records the epoch. Everything else is a callback: the
 * progress bar, `EarlyStopping`, `ModelCheckpoint`, yours (see {@link Callback}).
 *
 * Returns the {@link History} (plain JSON). Reproducible: the same seed, model and data give the same
 * numbers on a backend, and a run resumed from a checkpoint (`resume`) gives the same losses and
 * weights, bit for bit, as the run that was not interrupted. No tensor outlives the call (besides the
 * model's and optimizer's own). The model is left in training mode.
 *
 * Options (all optional): `epochs` 1, `batchSize` 32, `optimizer` Adam(lr 1e-3), `schedule`, `loss`
 * (cross-entropy), `labelSmoothing` 0, `metrics` ['accuracy'], `augment`, `mix`, `validation`,
 * `validationBatchSize` 256, `normalize`, `shuffle` true, `dropLast` false, `seed` 0,
 * `clipGradNorm`, `clipGradValue`, `nonFinite` 'error', `monitor`, `callbacks`, `quiet` false,
 * `maxSteps`, `logEvery` 1, `resume`, `signal`.
 *
 * @example
 * const model = createModel('resnet20_mnist', { rng: 0 });
 * const optimizer = new SGD(model, { lr: 0.1, momentum: 0.9, weightDecay: 5e-4 });
 * const history = await fit(model, trainSet, {
 *   epochs: 10, batchSize: 128, optimizer, validation: testSet,
 *   schedule: new OneCycleLR(optimizer, { maxLr: 0.1, totalSteps: 10 * batchCount(trainSet, { batchSize: 128 }) }),
 *   augment: defaultTrainPipeline({ stats: MNIST_STATS, flip: 0 }),
 *   callbacks: [new EarlyStopping({ patience: 3 }), new ModelCheckpoint({ dir: 'run' })],
 * });
 * history.epochs.at(-1)?.val?.accuracy;
 */
export async function fit(model: Module, train: Dataset, options: FitOptions = {}): Promise<History> {
  const who = 'fit';
  const epochs = checkPositiveInt(who, 'epochs', options.epochs ?? 1);
  const batchSize = checkPositiveInt(who, 'batchSize', options.batchSize ?? 32);
  const validationBatchSize = checkPositiveInt(
    who,
    'validationBatchSize',
    options.validationBatchSize ?? 256,
  );
  const seed = checkNumber(who, 'seed', options.seed ?? 0, { min: 0, integer: true });
  const logEvery = checkPositiveInt(who, 'logEvery', options.logEvery ?? 1);
  const maxSteps =
    options.maxSteps === undefined
      ? Number.POSITIVE_INFINITY
      : checkPositiveInt(who, 'maxSteps', options.maxSteps);
  const shuffle = options.shuffle ?? true;
  const dropLast = options.dropLast ?? false;
  const nonFinite = options.nonFinite ?? 'error';
  if (!['error', 'skip', 'off'].includes(nonFinite)) {
    throw new Error(`${who}: nonFinite must be 'error', 'skip' or 'off', got ${JSON.stringify(nonFinite)}`);
  }
  const metrics = options.metrics ?? ['accuracy'];
  const ks = metricKs(who, metrics);
  const lossFn = resolveLoss(who, options.loss, options.labelSmoothing);
  const { validation, augment, mix, schedule = null } = options;
  const monitor = checkMonitor(who, options.monitor ?? (validation ? 'val.loss' : 'train.loss'));
  if (monitor.startsWith('val.') && !validation) {
    throw new Error(`${who}: monitor '${monitor}' needs validation data (the validation option)`);
  }
  const clipNorm =
    typeof options.clipGradNorm === 'number' ? { maxNorm: options.clipGradNorm } : options.clipGradNorm;
  if (clipNorm) checkNumber(who, 'clipGradNorm', clipNorm.maxNorm, { min: 0 });
  if (options.clipGradValue !== undefined)
    checkNumber(who, 'clipGradValue', options.clipGradValue, { min: 0 });
  if (schedule?.needsMetric && schedule.interval === 'step') {
    throw new Error(
      `${who}: ${schedule.name} needs a metric, which fit has once per epoch: set its interval to 'epoch'`,
    );
  }
  const stepsPerEpoch = batchCount(train, { batchSize, dropLast });
  if (stepsPerEpoch === 0)
    throw new Error(`${who}: no batch: ${train.count} samples with batchSize ${batchSize} and dropLast`);
  const numClasses = train.classes.length;

  const ownsOptimizer = options.optimizer === undefined;
  const optimizer = options.optimizer ?? new Adam(model, { lr: 1e-3 });
  if (schedule && schedule.optimizer !== optimizer) {
    throw new Error(`${who}: the schedule was built on another optimizer than the one fit steps`);
  }
  const root = new Rng(seed);
  const dataRng = root.fork();
  const augmentRng = root.fork();
  const settings: Settings = { batchSize, stepsPerEpoch, trainSamples: train.count, shuffle, dropLast };
  const callbacks: Callback[] = [...(options.quiet ? [] : [new ProgressBar()]), ...(options.callbacks ?? [])];
  const names = callbacks.filter((c) => c.stateDict).map(callbackName);
  const dup = names.find((n, i) => names.indexOf(n) !== i);
  if (dup)
    throw new Error(`${who}: two callbacks with state are named '${dup}': give one a distinct \`name\``);

  let history: History = {
    version: 1,
    meta: {
      model: model.className,
      parameters: model.numParameters(),
      optimizer: optimizer.name,
      schedule: schedule?.name ?? null,
      scheduleInterval: schedule?.interval ?? null,
      batchSize,
      stepsPerEpoch,
      epochs,
      trainSamples: train.count,
      valSamples: validation?.count ?? 0,
      classes: [...train.classes],
      metrics: [...metrics],
      monitor,
      backend: currentBackend()?.name ?? getBackend(),
      seed,
    },
    epochs: [],
    steps: [],
    lastValidation: null,
    stopReason: null,
    best: null,
  };
  let position: Position = { epoch: 0, batch: 0, step: 0 };
  let tally = new Tally(ks, numClasses, false);
  let skipped = 0;
  let trainSeconds = 0;
  let dataEpochStart = dataRng.state();
  let stopReason: StopReason | null = null;

  const state: FitState = {
    model,
    optimizer,
    schedule,
    get history() {
      return history;
    },
    get epoch() {
      return Math.min(position.epoch + 1, epochs);
    },
    epochs,
    get batch() {
      return position.batch;
    },
    stepsPerEpoch,
    get step() {
      return position.step;
    },
    get running() {
      return tally.scores();
    },
    monitor,
    stop(reason = 'stopped') {
      stopReason = reason;
    },
    checkpoint: () => {
      const extra: { fit: FitCheckpoint } = {
        fit: {
          position: { ...position },
          settings,
          tally: position.batch > 0 ? tally.state() : null,
          skipped,
          trainSeconds,
          history,
          callbacks: Object.fromEntries(
            callbacks.filter((c) => c.stateDict).map((c) => [callbackName(c), c.stateDict?.()]),
          ),
        },
      };
      return encodeCheckpoint({
        model,
        optimizer,
        schedule,
        rngs: { data: Rng.fromState(dataEpochStart), augment: augmentRng },
        extra,
      });
    },
  };

  const buffers = model.namedBuffers().map(([, b]) => b);
  /**
   * The batches of the epoch in progress, shuffled from its saved start; a resumed epoch (`done` > 0)
   * draws the same order and starts after the batches already done.
   */
  function epochBatches(done: number) {
    const batching = { batchSize, dropLast, normalize: options.normalize };
    if (done === 0) return batches(train, { ...batching, shuffle, rng: dataRng });
    const order = shuffle
      ? dataRng.permutation(train.count)
      : Int32Array.from({ length: train.count }, (_, i) => i);
    return batches(subset(train, order.subarray(done * batchSize)), batching);
  }

  /** One training step; what the epoch's tally needs read back. */
  async function trainStep(batch: { x: Tensor4D; y: Tensor; step: number; epoch: number }) {
    const { x, y } = batch;
    const owned: Tensor[] = [x, y];
    const saved = nonFinite === 'off' ? [] : buffers.map((b) => clone(b));
    let logits: Tensor | undefined;
    try {
      let input = augment ? augment(x, augmentRng) : x;
      if (input !== x) owned.push(input);
      let target: Tensor = y;
      if (mix) {
        const m = mix(input, y, augmentRng);
        owned.push(m.images, m.labels);
        input = m.images;
        target = m.labels;
      }
      const lossInput = input;
      let computed: Awaited<ReturnType<typeof valueAndGradsAsync>>;
      try {
        computed = await valueAndGradsAsync(
          model,
          () => {
            const z = model.call(lossInput);
            logits = keep(z);
            return lossFn(z, target);
          },
          { checkFinite: nonFinite !== 'off' },
        );
      } catch (err) {
        if (!(err instanceof NonFiniteError)) throw err;
        for (const [i, b] of buffers.entries()) (b as Variable).assign(saved[i]);
        const error = new NonFiniteStepError(batch.step, batch.epoch, err);
        if (nonFinite === 'error') throw error;
        return { skipped: true, loss: err.loss, labels: [], top: null };
      }
      const { loss, grads } = computed;
      owned.push(loss);
      let g = grads;
      if (options.clipGradValue !== undefined) g = clipGradValue(g, options.clipGradValue);
      if (clipNorm) {
        const c = clipGradNorm(g, clipNorm.maxNorm, { normType: clipNorm.normType });
        owned.push(c.totalNorm);
        g = c.grads;
      }
      try {
        optimizer.step(g);
      } finally {
        dispose(g);
      }
      const top = tally.predictions(logits as Tensor);
      if (top) owned.push(top);
      const [lossValue, labels, indices] = await Promise.all([loss.data(), y.data(), top?.data() ?? null]);
      return { skipped: false, loss: lossValue[0], labels, top: indices };
    } finally {
      dispose(owned);
      dispose(saved);
      if (logits) dispose(logits);
    }
  }

  /** Validation, the epoch schedule, the record and the best epoch, at the end of epoch `e` (0-based). */
  async function endEpoch(e: number): Promise<EpochRecord> {
    const valStarted = performance.now();
    let val: Scores | undefined;
    if (validation) {
      const evaluation = await evaluate(model, validation, {
        batchSize: validationBatchSize,
        loss: lossFn,
        metrics,
        normalize: options.normalize,
        preprocess: augment?.eval,
      });
      val = evaluation.scores;
      history.lastValidation = {
        perClassAccuracy: evaluation.perClassAccuracy,
        confusionMatrix: evaluation.confusionMatrix,
        classes: evaluation.classes,
      };
      for (const cb of callbacks) await cb.onValidationEnd?.(state, evaluation);
    }
    const valSeconds = (performance.now() - valStarted) / 1000;
    const record: EpochRecord = {
      epoch: e + 1,
      step: position.step,
      lr: [],
      train: tally.scores(),
      ...(val ? { val } : {}),
      skipped,
      seconds: { train: trainSeconds, val: valSeconds, total: trainSeconds + valSeconds },
    };
    const value = monitored(record, monitor);
    if (schedule?.interval === 'epoch') {
      if (schedule.needsMetric) {
        if (value === undefined || !Number.isFinite(value)) {
          throw new Error(
            `fit: ${schedule.name} needs '${monitor}', which epoch ${e + 1} did not give a finite value of (${value})`,
          );
        }
        schedule.step(value);
      } else schedule.step();
    }
    record.lr = optimizer.paramGroups.map((g) => g.lr);
    const mode = resolveMode(monitor);
    if (value !== undefined && Number.isFinite(value)) {
      const best = history.best;
      if (best === null || (mode === 'min' ? value < best.value : value > best.value)) {
        history.best = { monitor, value, epoch: e + 1 };
      }
    }
    history.epochs.push(record);
    return record;
  }

  try {
    if (options.resume !== undefined) {
      const ckpt =
        options.resume instanceof Checkpoint ? options.resume : await loadCheckpoint(options.resume);
      const saved = resumeFrom(ckpt, settings, callbacks, {
        model,
        optimizer,
        schedule,
        dataRng,
        augmentRng,
      });
      position = saved.position;
      history = { ...saved.history, meta: { ...saved.history.meta, epochs } };
      skipped = saved.skipped;
      trainSeconds = saved.trainSeconds;
      if (saved.tally) tally.setState(saved.tally);
      dataEpochStart = dataRng.state();
    }
    const run = async (event: 'onFitStart' | 'onEpochStart' | 'onFitEnd') => {
      for (const cb of callbacks) await cb[event]?.(state);
    };
    await run('onFitStart');
    model.train();

    for (let e = position.epoch; e < epochs && stopReason === null; e++) {
      if (position.batch === 0) {
        dataEpochStart = dataRng.state();
        tally = new Tally(ks, numClasses, false);
        skipped = 0;
        trainSeconds = 0;
        await run('onEpochStart');
      }
      const epochStarted = performance.now();
      for (const { x, y } of epochBatches(position.batch)) {
        const step = position.step + 1;
        const lr = optimizer.paramGroups.map((g) => g.lr);
        const result = await trainStep({ x, y, step, epoch: e + 1 });
        position = { epoch: e, batch: position.batch + 1, step };
        if (result.skipped) skipped++;
        else tally.add(result.loss, result.labels, result.top);
        if (!result.skipped && schedule?.interval === 'step') schedule.step();
        if (step % logEvery === 0) history.steps.push({ step, epoch: e + 1, loss: result.loss, lr });
        const end: BatchEnd = {
          step,
          epoch: e + 1,
          batch: position.batch,
          loss: result.loss,
          lr,
          skipped: result.skipped,
        };
        for (const cb of callbacks) await cb.onBatchEnd?.(state, end);
        const finished = position.batch === stepsPerEpoch && e + 1 === epochs;
        if (options.signal?.aborted) stopReason = 'aborted';
        else if (step >= maxSteps && stopReason === null && !finished) stopReason = 'max-steps';
        if (stopReason !== null) break;
      }
      trainSeconds += (performance.now() - epochStarted) / 1000;
      if (position.batch < stepsPerEpoch) break; // stopped in the middle: the epoch is not recorded
      const record = await endEpoch(e);
      position = { epoch: e + 1, batch: 0, step: position.step };
      dataEpochStart = dataRng.state();
      for (const cb of callbacks) await cb.onEpochEnd?.(state, record);
      if (options.signal?.aborted && stopReason === null) stopReason = 'aborted';
      if (position.step >= maxSteps && stopReason === null && e + 1 < epochs) stopReason = 'max-steps';
    }
    history.stopReason = stopReason ?? 'completed';
    await run('onFitEnd');
    return history;
  } catch (err) {
    for (const cb of callbacks) {
      try {
        await cb.onError?.(state, err);
      } catch {
        // the first error is the one to report
      }
    }
    throw err;
  } finally {
    if (ownsOptimizer) optimizer.dispose();
  }
}

/** Checks a checkpoint against this fit, then restores it (all or nothing); returns fit's saved state. */
function resumeFrom(
  ckpt: Checkpoint,
  settings: Settings,
  callbacks: Callback[],
  parts: { model: Module; optimizer: Optimizer; schedule: LrScheduler | null; dataRng: Rng; augmentRng: Rng },
): FitCheckpoint {
  const who = 'fit: resume';
  const extra = ckpt.extra() as { fit?: FitCheckpoint } | null;
  const disposeExtra = () => dispose(collectTensors(extra));
  try {
    const saved = extra?.fit;
    if (!saved?.position || !saved.settings || !saved.history) {
      throw new Error(`${who}: the checkpoint holds no fit state (was it written by FitState.checkpoint()?)`);
    }
    const diff = (Object.keys(settings) as (keyof Settings)[]).filter(
      (k) => saved.settings[k] !== settings[k],
    );
    if (diff.length) {
      throw new Error(
        `${who}: the checkpoint was written with ${diff.map((k) => `${k} ${saved.settings[k]}`).join(', ')}; ` +
          `this fit has ${diff.map((k) => `${k} ${settings[k]}`).join(', ')}: resume with the same data and batching`,
      );
    }
    if ((parts.schedule === null) !== (ckpt.data.schedule === null)) {
      throw new Error(
        `${who}: the checkpoint has ${ckpt.data.schedule ? 'a' : 'no'} schedule, this fit ${parts.schedule ? 'has one' : 'none'}`,
      );
    }
    const withState = callbacks.filter((c) => c.loadStateDict);
    for (const cb of withState) {
      const name = callbackName(cb);
      if (name in saved.callbacks) cb.loadStateDict?.(saved.callbacks[name]);
    }
    restoreCheckpoint(ckpt, {
      model: parts.model,
      optimizer: parts.optimizer,
      schedule: parts.schedule,
      rngs: { data: parts.dataRng, augment: parts.augmentRng },
    });
    return saved;
  } finally {
    disposeExtra();
  }
}

/** Every tensor inside a record. */
function collectTensors(record: unknown): Tensor[] {
  const out: Tensor[] = [];
  const walk = (v: unknown) => {
    if (v === null || typeof v !== 'object') return;
    if (typeof (v as Tensor).dataId === 'object' && typeof (v as Tensor).dispose === 'function')
      out.push(v as Tensor);
    else Object.values(v).forEach(walk);
  };
  walk(record);
  return out;
}
