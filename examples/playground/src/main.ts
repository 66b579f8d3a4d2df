// The page: wires the form, the charts and the widgets to the training worker. Nothing here computes
// with tensors: the worker does, so the page stays responsive while it trains.
import * as Comlink from 'comlink';
import { get, set } from 'idb-keyval';
import { simd, threads } from 'wasm-feature-detect';
import { DATASET_TITLES, type DatasetName, DEFAULT_CONFIG, type RunConfig } from './config';
import type { DataProgress } from './data';
import { SIDE } from './digit';
import type {
  BackendChoice,
  DataInfo,
  InitResult,
  PlaygroundApi,
  Prediction,
  ProgressEvent,
  RunState,
  WorkerEvents,
} from './protocol';
import type { BatchPreview, Checkpoint, CurvePoint, History } from './session';
import { Curves } from './ui/charts';
import { DrawingPad, drawImages, drawPreview, renderProbabilities } from './ui/widgets';

const CHECKPOINT_KEY = 'convkit-playground/checkpoint';

const $ = <T extends HTMLElement>(id: string) => {
  const el = document.getElementById(id);
  if (el === null) throw new Error(`#${id} is missing`);
  return el as T;
};

const ui = {
  backend: $<HTMLSelectElement>('backend'),
  report: $('report'),
  dataset: $<HTMLSelectElement>('dataset'),
  dataProgress: $<HTMLProgressElement>('data-progress'),
  dataStatus: $('data-status'),
  form: $<HTMLFormElement>('settings'),
  start: $<HTMLButtonElement>('start'),
  pause: $<HTMLButtonElement>('pause'),
  resume: $<HTMLButtonElement>('resume'),
  stop: $<HTMLButtonElement>('stop'),
  trainProgress: $<HTMLProgressElement>('train-progress'),
  trainStatus: $('train-status'),
  speed: $('speed'),
  save: $<HTMLButtonElement>('save'),
  restore: $<HTMLButtonElement>('restore'),
  saved: $('saved'),
  download: $<HTMLButtonElement>('download'),
  loadWeights: $<HTMLInputElement>('load-weights'),
  weightsStatus: $('weights-status'),
  preview: $<HTMLCanvasElement>('preview'),
  pad: $<HTMLCanvasElement>('pad'),
  clear: $<HTMLButtonElement>('clear'),
  testIndex: $<HTMLInputElement>('test-index'),
  pick: $<HTMLButtonElement>('pick'),
  random: $<HTMLButtonElement>('random'),
  input: $<HTMLCanvasElement>('input'),
  prediction: $('prediction'),
  probs: $('probs'),
  alert: $('alert'),
  alertText: $('alert-text'),
  continueWasm: $<HTMLButtonElement>('continue-wasm'),
  alertClose: $<HTMLButtonElement>('alert-close'),
};

/**
 * What the page knows, readable from outside as `window.playground` (the browser check reads it; it is
 * handy in the console too). `heartbeat` measures the main thread while training runs: a timer that
 * should fire every 50 ms, and the long tasks (> 50 ms) the browser reports.
 */
const status = {
  state: 'idle' as RunState,
  init: null as InitResult | null,
  data: null as DataInfo | null,
  history: { train: [], val: [] } as History,
  progress: null as ProgressEvent | null,
  prediction: null as Prediction | null,
  /** Predictions asked for and not answered yet. */
  predicting: 0,
  snapshotStep: null as number | null,
  messages: [] as string[],
  heartbeat: { ticks: 0, maxGapMs: 0, runningMs: 0, longTasks: [] as number[] },
  loseDevice: () => api().loseDevice(),
};
(window as unknown as { playground: typeof status }).playground = status;

const params = new URLSearchParams(location.search);
const parseChoice = (v: string | null): BackendChoice | undefined =>
  v === 'auto' || v === 'webgpu' || v === 'wasm' ? v : undefined;
let backendChoice: BackendChoice = parseChoice(params.get('backend')) ?? 'auto';
const wasmThreads = params.has('threads') ? Number(params.get('threads')) : undefined;
ui.backend.value = backendChoice;

let worker: Worker | undefined;
let remote: Comlink.Remote<PlaygroundApi> | undefined;
let lastSnapshot: Checkpoint | undefined;
let savedCheckpoint = false;
let dataset: DatasetName =
  (params.get('dataset') as DatasetName) === 'fashion-mnist' ? 'fashion-mnist' : 'mnist';
