// What the page and the training worker say to each other (the worker's API, called through Comlink).
import type { BackendReport } from '@convkit/backend';
import type { DatasetName } from './config';
import type { DataProgress } from './data';
import type { BatchPreview, Checkpoint, CurvePoint, Position, RunConfig } from './session';

/** Which backend the page asks for: `auto` is WebGPU (a hardware adapter), else WASM. */
export type BackendChoice = 'auto' | 'webgpu' | 'wasm';

export interface InitOptions {
  backend: BackendChoice;
  /** WASM threads; undefined: tfjs's choice (half of the logical cores, when the page is isolated). */
  wasmThreads?: number;
}

export interface InitResult {
  report: BackendReport;
  /** `formatReport(report)`: the lines the page shows. */
  text: string;
}

/** `running` → `paused` ⇄ `running`; `stopped` by the user, `done` after the last epoch, `lost` GPU. */
export type RunState = 'idle' | 'running' | 'paused' | 'stopped' | 'done' | 'lost' | 'failed';

/** Sent after each read of the step results. */
export interface ProgressEvent {
  position: Position;
  totalSteps: number;
  stepsPerEpoch: number;
  epochs: number;
  /** The mean of the steps since the last event. */
  point: CurvePoint;
  /** Over the last few seconds of training (validation and snapshots left out). */
  stepsPerSecond: number;
  imagesPerSecond: number;
}

/** The callbacks the page hands the worker (Comlink proxies). */
export interface WorkerEvents {
  dataProgress(p: DataProgress): void;
  progress(p: ProgressEvent): void;
  validation(p: CurvePoint): void;
  preview(p: BatchPreview): void;
  state(s: RunState, message?: string): void;
  /** A recent checkpoint, kept by the page while training on WebGPU, to continue elsewhere if the GPU is lost. */
  snapshot(c: Checkpoint): void;
  deviceLost(message: string): void;
}

export interface Prediction {
  probabilities: number[];
  /** The image that was classified (28×28 bytes). */
  pixels: Uint8Array;
  /** Its true label, for a test image. */
  label?: number;
}

export interface WeightsImport {
  /** What was loaded, in a sentence for the page. */
  message: string;
  model: string;
}

export interface DataInfo {
  name: DatasetName;
  train: number;
  val: number;
  test: number;
  classes: readonly string[];
}

export interface PlaygroundApi {
  init(options: InitOptions, events: WorkerEvents): Promise<InitResult>;
  loadData(baseUrl: string, name: DatasetName): Promise<DataInfo>;
  start(config: RunConfig): Promise<void>;
  pause(): Promise<void>;
  resume(): Promise<void>;
  stop(): Promise<void>;
  predict(pixels: Uint8Array): Promise<Prediction>;
  predictTest(index: number): Promise<Prediction>;
  checkpoint(): Promise<Checkpoint>;
  restore(ckpt: Checkpoint): Promise<{ position: Position; totalSteps: number; stepsPerEpoch: number }>;
  exportWeights(): Promise<{ bytes: Uint8Array; fileName: string }>;
  importWeights(bytes: Uint8Array, fileName: string, config: RunConfig): Promise<WeightsImport>;
  /** Destroys the WebGPU device (what a driver reset or a lost GPU does): for the diagnostics and the tests. */
  loseDevice(): Promise<boolean>;
}
