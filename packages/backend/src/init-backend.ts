import { getBackend, getKernel, registerKernel, setBackend, unregisterKernel } from '@tensorflow/tfjs-core';
import type {
  Backend,
  BackendCapabilities,
  BackendInitOptions,
  BackendRegistry,
  WasmCapabilities,
  WebGpuCapabilities,
} from './backend';
import { backends } from './backends';
import { errorMessage } from './backends/load';
import { registerGradients } from './gradients';

export interface InitBackendOptions extends BackendInitOptions {
  /** Backend to use. If it cannot start, the others in `preference` are tried (unless `strict`). */
  backend?: string;
  /** Order to try backends in. Default: the registry's backends by priority: `['webgpu', 'wasm', 'cpu']`. */
  preference?: readonly string[];
  /** Throw instead of falling back. Default `false`. */
  strict?: boolean;
  /** Where backend names are looked up. Default: `backends`, the built-in registry. */
  registry?: BackendRegistry;
  /** Told once when a backend was skipped (the fallback is never silent). Default `console.warn`. */
  warn?: (message: string) => void;
}

/** Which backend runs, why the ones before it were skipped, and what it found on this machine. */
export interface BackendReport {
  name: string;
  skipped: { name: string; reason: string }[];
  wasm?: WasmCapabilities;
  webgpu?: WebGpuCapabilities;
  /** convkit kernels registered on this backend (by this call or an earlier one). */
  kernelsAdded: string[];
}

interface Started {
  capabilities: BackendCapabilities;
  kernelsAdded: string[];
}

// One entry per tfjs backend name: the record's init and kernel registration happen once.
const started = new Map<string, Started>();
let lastReport: BackendReport | undefined;
let queue: Promise<unknown> = Promise.resolve();

/**
 * Registers convkit's kernels on `record`'s tfjs backend, replacing a kernel tfjs already has under
 * the same name (e.g. wasm's naive Conv2DBackpropInput). Must run before `setBackend`, which calls
 * each kernel's `setupFunc`.
 */
function registerKernels(record: Backend): string[] {
  const misplaced = record.kernels.find((k) => k.backendName !== record.name);
  if (misplaced !== undefined) {
    throw new Error(
      `convkit: kernel ${misplaced.kernelName} is for backend "${misplaced.backendName}" but listed in "${record.name}"`,
    );
  }
  for (const config of record.kernels) {
    const existing = getKernel(config.kernelName, record.name);
    if (existing?.kernelFunc === config.kernelFunc) continue;
    if (existing !== undefined) unregisterKernel(config.kernelName, record.name);
    registerKernel(config);
  }
  return record.kernels.map((k) => k.kernelName);
}

async function start(record: Backend, options: BackendInitOptions): Promise<Started> {
  let state = started.get(record.name);
  if (state === undefined) {
    const availability = await record.isAvailable();
    if (!availability.available) throw new Error(availability.reason ?? 'isAvailable() returned false');
  }
  const refusal = await record.refusal?.(options);
  if (refusal !== undefined) throw new Error(refusal);
  if (state === undefined) {
    await record.init(options);
    const kernelsAdded = registerKernels(record);
    await select(record.name);
    state = { capabilities: (await record.capabilities?.()) ?? {}, kernelsAdded };
    started.set(record.name, state);
  } else {
    await select(record.name);
  }
  return state;
}

async function select(name: string): Promise<void> {
  if (!(await setBackend(name))) {
    throw new Error(`tf.setBackend('${name}') failed to create the backend (tfjs printed the cause above)`);
  }
}

function candidates(options: InitBackendOptions, registry: BackendRegistry): string[] {
  const preference = options.preference ?? registry.names();
  if (options.backend === undefined) return [...preference];
  return [options.backend, ...preference.filter((n) => n !== options.backend)];
}