ui.dataset.value = dataset;

function api(): Comlink.Remote<PlaygroundApi> {
  if (remote === undefined) throw new Error('the worker is not running');
  return remote;
}

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));

function note(message: string): void {
  status.messages.push(message);
}

/** The page's message box: errors in red, `info` in blue; `offerWasm` shows "Continue on WASM". */
function showAlert(message: string, options: { offerWasm?: boolean; info?: boolean } = {}): void {
  note(message);
  ui.alertText.textContent = message;
  ui.alert.classList.toggle('info', options.info === true);
  ui.continueWasm.hidden = options.offerWasm !== true;
  ui.alert.hidden = false;
}

function hideAlert(): void {
  ui.alert.hidden = true;
}

/** Runs a button's action, showing a failure on the page instead of losing it in the console. */
function action(fn: () => Promise<void>): () => void {
  return () => {
    fn().catch((err) => showAlert(errorText(err)));
  };
}

// ---- settings ----

function readConfig(): RunConfig {
  const f = new FormData(ui.form);
  const num = (k: string) => Number(f.get(k));
  return {
    ...DEFAULT_CONFIG,
    dataset,
    model: String(f.get('model')) as RunConfig['model'],
    optimizer: String(f.get('optimizer')) as RunConfig['optimizer'],
    lr: num('lr'),
    epochs: num('epochs'),
    batchSize: num('batchSize'),
    trainImages: num('trainImages'),
    valImages: num('valImages'),
    seed: num('seed'),
    augment: f.get('augment') === 'on',
  };
}

function writeConfig(c: RunConfig): void {
  const el = (name: string) => ui.form.elements.namedItem(name) as HTMLInputElement | HTMLSelectElement;
  for (const k of [
    'model',
    'optimizer',
    'lr',
    'epochs',
    'batchSize',
    'trainImages',
    'valImages',
    'seed',
  ] as const) {
    el(k).value = String(c[k]);
  }
  (el('augment') as HTMLInputElement).checked = c.augment;
}

// ---- state and progress ----

const curves = new Curves($('loss-chart'), $('accuracy-chart'));
/** The run's steps per epoch (the curves' x axis is in epochs, as in the trainer's report). */
let stepsPerEpoch = 1;

function hasModel(): boolean {
  return !['idle', 'lost'].includes(status.state);
}

function refreshButtons(): void {
  const s = status.state;
  const ready = status.data !== null && remote !== undefined;
  ui.start.disabled = !ready || s === 'running' || s === 'lost';
  ui.pause.disabled = s !== 'running';
  ui.resume.disabled = s !== 'paused';
  ui.stop.disabled = s !== 'running' && s !== 'paused';
  ui.save.disabled = !hasModel() || s === 'failed';
  ui.download.disabled = !hasModel() || s === 'failed';
  ui.loadWeights.disabled = !ready || s === 'lost';
  ui.pick.disabled = !ready || !hasModel();
  ui.random.disabled = ui.pick.disabled;
  ui.dataset.disabled = s === 'running';
  ui.restore.disabled = !ready || !savedCheckpoint || s === 'running';
}

function setState(s: RunState, message?: string): void {
  status.state = s;
  const words: Record<RunState, string> = {
    idle: 'not started',
    running: 'training…',
    paused: 'paused',
    stopped: 'stopped',
    done: 'done',
    lost: 'stopped: the GPU was lost',
    failed: 'failed',
  };
  if (status.progress === null) ui.trainStatus.textContent = words[s];
  else showProgress(status.progress);
  if (message !== undefined) {
    if (s === 'failed') showAlert(`Training failed: ${message}`, { offerWasm: true });
    else ui.weightsStatus.textContent = message;
    note(message);
  }
  refreshButtons();
}

