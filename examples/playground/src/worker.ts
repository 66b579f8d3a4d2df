// The training worker: starts a backend, loads the data, runs the session step by step and answers the
// page between steps (Comlink messages), so that the page never waits on training.
import { type BackendReport, formatReport, initBackend } from '@convkit/backend';
import wasmPlain from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm.wasm?url';
import wasmSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-simd.wasm?url';
import wasmThreadedSimd from '@tensorflow/tfjs-backend-wasm/dist/tfjs-backend-wasm-threaded-simd.wasm?url';
import { backend as activeBackend } from '@tensorflow/tfjs-core';
import * as Comlink from 'comlink';
import { type LoadedData, loadData } from './data';
import type { DataInfo, InitOptions, PlaygroundApi, Prediction, RunState, WorkerEvents } from './protocol';
import { type Checkpoint, type RunConfig, Session } from './session';
import { loadWeightsFile, WeightsFileError, weightsToSafetensors } from './weights';

// The .wasm binaries are assets of the site (Vite copies them and gives their URLs).
const wasmPaths = {
  'tfjs-backend-wasm.wasm': wasmPlain,
  'tfjs-backend-wasm-simd.wasm': wasmSimd,
  'tfjs-backend-wasm-threaded-simd.wasm': wasmThreadedSimd,
};

/** Read the step results (a GPU sync) after this many steps, or sooner when this much time passed. */
const SYNC_STEPS = 10;
const SYNC_MS = 250;
/** Points on the validation curve per epoch (and one at each epoch's end). */
const VALIDATIONS_PER_EPOCH = 4;
/** On WebGPU, hand the page a checkpoint this often (steps), to continue on WASM if the GPU is lost. */
const SNAPSHOT_STEPS = 50;
/** A batch preview at most this often. */
const PREVIEW_MS = 1500;

let events: WorkerEvents | undefined;
let report: BackendReport | undefined;
let data: LoadedData | undefined;
let session: Session | undefined;
let state: RunState = 'idle';
let loop: Promise<void> | undefined;
let gpuDevice: GPUDevice | undefined;

/** Lets queued messages (pause, predict, …) run: a macrotask, without setTimeout's 4 ms clamp. */
function yieldToEvents(): Promise<void> {
  return new Promise((resolve) => {
    const ch = new MessageChannel();
    ch.port1.onmessage = () => resolve();
    ch.port2.postMessage(null);
  });
}

