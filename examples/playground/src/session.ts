// A training session: the model, its optimizer, the data order and the augmentation, advanced one step
// at a time so that the worker can pause, answer the page and resume between steps. No DOM and no
// messaging here: the worker (worker.ts) drives it, and the unit tests drive it in Node.
import {
  compose,
  DATASET_STATS,
  normalizeChannels,
  type Pipeline,
  randomCrop,
  randomHorizontalFlip,
  randomRotation,
  step,
} from '@convkit/augment';
import { Rng, type RngState } from '@convkit/backend';
import { crossEntropy, type ModuleConfig, valueAndGrads } from '@convkit/core';
import { batches, type Dataset, slice as sliceDataset, subset } from '@convkit/data';
import { createModel, type ZooModel } from '@convkit/models';
import {
  createOptimizerRegistry,
  joinTensors,
  type Optimizer,
  type OptimizerStateDict,
  splitTensors,
} from '@convkit/trainer';
import {
  argMax,
  cast,
  dispose,
  equal,
  keep,
  mul,
  type Scalar,
  slice,
  softmax,
  stack,
  sum,
  type Tensor,
  type Tensor4D,
  tensor,
  tensor4d,
  tidy,
} from '@tensorflow/tfjs-core';
import { type DatasetName, MODELS, OPTIMIZERS, type RunConfig } from './config';
import type { LoadedData } from './data';

export { DEFAULT_CONFIG, MODELS, OPTIMIZERS, type PlaygroundModel, type RunConfig } from './config';

/** One point of a curve: the global step it was measured at, the mean loss and the accuracy. */
export interface CurvePoint {
  step: number;
  loss: number;
  accuracy: number;
}

export interface History {
  train: CurvePoint[];
  val: CurvePoint[];
}

/** A tensor's values as plain data (structured-clone safe: IndexedDB, postMessage). */
export interface TensorRecord {
  shape: number[];
  dtype: 'float32' | 'int32';
  data: Float32Array | Int32Array;
}

/** Everything a session is: saved in IndexedDB, kept by the page to survive a lost GPU. */
export interface Checkpoint {
  format: 'convkit-playground-checkpoint';
  version: 1;
  savedAt: string;
  /** The backend it was taken on (informative: a checkpoint restores on any backend). */
  backend: string;
  config: RunConfig;
  model: ModuleConfig;
  weights: Record<string, TensorRecord>;
  optimizer: { json: unknown; tensors: Record<string, TensorRecord> };
  /** The data order's generator at the start of the current epoch, and the augmentation's now. */
  rng: { order: RngState; augment: RngState };
  position: Position;
  history: History;
}

/** Where training is: epochs and steps done. */
export interface Position {
  /** 0-based epoch in progress (equals `epochs` when training is done). */
  epoch: number;
  /** Steps done in that epoch. */
  stepInEpoch: number;
  /** Steps done in all. */
  step: number;
}

/** The first images of a training batch, before and after augmentation, as 0–255 bytes. */
export interface BatchPreview {
  count: number;
  height: number;
  width: number;
  original: Uint8Array;
  augmented: Uint8Array;
  labels: number[];
}

/** What one read of the step results gives: the mean loss and accuracy of the steps since the last. */
export interface StepMetrics extends CurvePoint {
  steps: number;
}

/** Images in a batch preview. */
export const PREVIEW_IMAGES = 8;

/** Checks the form's values, naming the bad one. */
export function checkConfig(config: RunConfig): RunConfig {
  const fail = (what: string): never => {
    throw new Error(`training settings: ${what}`);
  };
  if (!MODELS.includes(config.model)) fail(`unknown model '${config.model}' (have ${MODELS.join(', ')})`);
  if (!(config.optimizer in OPTIMIZERS))
    fail(`unknown optimizer '${config.optimizer}' (have ${Object.keys(OPTIMIZERS).join(', ')})`);
  if (!(config.lr > 0 && config.lr < 10)) fail(`learning rate must be in (0, 10), got ${config.lr}`);
  if (!Number.isInteger(config.epochs) || config.epochs < 1 || config.epochs > 100)
    fail(`epochs must be an integer from 1 to 100, got ${config.epochs}`);
  if (!Number.isInteger(config.batchSize) || config.batchSize < 2 || config.batchSize > 1024)
    fail(`batch size must be an integer from 2 to 1024, got ${config.batchSize}`);
  if (!Number.isInteger(config.trainImages) || config.trainImages < 0)
    fail(`training images must be a whole number (0: all), got ${config.trainImages}`);
  if (!Number.isInteger(config.valImages) || config.valImages < 1)
    fail(`validation images must be a whole number from 1, got ${config.valImages}`);
  if (!Number.isInteger(config.seed) || config.seed < 0)
    fail(`seed must be a whole number, got ${config.seed}`);
  return config;
}