function showProgress(p: ProgressEvent): void {
  status.progress = p;
  const { position, totalSteps, stepsPerEpoch, epochs } = p;
  ui.trainProgress.value = totalSteps > 0 ? position.step / totalSteps : 0;
  const epoch = Math.min(epochs, position.epoch + (position.stepInEpoch > 0 || position.epoch === 0 ? 1 : 0));
  ui.trainStatus.textContent =
    `${status.state === 'running' ? 'training' : status.state === 'lost' ? 'GPU lost' : status.state} · epoch ${epoch}/${epochs} · step ${position.step}/${totalSteps} ` +
    `(${stepsPerEpoch} per epoch) · loss ${p.point.loss.toFixed(4)} · accuracy ${(100 * p.point.accuracy).toFixed(1)} %`;
  ui.speed.textContent = `${p.stepsPerSecond.toFixed(1)} steps/s · ${Math.round(p.imagesPerSecond)} images/s`;
}

function addPoint(curve: CurvePoint[], point: CurvePoint): void {
  const last = curve.at(-1);
  if (last !== undefined && last.step === point.step) curve[curve.length - 1] = point;
  else curve.push(point);
  curves.update(status.history, stepsPerEpoch);
}

function setHistory(h: History): void {
  status.history = structuredClone(h);
  curves.update(status.history, stepsPerEpoch);
}

const events: WorkerEvents = {
  dataProgress: (p: DataProgress) => {
    ui.dataProgress.value = p.total > 0 ? p.loaded / p.total : 0;
    ui.dataStatus.textContent = `loading ${DATASET_TITLES[dataset]}: ${(p.loaded / 1e6).toFixed(1)} / ${(p.total / 1e6).toFixed(1)} MB`;
  },
  progress: (p) => {
    stepsPerEpoch = p.stepsPerEpoch;
    addPoint(status.history.train, p.point);
    showProgress(p);
  },
  validation: (p) => addPoint(status.history.val, p),
  preview: (p: BatchPreview) => drawPreview(ui.preview, p),
  state: (s, message) => setState(s, message),
  snapshot: (c) => {
    lastSnapshot = c;
    status.snapshotStep = c.position.step;
  },
  deviceLost: (why) => {
    const at = status.progress?.position.step ?? 0;
    const kept =
      lastSnapshot === undefined
        ? 'No snapshot was taken yet: start again on WASM.'
        : `Training state is kept: the snapshot of step ${lastSnapshot.position.step} (training had reached step ${at}).`;
    showAlert(`WebGPU stopped working (${why}). ${kept}`, { offerWasm: true });
  },
};

// ---- the worker ----

function reportText(r: InitResult, extra: string[]): string {
  return [r.text, ...extra].join('\n');
}

/** Starts a fresh worker on `choice`, loads the dataset and, given one, restores a checkpoint into it. */
async function boot(choice: BackendChoice, restoreFrom?: Checkpoint): Promise<void> {
  remote?.[Comlink.releaseProxy]();
  worker?.terminate();
  remote = undefined;
  status.init = null;
  lastSnapshot = restoreFrom;
  setState('idle');
  ui.report.textContent = `starting ${choice === 'auto' ? 'the best backend' : choice}…`;
  worker = new Worker(new URL('./worker.ts', import.meta.url), { type: 'module', name: 'convkit-training' });
  worker.addEventListener('error', (e) =>
    showAlert(`The training worker failed: ${e.message}`, { offerWasm: true }),
  );
  const r = Comlink.wrap<PlaygroundApi>(worker);
  let init: InitResult;
  try {
    init = await r.init({ backend: choice, wasmThreads }, Comlink.proxy(events));
  } catch (err) {
    ui.report.textContent = `could not start ${choice}: ${errorText(err)}`;
    showAlert(`The ${choice} backend could not start: ${errorText(err)}`, { offerWasm: choice !== 'wasm' });
    throw err;
  }
  remote = r;
  status.init = init;
  const extra = [
    `page cross-origin isolated: ${self.crossOriginIsolated ? 'yes' : 'no (WASM runs on one thread)'}`,
  ];
  if (init.report.name !== 'wasm') {
    const [s, t] = await Promise.all([simd(), threads()]);
    extra.push(
      `WASM fallback: SIMD ${s ? 'on' : 'off'}, threads ${
        !self.crossOriginIsolated
          ? 'off (the page is not cross-origin isolated: serve it with COOP/COEP headers)'
          : t
            ? 'possible'
            : 'off (this browser has no WASM threads)'
      }`,
    );
  }
  ui.report.textContent = reportText(init, extra);
  await loadDataset(restoreFrom?.config.dataset ?? dataset);
  if (restoreFrom !== undefined) await restoreCheckpoint(restoreFrom);
  refreshButtons();
}