async function initBackendNow(options: InitBackendOptions): Promise<BackendReport> {
  const registry = options.registry ?? backends;
  const names = candidates(options, registry);
  const records = names.map((n) => registry.get(n));
  if (records.length === 0) throw new Error('convkit: initBackend was given an empty preference list');
  registerGradients();
  const skipped: BackendReport['skipped'] = [];
  for (const record of records) {
    try {
      // A backend asked for by name may be a software GPU; one picked from the list may not.
      const allowSoftwareGpu = options.allowSoftwareGpu ?? options.backend === record.name;
      const state = await start(record, { ...options, allowSoftwareGpu });
      const report: BackendReport = {
        name: record.name,
        skipped,
        ...structuredClone(state.capabilities),
        kernelsAdded: [...state.kernelsAdded],
      };
      if (skipped.length > 0) {
        const why = skipped.map((s) => `${s.name} (${s.reason})`).join('; ');
        (options.warn ?? console.warn)(`convkit: using backend "${record.name}"; skipped ${why}`);
      }
      lastReport = report;
      return report;
    } catch (err) {
      skipped.push({ name: record.name, reason: errorMessage(err) });
      if (options.strict) break;
    }
  }
  if (options.strict && skipped.length === 1) {
    throw new Error(
      `convkit: backend "${skipped[0]?.name}" could not start (strict, no fallback): ${skipped[0]?.reason}`,
    );
  }
  const reasons = skipped.map((s) => `  - ${s.name}: ${s.reason}`).join('\n');
  throw new Error(`convkit: no backend could start:\n${reasons}`);
}

/**
 * Picks, starts and activates a tfjs backend, with convkit's kernels and gradients registered.
 *
 * Tries `backend` (if given) then `preference` in order; an unavailable backend, or one whose init
 * fails, is skipped with its reason in `report.skipped` and a warning. With `strict` the first failure
 * throws. Calling again is cheap: a started backend is only re-selected with `tf.setBackend`.
 * Calls are serialized.
 *
 * Options: `backend` (none), `preference` (`['webgpu', 'wasm', 'cpu']`, from the registry's priorities),
 * `strict` (`false`), `registry` (`backends`), `warn` (`console.warn`), `wasmPaths`, `wasmThreads`.
 *
 * @example
 * const report = await initBackend();              // webgpu, else wasm, else cpu
 * console.log(formatReport(report));
 * await initBackend({ backend: 'wasm', strict: true });
 */
export function initBackend(options: InitBackendOptions = {}): Promise<BackendReport> {
  const run = queue.then(() => initBackendNow(options));
  queue = run.catch(() => undefined);
  return run;
}

/** The report of the last successful `initBackend`, if the active tfjs backend is still that one. */
export function currentBackend(): BackendReport | undefined {
  return lastReport !== undefined && getBackend() === lastReport.name ? lastReport : undefined;
}

/**
 * A few human-readable lines about a `BackendReport`.
 *
 * @example
 * formatReport(await initBackend());
 * // backend: wasm (SIMD on, threads off: tfjs turns WASM threads off in Node ...)
 * // skipped: webgpu: navigator.gpu.requestAdapter() returned null ...
 */
export function formatReport(report: BackendReport): string {
  let head = `backend: ${report.name}`;
  if (report.wasm !== undefined) {
    const { simd, threads, reason } = report.wasm;
    const threadsText = threads ? 'threads on' : `threads off${reason === undefined ? '' : `: ${reason}`}`;
    head += ` (SIMD ${simd ? 'on' : 'off'}, ${threadsText})`;
  }
  if (report.webgpu !== undefined) {
    const g = report.webgpu;
    const parts = [g.vendor, g.architecture, g.device, g.description].filter((s) => s !== '');
    head += ` (${parts.join(', ') || 'adapter details hidden'})`;
  }
  const lines = [head];
  for (const s of report.skipped) lines.push(`skipped: ${s.name}: ${s.reason}`);
  if (report.kernelsAdded.length > 0) lines.push(`convkit kernels: ${report.kernelsAdded.join(', ')}`);
  return lines.join('\n');
}