/**
 * The random steps of the augmentation: digits and clothes are not flipped alike. Every step runs on
 * the whole batch (no per-sample probability below 1, which would gather a subset of varying size:
 * on WebGPU each new size compiles new shaders).
 */
function augmentation(dataset: DatasetName): Pipeline {
  return compose(
    dataset === 'mnist'
      ? [step(randomCrop, { padding: 2 }), step(randomRotation, { degrees: 10 })]
      : [step(randomCrop, { padding: 2 }), step(randomHorizontalFlip)],
  );
}

function toRecord(t: Tensor, data: Float32Array | Int32Array): TensorRecord {
  return { shape: [...t.shape], dtype: t.dtype === 'int32' ? 'int32' : 'float32', data };
}

async function readRecords(tensors: Record<string, Tensor>): Promise<Record<string, TensorRecord>> {
  const out: Record<string, TensorRecord> = {};
  for (const [name, t] of Object.entries(tensors)) {
    out[name] = toRecord(t, (await t.data()) as Float32Array | Int32Array);
  }
  return out;
}

function fromRecords(records: Record<string, TensorRecord>): Record<string, Tensor> {
  return Object.fromEntries(Object.entries(records).map(([k, r]) => [k, tensor(r.data, r.shape, r.dtype)]));
}

/**
 * A model in training on a dataset: `trainStep()` takes one optimizer step (queued on the backend, no
 * read-back); `readMetrics()` reads the losses and accuracies queued since the last read in one
 * read-back. `checkpoint()` / `Session.restore()` save and continue it exactly: the epoch's data order
 * is a permutation drawn from the order generator at the epoch's start, so a resumed epoch replays
 * the same batches, and the augmentation generator is saved as it is.
 */
export class Session {
  readonly stepsPerEpoch: number;
  readonly history: History;
  private readonly trainSet: Dataset;
  private readonly augment: Pipeline;
  private readonly stats: { mean: number; std: number };
  private order: Dataset | null = null;
  private orderRngAtEpoch: RngState;
  private pending: { loss: Scalar; correct: Scalar; size: number }[] = [];
  private wantPreview = false;
  private preview: { original: Tensor4D; augmented: Tensor4D; labels: number[] } | null = null;
  private disposed = false;

  private constructor(
    readonly config: RunConfig,
    readonly model: ZooModel,
    readonly optimizer: Optimizer,
    private readonly data: LoadedData,
    orderRng: Rng,
    private readonly augmentRng: Rng,
    readonly position: Position,
    history: History,
  ) {
    if (data.name !== config.dataset)
      throw new Error(`the loaded dataset is ${data.name}, the settings ask for ${config.dataset}`);
    const limit =
      config.trainImages === 0 ? data.train.count : Math.min(config.trainImages, data.train.count);
    this.trainSet = sliceDataset(data.train, 0, limit);
    this.stepsPerEpoch = Math.floor(limit / config.batchSize);
    if (this.stepsPerEpoch === 0)
      throw new Error(`training settings: ${limit} training images make no batch of ${config.batchSize}`);
    this.augment = augmentation(config.dataset);
    const s = DATASET_STATS[config.dataset];
    this.stats = { mean: s.mean[0], std: s.std[0] };
    this.orderRngAtEpoch = orderRng.state();
    this.history = history;
    model.train();
  }

  /** A fresh model (the zoo's initialization, seeded) and optimizer for `config`. */
  static create(config: RunConfig, data: LoadedData): Session {
    checkConfig(config);
    const model = createModel(config.model, { numClasses: 10, rng: config.seed });
    const optimizer = createOptimizerRegistry().create(config.optimizer, model, {
      ...OPTIMIZERS[config.optimizer],
      lr: config.lr,
    });
    const rng = new Rng(config.seed);
    return new Session(
      config,
      model,
      optimizer,
      data,
      rng.fork(),
      rng.fork(),
      { epoch: 0, stepInEpoch: 0, step: 0 },
      {
        train: [],
        val: [],
      },
    );
  }