async function loadDataset(name: DatasetName): Promise<void> {
  dataset = name;
  ui.dataset.value = name;
  status.data = null;
  refreshButtons();
  ui.dataStatus.textContent = `loading ${DATASET_TITLES[name]}…`;
  const started = performance.now();
  const info = await api().loadData(new URL('data/', document.baseURI).href, name);
  status.data = info;
  ui.dataProgress.value = 1;
  ui.dataStatus.textContent =
    `${DATASET_TITLES[name]}: ${info.train.toLocaleString('en')} training, ${info.val.toLocaleString('en')} validation, ` +
    `${info.test.toLocaleString('en')} test images (${((performance.now() - started) / 1000).toFixed(1)} s)`;
  ui.testIndex.max = String(info.test - 1);
  refreshButtons();
}

async function restoreCheckpoint(ckpt: Checkpoint): Promise<void> {
  if (ckpt.config.dataset !== dataset) await loadDataset(ckpt.config.dataset);
  const restored = await api().restore(ckpt);
  const { position, totalSteps } = restored;
  stepsPerEpoch = restored.stepsPerEpoch;
  writeConfig(ckpt.config);
  setHistory(ckpt.history);
  status.progress = null;
  const last = ckpt.history.train.at(-1);
  ui.trainProgress.value = position.step / totalSteps;
  ui.trainStatus.textContent = `restored at step ${position.step}/${totalSteps}${last ? ` · loss ${last.loss.toFixed(4)}` : ''}`;
}

/** Moves the session to another backend through a checkpoint (a new worker). */
async function switchBackend(choice: BackendChoice): Promise<void> {
  const wasRunning = status.state === 'running';
  const ckpt = hasModel() && status.state !== 'failed' ? await api().checkpoint() : undefined;
  backendChoice = choice;
  params.set('backend', choice);
  history.replaceState(null, '', `?${params}`);
  await boot(choice, ckpt);
  if (wasRunning) await api().resume();
}

async function continueOnWasm(): Promise<void> {
  hideAlert();
  const snapshot = lastSnapshot;
  backendChoice = 'wasm';
  ui.backend.value = 'wasm';
  await boot('wasm', snapshot);
  if (snapshot !== undefined) note(`continued on wasm from step ${snapshot.position.step}`);
  if (snapshot !== undefined && status.state === 'paused') await api().resume();
}

// ---- controls ----

ui.backend.addEventListener(
  'change',
  action(() => switchBackend(ui.backend.value as BackendChoice)),
);
ui.dataset.addEventListener(
  'change',
  action(async () => {
    if (status.state === 'paused') await api().stop();
    await loadDataset(ui.dataset.value as DatasetName);
  }),
);
ui.start.addEventListener(
  'click',
  action(async () => {
    hideAlert();
    setHistory({ train: [], val: [] });
    status.progress = null;
    lastSnapshot = undefined;
    status.snapshotStep = null;
    ui.trainProgress.value = 0;
    await api().start(readConfig());
  }),
);
ui.pause.addEventListener(
  'click',
  action(() => api().pause()),
);
ui.resume.addEventListener(
  'click',
  action(() => api().resume()),
);
ui.stop.addEventListener(
  'click',
  action(() => api().stop()),
);
ui.continueWasm.addEventListener('click', action(continueOnWasm));
ui.alertClose.addEventListener('click', hideAlert);

function describe(c: Checkpoint): string {
  const when = new Date(c.savedAt).toLocaleTimeString('en-GB');
  return `${c.config.model} on ${DATASET_TITLES[c.config.dataset]}, step ${c.position.step}, saved ${when} on ${c.backend}`;
}

