import { Conv2d, Linear, type Module } from '@convkit/core';
import { cast, reshape, type Tensor, tidy, transpose, type Variable } from '@tensorflow/tfjs-core';
import { SafetensorsFile } from './safetensors';

/** How one of the model's variables appears in a PyTorch state dict. */
interface TorchKey {
  /** PyTorch's key, e.g. `layer1.0.bn1.running_mean`. */
  torch: string;
  /** convkit's, e.g. `layer1.0.bn1.runningMean`. */
  name: string;
  variable: Variable;
  /** `conv`: HWIO ↔ OIHW; `linear`: [in, out] ↔ [out, in], its rows from a flattened [H, W, C] map. */
  kind: 'conv' | 'linear' | 'plain';
  flatten?: [number, number, number];
}

/** `runningMean` → `running_mean`. */
const snake = (name: string) => name.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`);
const join = (prefix: string, name: string) => (prefix ? `${prefix}.${name}` : name);
const own = (pairs: [string, Variable][]) => pairs.filter(([n]) => !n.includes('.'));

interface DeclaresFlatten {
  torchFlattenShapes(): Record<string, [number, number, number]>;
}
const declaresFlatten = (m: Module): m is Module & DeclaresFlatten =>
  typeof (m as Partial<DeclaresFlatten>).torchFlattenShapes === 'function';

/** The model's parameters and buffers with their PyTorch names and layouts, in PyTorch's state-dict order. */
function torchKeys(model: Module): TorchKey[] {
  const modules = model.namedModules();
  const flattens = new Map<string, [number, number, number]>();
  for (const [prefix, m] of modules) {
    if (!declaresFlatten(m)) continue;
    for (const [name, shape] of Object.entries(m.torchFlattenShapes()))
      flattens.set(join(prefix, name), shape);
  }
  const keys: TorchKey[] = [];
  for (const [prefix, m] of modules) {
    for (const [local, variable] of [...own(m.namedParameters()), ...own(m.namedBuffers())]) {
      const isWeight = local === 'weight';
      const kind =
        isWeight && m instanceof Conv2d ? 'conv' : isWeight && m instanceof Linear ? 'linear' : 'plain';
      keys.push({
        torch: join(prefix, snake(local)),
        name: join(prefix, local),
        variable,
        kind,
        ...(kind === 'linear' && flattens.has(prefix) ? { flatten: flattens.get(prefix) } : {}),
      });
    }
  }
  return keys;
}

/** The shape PyTorch stores `key` with. */
function torchShape(key: TorchKey): number[] {
  const s = key.variable.shape as number[];
  if (key.kind === 'conv') return [s[3], s[2], s[0], s[1]];
  if (key.kind === 'linear') return [s[1], s[0]];
  return [...s];
}

/** A PyTorch tensor in convkit's layout and dtype. */
function fromTorch(key: TorchKey, t: Tensor): Tensor {
  return tidy(() => {
    const x = cast(t, key.variable.dtype);
    if (key.kind === 'conv') return transpose(x, [2, 3, 1, 0]);
    if (key.kind === 'linear' && key.flatten) {
      const [h, w, c] = key.flatten;
      const out = x.shape[0] as number;
      return reshape(transpose(reshape(x, [out, c, h, w]), [2, 3, 1, 0]), [h * w * c, out]);
    }
    if (key.kind === 'linear') return transpose(x, [1, 0]);
    return reshape(x, key.variable.shape);
  });
}

/** A convkit variable in PyTorch's layout (integer dtype for `num_batches_tracked`). */
function toTorch(key: TorchKey): Tensor {
  return tidy(() => {
    const v = key.variable;
    if (key.kind === 'conv') return transpose(v, [3, 2, 0, 1]);
    if (key.kind === 'linear' && key.flatten) {
      const [h, w, c] = key.flatten;
      const out = v.shape[1] as number;
      return reshape(transpose(reshape(v, [h, w, c, out]), [3, 2, 0, 1]), [out, c * h * w]);
    }
    if (key.kind === 'linear') return transpose(v, [1, 0]);
    return key.torch.endsWith('num_batches_tracked') ? cast(v, 'int32') : cast(v, v.dtype);
  });
}

/** Options of {@link loadTorchWeights}. */
export interface LoadTorchWeightsOptions {
  /**
   * Every key of the model must be in the file and every key of the file in the model (default true).
   * Shape mismatches are errors either way, as in PyTorch's `load_state_dict`.
   */
  strict?: boolean;
}

/** What {@link loadTorchWeights} did, with PyTorch's key names. */
export interface LoadTorchWeightsResult {
  loaded: string[];
  /** Model keys the file lacks (left as they were). */
  missing: string[];
  /** File keys the model lacks (ignored). */
  unexpected: string[];
}

/**
 * Loads a PyTorch (torchvision) state dict into a convkit model, key by key: PyTorch's names
 * (`layer1.0.bn1.running_mean` ↔ `runningMean`), conv weights OIHW → HWIO, linear weights
 * [out, in] → [in, out] (rows permuted from (c, h, w) to (h, w, c) order after a flatten, as zoo models
 * declare), `num_batches_tracked` (int64) → float32. Accepts a `SafetensorsFile` (tensors are made and
 * freed one at a time: the file's bytes are the only copy) or tensors by name (not disposed).
 *
 * Every problem — missing, unexpected (with `strict`) and mis-shaped keys — is listed in one error, and
 * then nothing is written. A missing `num_batches_tracked` is allowed (older checkpoints), as in PyTorch.
 * Turn a `.pth` into `.safetensors` with PyTorch and the `safetensors` pip package:
 *
 *   python3 -c "import torch,safetensors.torch as st; st.save_file(torch.load('m.pth', map_location='cpu'), 'm.safetensors')"
 *
 * (for a whole pickled model, save `model.state_dict()`).
 *
 * @example
 * const model = createModel('resnet50');
 * loadTorchWeights(model, await readSafetensors('resnet50.safetensors'));
 */
export function loadTorchWeights(
  model: Module,
  source: SafetensorsFile | Record<string, Tensor>,
  options: LoadTorchWeightsOptions = {},
): LoadTorchWeightsResult {
  const strict = options.strict ?? true;
  const file = source instanceof SafetensorsFile ? source : null;
  const given = file ? file.names : Object.keys(source);
  const shapeOf = (k: string) => (file ? file.entry(k).shape : (source as Record<string, Tensor>)[k].shape);
  const keys = torchKeys(model);
  const byTorch = new Map(keys.map((k) => [k.torch, k]));
  const present = new Set(given);
  const missing = keys
    .map((k) => k.torch)
    .filter((k) => !present.has(k) && !k.endsWith('num_batches_tracked'));
  const unexpected = given.filter((k) => !byTorch.has(k));
  const misshaped: string[] = [];
  for (const k of given) {
    const key = byTorch.get(k);
    if (!key) continue;
    const want = torchShape(key);
    const got = shapeOf(k);
    if (want.length !== got.length || want.some((d, i) => d !== got[i])) {
      misshaped.push(`${k}: model expects [${want}], file has [${got}]`);
    }
  }
  const problems: string[] = [];
  if (strict && missing.length) problems.push(`${missing.length} missing: ${missing.join(', ')}`);
  if (strict && unexpected.length) problems.push(`${unexpected.length} unexpected: ${unexpected.join(', ')}`);
  if (misshaped.length) problems.push(`${misshaped.length} mis-shaped: ${misshaped.join('; ')}`);
  if (problems.length) {
    const hint =
      strict && (missing.length || unexpected.length)
        ? ' (strict: false ignores missing and unexpected keys)'
        : '';
    throw new Error(`loadTorchWeights(${model.className}): nothing loaded — ${problems.join(' | ')}${hint}`);
  }
  const loaded: string[] = [];
  for (const k of given) {
    const key = byTorch.get(k);
    if (!key) continue;
    const t = file ? file.tensor(k) : (source as Record<string, Tensor>)[k];
    const value = fromTorch(key, t);
    key.variable.assign(value);
    value.dispose();
    if (file) t.dispose();
    loaded.push(k);
  }
  return { loaded, missing: keys.map((k) => k.torch).filter((k) => !present.has(k)), unexpected };
}

/**
 * The model's parameters and buffers as a PyTorch state dict: PyTorch's key names and layouts (OIHW
 * convs, [out, in] linears, `num_batches_tracked` as an integer), in PyTorch's order — what
 * `load_state_dict` of the matching torchvision model accepts. New tensors: the caller disposes them.
 *
 * @example
 * writeFileSync('resnet18.safetensors', await saveSafetensors(exportTorchWeights(model)));
 * // python: model.load_state_dict(safetensors.torch.load_file('resnet18.safetensors'))
 */
export function exportTorchWeights(model: Module): Record<string, Tensor> {
  const out: Record<string, Tensor> = {};
  for (const key of torchKeys(model)) out[key.torch] = toTorch(key);
  return out;
}

/** PyTorch's key for each of the model's parameter and buffer names (`bn1.runningMean` → `bn1.running_mean`). */
export function torchKeyNames(model: Module): Record<string, string> {
  return Object.fromEntries(torchKeys(model).map((k) => [k.name, k.torch]));
}