  /** Continues a checkpoint on the active backend (any backend: the values are plain arrays). */
  static restore(ckpt: Checkpoint, data: LoadedData): Session {
    if (ckpt?.format !== 'convkit-playground-checkpoint' || ckpt.version !== 1)
      throw new Error('not a checkpoint of this page (format convkit-playground-checkpoint, version 1)');
    const config = checkConfig(ckpt.config);
    const model = createModel(ckpt.model);
    const optimizer = createOptimizerRegistry().create(config.optimizer, model, {
      ...OPTIMIZERS[config.optimizer],
      lr: config.lr,
    });
    const weights = fromRecords(ckpt.weights);
    const optTensors = fromRecords(ckpt.optimizer.tensors);
    try {
      model.loadStateDict(weights);
      optimizer.loadStateDict(joinTensors(ckpt.optimizer.json, optTensors) as OptimizerStateDict);
    } catch (err) {
      model.dispose();
      optimizer.dispose();
      throw err;
    } finally {
      dispose(Object.values(weights));
      dispose(Object.values(optTensors));
    }
    const session = new Session(
      config,
      model,
      optimizer,
      data,
      Rng.fromState(ckpt.rng.order),
      Rng.fromState(ckpt.rng.augment),
      { ...ckpt.position },
      structuredClone(ckpt.history),
    );
    return session;
  }

  get totalSteps(): number {
    return this.config.epochs * this.stepsPerEpoch;
  }

  get done(): boolean {
    return this.position.epoch >= this.config.epochs;
  }

  /** The epoch's batches in order: a permutation drawn at the epoch's start (see the class comment). */
  private epochData(): Dataset {
    if (this.order === null) {
      const gen = Rng.fromState(this.orderRngAtEpoch);
      this.order = subset(this.trainSet, gen.permutation(this.trainSet.count));
    }
    return this.order;
  }

  /** Keep the next step's batch (before and after augmentation) for {@link takePreview}. */
  requestPreview(): void {
    this.wantPreview = true;
  }

  /**
   * One optimizer step on the next batch, queued on the backend (the loss and the number of correct
   * predictions are kept for {@link readMetrics}). Does nothing once training is done.
   */
  trainStep(): void {
    if (this.done || this.disposed) return;
    const bs = this.config.batchSize;
    const start = this.position.stepInEpoch * bs;
    const epochData = this.epochData();
    const { value } = batches(sliceDataset(epochData, start, start + bs), { batchSize: bs }).next();
    if (!value) throw new Error('internal: no batch');
    const { x, y } = value;
    const xa = this.config.augment ? this.augment(x, this.augmentRng) : x;
    const xn = normalizeChannels(xa, this.stats.mean, this.stats.std);
    // The correct count comes from the same forward pass; `keep` takes it out of valueAndGrads' tidy
    // (it is off the path to the loss, so the backward pass does not see it).
    let correct: Scalar | undefined;
    const { loss, grads } = valueAndGrads(this.model, () => {
      const logits = this.model.call(xn);
      correct = keep(sum(cast(equal(argMax(logits, 1), y), 'float32'))) as Scalar;
      return crossEntropy(logits, y);
    });
    this.optimizer.step(grads);
    dispose(Object.values(grads));
    this.pending.push({ loss, correct: correct as Scalar, size: y.shape[0] });
    if (this.wantPreview) {
      this.wantPreview = false;
      this.disposePreview();
      const n = Math.min(PREVIEW_IMAGES, x.shape[0]);
      this.preview = {
        original: slice(x, [0, 0, 0, 0], [n, -1, -1, -1]),
        augmented: slice(xa, [0, 0, 0, 0], [n, -1, -1, -1]),
        labels: Array.from(this.epochLabels(start, n)),
      };
    }
    dispose([x, y, xn]);
    if (xa !== x) xa.dispose();
    this.position.step++;
    this.position.stepInEpoch++;
    if (this.position.stepInEpoch >= this.stepsPerEpoch) {
      this.position.epoch++;
      this.position.stepInEpoch = 0;
      // The next epoch's order is the generator's next draw: advance it by this epoch's permutation.
      const gen = Rng.fromState(this.orderRngAtEpoch);
      gen.permutation(this.trainSet.count);
      this.orderRngAtEpoch = gen.state();
      this.order = null;
    }
  }

  private epochLabels(start: number, n: number): Uint8Array {
    return this.epochData().labels.subarray(start, start + n);
  }

  /** Steps queued since the last read. */
  get unread(): number {
    return this.pending.length;
  }

  /**
   * Reads the losses and correct counts of the steps since the last call (one read-back), appends
   * their mean to the training curve and returns it; undefined when no step was taken.
   */
  async readMetrics(): Promise<StepMetrics | undefined> {
    const taken = this.pending;
    if (taken.length === 0) return undefined;
    this.pending = [];
    const both = tidy(() => stack([stack(taken.map((p) => p.loss)), stack(taken.map((p) => p.correct))]));
    dispose(taken.flatMap((p) => [p.loss, p.correct]));
    const values = await both.data();
    both.dispose();
    const n = taken.length;
    let loss = 0;
    let correct = 0;
    for (let i = 0; i < n; i++) {
      loss += values[i];
      correct += values[n + i];
    }
    const images = taken.reduce((s, p) => s + p.size, 0);
    const point = { step: this.position.step, loss: loss / n, accuracy: correct / images };
    this.history.train.push(point);
    return { ...point, steps: n };
  }