ui.save.addEventListener(
  'click',
  action(async () => {
    const ckpt = await api().checkpoint();
    await set(CHECKPOINT_KEY, ckpt);
    ui.saved.textContent = `saved: ${describe(ckpt)}`;
    note(`saved at step ${ckpt.position.step}`);
    savedCheckpoint = true;
    refreshButtons();
  }),
);
ui.restore.addEventListener(
  'click',
  action(async () => {
    const ckpt = await get<Checkpoint>(CHECKPOINT_KEY);
    if (ckpt === undefined) throw new Error('no checkpoint is saved in this browser');
    await restoreCheckpoint(ckpt);
    ui.saved.textContent = `restored: ${describe(ckpt)}; Resume continues training`;
    note(`restored step ${ckpt.position.step}`);
  }),
);
ui.download.addEventListener(
  'click',
  action(async () => {
    const { bytes, fileName } = await api().exportWeights();
    const url = URL.createObjectURL(
      new Blob([bytes as Uint8Array<ArrayBuffer>], { type: 'application/octet-stream' }),
    );
    const a = document.createElement('a');
    a.href = url;
    a.download = fileName;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    ui.weightsStatus.textContent = `downloaded ${fileName} (${(bytes.length / 1024).toFixed(0)} KB, PyTorch's keys and layouts)`;
  }),
);
ui.loadWeights.addEventListener(
  'change',
  action(async () => {
    const file = ui.loadWeights.files?.[0];
    ui.loadWeights.value = '';
    if (file === undefined) return;
    try {
      const r = await api().importWeights(new Uint8Array(await file.arrayBuffer()), file.name, readConfig());
      ui.weightsStatus.textContent = r.message;
      hideAlert();
    } catch (err) {
      ui.weightsStatus.textContent = `not loaded: ${file.name}`;
      throw err;
    }
  }),
);

// ---- try it ----

const classes = () => status.data?.classes ?? [];

function showPrediction(p: Prediction, what: string): void {
  status.prediction = p;
  drawImages(ui.input, p.pixels, 1, 1, 3);
  const best = p.probabilities.indexOf(Math.max(...p.probabilities));
  const truth = p.label === undefined ? '' : ` (true: ${classes()[p.label]})`;
  ui.prediction.textContent = `${what}: ${classes()[best]}, ${(100 * p.probabilities[best]).toFixed(1)} %${truth}`;
  renderProbabilities(ui.probs, classes(), p.probabilities, p.label);
}

let latest = 0;
const pad = new DrawingPad(ui.pad, (pixels) => {
  if (!hasModel() || remote === undefined) {
    ui.prediction.textContent = 'train a model (or restore one) to classify the drawing';
    return;
  }
  const id = ++latest;
  status.predicting++;
  api()
    .predict(pixels)
    .then((p) => {
      if (id === latest) showPrediction(p, 'drawing');
    })
    .catch((err) => showAlert(errorText(err)))
    .finally(() => status.predicting--);
});
ui.clear.addEventListener('click', () => {
  pad.clear();
  drawImages(ui.input, new Uint8Array(SIDE * SIDE), 1, 1, 3);
  ui.probs.replaceChildren();
  ui.prediction.textContent = '';
});
const classify = action(async () => {
  status.predicting++;
  try {
    showPrediction(await api().predictTest(Number(ui.testIndex.value)), `test image ${ui.testIndex.value}`);
  } finally {
    status.predicting--;
  }
});
ui.pick.addEventListener('click', classify);
ui.random.addEventListener('click', () => {
  ui.testIndex.value = String(Math.floor(Math.random() * (status.data?.test ?? 1)));
  classify();
});

// ---- the main thread's heartbeat ----

let lastTick = performance.now();
setInterval(() => {
  const now = performance.now();
  if (status.state === 'running') {
    status.heartbeat.ticks++;
    status.heartbeat.maxGapMs = Math.max(status.heartbeat.maxGapMs, now - lastTick);
    status.heartbeat.runningMs += now - lastTick;
  }
  lastTick = now;
}, 50);
if (PerformanceObserver.supportedEntryTypes?.includes('longtask')) {
  new PerformanceObserver((list) => {
    if (status.state !== 'running') return;
    for (const e of list.getEntries()) status.heartbeat.longTasks.push(Math.round(e.duration));
  }).observe({ type: 'longtask', buffered: false });
}

// ---- go ----

get<Checkpoint>(CHECKPOINT_KEY)
  .then((c) => {
    savedCheckpoint = c !== undefined;
    if (c !== undefined) ui.saved.textContent = `in this browser: ${describe(c)}`;
    refreshButtons();
  })
  .catch((err) => note(`IndexedDB is not available: ${errorText(err)}`));
boot(backendChoice).catch((err) => note(`boot failed: ${errorText(err)}`));