function setState(s: RunState, message?: string): void {
  state = s;
  events?.state(s, message);
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function requireSession(what: string): Session {
  if (session === undefined)
    throw new Error(`${what}: train a model, restore a checkpoint or load weights first`);
  return session;
}

function requireData(what: string): LoadedData {
  if (data === undefined) throw new Error(`${what}: load a dataset first`);
  return data;
}

/** Steps per second over a sliding window of recent reads, training time only. */
class Speed {
  private samples: { steps: number; ms: number }[] = [];
  add(steps: number, ms: number): void {
    this.samples.push({ steps, ms });
    while (this.samples.length > 1 && this.samples.reduce((s, x) => s + x.ms, 0) > 3000) this.samples.shift();
  }
  get perSecond(): number {
    const ms = this.samples.reduce((s, x) => s + x.ms, 0);
    return ms > 0 ? (1000 * this.samples.reduce((s, x) => s + x.steps, 0)) / ms : 0;
  }
}

/** Runs `s` until it is done or `state` leaves 'running'. */
async function run(s: Session): Promise<void> {
  const speed = new Speed();
  const valEvery = Math.max(1, Math.ceil(s.stepsPerEpoch / VALIDATIONS_PER_EPOCH));
  let syncStart = performance.now();
  let lastPreview = 0;
  let excluded = 0; // ms spent validating and snapshotting since the last read
  const onWebGpu = report?.name === 'webgpu';
  const read = async () => {
    const m = await s.readMetrics();
    const now = performance.now();
    if (m !== undefined) {
      speed.add(m.steps, Math.max(1, now - syncStart - excluded));
      const sps = speed.perSecond;
      events?.progress({
        position: { ...s.position },
        totalSteps: s.totalSteps,
        stepsPerEpoch: s.stepsPerEpoch,
        epochs: s.config.epochs,
        point: m,
        stepsPerSecond: sps,
        imagesPerSecond: sps * s.config.batchSize,
      });
    }
    const p = await s.takePreview();
    if (p !== undefined) events?.preview(p);
    syncStart = performance.now();
    excluded = 0;
  };
  const validate = async () => {
    const t = performance.now();
    await read();
    events?.validation(await s.validate(yieldToEvents));
    excluded += performance.now() - t;
  };
  const snapshot = async () => {
    const t = performance.now();
    events?.snapshot(await s.checkpoint(report?.name ?? ''));
    excluded += performance.now() - t;
  };
  while (state === 'running' && !s.done) {
    if (performance.now() - lastPreview > PREVIEW_MS) {
      s.requestPreview();
      lastPreview = performance.now();
    }
    const epochBefore = s.position.epoch;
    s.trainStep();
    if (s.unread >= SYNC_STEPS || performance.now() - syncStart > SYNC_MS || s.done) await read();
    if (s.position.step % valEvery === 0 || s.position.epoch !== epochBefore) await validate();
    if (onWebGpu && (s.position.step % SNAPSHOT_STEPS === 0 || s.position.epoch !== epochBefore))
      await snapshot();
    await yieldToEvents();
  }
  if (state === 'lost') return;
  await read();
  if (onWebGpu) await snapshot();
  if (s.done) setState('done');
}

function startLoop(s: Session): void {
  setState('running');
  loop = run(s).catch((err) => {
    // After a lost device, the pending read fails too: the page already knows why.
    if (state !== 'lost') setState('failed', errorText(err));
  });
}

/** Waits for the loop to leave its current step. */
async function settle(): Promise<void> {
  await loop;
  loop = undefined;
}

function watchDevice(): void {
  const device = (activeBackend() as unknown as { device?: GPUDevice }).device;
  if (device === undefined) return;
  gpuDevice = device;
  device.lost.then((info) => {
    const why = `${info.reason === 'destroyed' ? 'the device was destroyed' : 'the GPU was lost'}${info.message ? `: ${info.message}` : ''}`;
    setState('lost', why);
    events?.deviceLost(why);
  });
}

const api: PlaygroundApi = {
  async init(options: InitOptions, ev: WorkerEvents) {
    events = ev;
    const common = { wasmPaths, ...(options.wasmThreads ? { wasmThreads: options.wasmThreads } : {}) };
    // auto: a hardware GPU, else WASM (initBackend skips a software adapter such as SwiftShader and
    // says so); a named backend is tried alone, software adapters included.
    report =
      options.backend === 'auto'
        ? await initBackend({ ...common, preference: ['webgpu', 'wasm'], warn: () => {} })
        : await initBackend({ ...common, backend: options.backend, strict: true });
    if (report.name === 'webgpu') watchDevice();
    return { report, text: formatReport(report) };
  },

  async loadData(baseUrl, name): Promise<DataInfo> {
    if (data?.name !== name) {
      data = await loadData(baseUrl, name, (p) => events?.dataProgress(p));
    }
    return {
      name,
      train: data.train.count,
      val: data.val.count,
      test: data.test.count,
      classes: data.test.classes,
    };
  },

  async start(config: RunConfig) {
    await api.stop();
    session?.dispose();
    session = undefined;
    session = Session.create(config, requireData('start'));
    startLoop(session);
  },

  async pause() {
    if (state !== 'running') return;
    setState('paused');
    await settle();
  },

  async resume() {
    const s = requireSession('resume');
    if (state === 'running' || s.done) return;
    startLoop(s);
  },

  async stop() {
    if (state === 'running' || state === 'paused') {
      const wasRunning = state === 'running';
      setState('stopped');
      if (wasRunning) await settle();
    }
  },

  async predict(pixels: Uint8Array): Promise<Prediction> {
    const probs = await requireSession('predict').predict(pixels);
    return { probabilities: Array.from(probs), pixels };
  },

  async predictTest(index: number): Promise<Prediction> {
    const test = requireData('predict').test;
    if (!Number.isInteger(index) || index < 0 || index >= test.count)
      throw new Error(`test image index must be from 0 to ${test.count - 1}, got ${index}`);
    const size = test.height * test.width;
    const pixels = test.images.slice(index * size, (index + 1) * size);
    const probs = await requireSession('predict').predict(pixels);
    return { probabilities: Array.from(probs), pixels, label: test.labels[index] };
  },

  async checkpoint(): Promise<Checkpoint> {
    const s = requireSession('save');
    // Taken between steps with nothing queued: pause, read, carry on.
    const wasRunning = state === 'running';
    if (wasRunning) await api.pause();
    const ckpt = await s.checkpoint(report?.name ?? '');
    if (wasRunning) startLoop(s);
    return Comlink.transfer(ckpt, transferables(ckpt));
  },

  async restore(ckpt: Checkpoint) {
    await api.stop();
    const d = requireData('restore');
    const restored = Session.restore(ckpt, d); // throws before anything changes
    session?.dispose();
    session = restored;
    setState(restored.done ? 'done' : 'paused');
    return {
      position: { ...restored.position },
      totalSteps: restored.totalSteps,
      stepsPerEpoch: restored.stepsPerEpoch,
    };
  },

  async exportWeights() {
    const s = requireSession('download');
    const bytes = await weightsToSafetensors(s.model, s.config.model);
    return Comlink.transfer({ bytes, fileName: `${s.config.model}-${s.config.dataset}.safetensors` }, [
      bytes.buffer,
    ]);
  },

  async importWeights(bytes: Uint8Array, fileName: string, config: RunConfig) {
    let s = session;
    let created = false;
    if (s === undefined || s.config.model !== config.model || s.config.dataset !== config.dataset) {
      s = Session.create(config, requireData('load weights'));
      created = true;
    } else if (state === 'running') {
      await api.pause();
    }
    try {
      const message = loadWeightsFile(s.model, s.config.model, bytes, fileName);
      if (created) {
        await api.stop();
        session?.dispose();
        session = s;
      }
      setState('paused', `${message}: Resume trains from them, Start begins afresh`);
      return { message, model: s.config.model };
    } catch (err) {
      if (created) s.dispose();
      if (err instanceof WeightsFileError) throw new Error(err.message);
      throw err;
    }
  },

  async loseDevice() {
    if (gpuDevice === undefined) return false;
    gpuDevice.destroy();
    return true;
  },
};

function transferables(ckpt: Checkpoint): ArrayBuffer[] {
  const records = [...Object.values(ckpt.weights), ...Object.values(ckpt.optimizer.tensors)];
  return records.map((r) => r.data.buffer as ArrayBuffer);
}

Comlink.expose(api);