  /** The batch kept by {@link requestPreview}, read back as bytes; undefined when none is kept. */
  async takePreview(): Promise<BatchPreview | undefined> {
    const p = this.preview;
    if (p === null) return undefined;
    this.preview = null;
    const toBytes = async (t: Tensor4D) => {
      const v = await t.data();
      return Uint8Array.from(v, (x) => Math.round(255 * Math.min(1, Math.max(0, x))));
    };
    const [, height, width] = p.original.shape;
    const out = {
      count: p.original.shape[0],
      height,
      width,
      original: await toBytes(p.original),
      augmented: await toBytes(p.augmented),
      labels: p.labels,
    };
    dispose([p.original, p.augmented]);
    return out;
  }

  private disposePreview(): void {
    if (this.preview !== null) dispose([this.preview.original, this.preview.augmented]);
    this.preview = null;
  }

  /**
   * Mean loss and accuracy of the model (in eval mode) on the first `limit` images of `dataset`, in
   * batches; `between` is awaited after each batch (the worker answers messages there).
   */
  async evaluate(
    dataset: Dataset,
    limit = dataset.count,
    between: () => Promise<void> = async () => {},
  ): Promise<{ loss: number; accuracy: number }> {
    const ds = sliceDataset(dataset, 0, Math.min(limit, dataset.count));
    const wasTraining = this.model.training;
    this.model.eval();
    let loss = 0;
    let correct = 0;
    try {
      // Batches of the training batch size: on WebGPU, shapes the training step already compiled.
      for (const { x, y } of batches(ds, { batchSize: this.config.batchSize })) {
        const r = tidy(() => {
          const logits = this.model.call(normalizeChannels(x, this.stats.mean, this.stats.std));
          return stack([
            mul(crossEntropy(logits, y), y.shape[0]),
            sum(cast(equal(argMax(logits, 1), y), 'float32')),
          ]);
        });
        dispose([x, y]);
        const [l, c] = await r.data();
        r.dispose();
        loss += l;
        correct += c;
        await between();
      }
    } finally {
      if (wasTraining) this.model.train();
    }
    return { loss: loss / ds.count, accuracy: correct / ds.count };
  }

  /** {@link evaluate} on the validation images, appended to the validation curve. */
  async validate(between?: () => Promise<void>): Promise<CurvePoint> {
    const r = await this.evaluate(this.data.val, this.config.valImages, between);
    const point = { step: this.position.step, ...r };
    const last = this.history.val.at(-1);
    if (last?.step === point.step) this.history.val[this.history.val.length - 1] = point;
    else this.history.val.push(point);
    return point;
  }

  /** Class probabilities of 28×28 grayscale images (0–255 bytes, `count` of them), in eval mode. */
  async predict(pixels: Uint8Array, count = 1): Promise<Float32Array> {
    const { height: h, width: w } = this.data.test;
    if (pixels.length !== count * h * w)
      throw new Error(`predict: expected ${count}×${h}×${w} pixels, got ${pixels.length}`);
    const wasTraining = this.model.training;
    this.model.eval();
    try {
      const probs = tidy(() => {
        const x = tensor4d(
          Float32Array.from(pixels, (p) => p / 255),
          [count, h, w, 1],
        );
        return softmax(this.model.call(normalizeChannels(x, this.stats.mean, this.stats.std)));
      });
      const out = (await probs.data()) as Float32Array;
      probs.dispose();
      return out;
    } finally {
      if (wasTraining) this.model.train();
    }
  }

  /** Everything needed to continue, read back into plain arrays (queued metrics are read first). */
  async checkpoint(backend: string): Promise<Checkpoint> {
    await this.readMetrics();
    const opt = splitTensors(this.optimizer.stateDict());
    return {
      format: 'convkit-playground-checkpoint',
      version: 1,
      savedAt: new Date().toISOString(),
      backend,
      config: { ...this.config },
      model: this.model.toConfig(),
      weights: await readRecords(this.model.stateDict()),
      optimizer: { json: opt.json, tensors: await readRecords(opt.tensors) },
      rng: { order: this.orderRngAtEpoch, augment: this.augmentRng.state() },
      position: { ...this.position },
      history: structuredClone(this.history),
    };
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    dispose(this.pending.flatMap((p) => [p.loss, p.correct]));
    this.pending = [];
    this.disposePreview();
    this.optimizer.dispose();
    this.model.dispose();
  }
}
