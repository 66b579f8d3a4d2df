// Weights in and out as safetensors with PyTorch's names and layouts (@convkit/models'
// exportTorchWeights / loadTorchWeights), with messages a page can show when a file does not fit.
import type { Module } from '@convkit/core';
import {
  createModel,
  exportTorchWeights,
  loadTorchWeights,
  parseSafetensors,
  type SafetensorsFile,
  saveSafetensors,
  torchKeyNames,
} from '@convkit/models';
import { dispose } from '@tensorflow/tfjs-core';
import { MODELS, type PlaygroundModel } from './config';

/** The metadata key naming the zoo model a file was downloaded from. */
export const MODEL_METADATA = 'convkit.model';

/**
 * The model's weights as safetensors bytes, PyTorch's keys and layouts (OIHW convs, [out, in] linears),
 * with the zoo name in the metadata. `torch.nn.Module.load_state_dict(safetensors.torch.load_file(f))`
 * of the same architecture takes them.
 */
export async function weightsToSafetensors(model: Module, name: PlaygroundModel): Promise<Uint8Array> {
  const tensors = exportTorchWeights(model);
  try {
    return await saveSafetensors(tensors, { metadata: { format: 'pt', [MODEL_METADATA]: name } });
  } finally {
    dispose(Object.values(tensors));
  }
}

/** A user's error: the page shows its message as it is. */
export class WeightsFileError extends Error {
  override name = 'WeightsFileError';
}

const shortList = (keys: string[], max = 3) =>
  keys.length <= max ? keys.join(', ') : `${keys.slice(0, max).join(', ')} and ${keys.length - max} more`;

/** `loadTorchWeights`' list of mis-shaped tensors, shortened: "5 tensors: a: model expects …, file has …; …". */
function misshaped(err: unknown): string {
  const list = (err instanceof Error ? err.message : String(err)).replace(/^.*mis-shaped: /, '').split('; ');
  const shown = list.slice(0, 2).join('; ');
  return `${list.length} tensor${list.length === 1 ? '' : 's'}: ${shown}${list.length > 2 ? `; and ${list.length - 2} more` : ''}`;
}

/** The playground models whose PyTorch keys are exactly the file's (num_batches_tracked optional). */
function fittingModels(file: SafetensorsFile): PlaygroundModel[] {
  const names = new Set(file.names.filter((k) => !k.endsWith('num_batches_tracked')));
  return MODELS.filter((m) => {
    const probe = createModel(m, { numClasses: 10 });
    try {
      const keys = Object.values(torchKeyNames(probe)).filter((k) => !k.endsWith('num_batches_tracked'));
      return keys.length === names.size && keys.every((k) => names.has(k));
    } finally {
      probe.dispose();
    }
  });
}

/**
 * Loads safetensors bytes into `model` (zoo model `name`), all or nothing. A file that is not
 * safetensors, or holds another architecture's (or another head's) weights, is a
 * {@link WeightsFileError} saying what the file is and, when it fits another model the page offers,
 * which. Returns a sentence for the page.
 */
export function loadWeightsFile(
  model: Module,
  name: PlaygroundModel,
  bytes: Uint8Array,
  fileName: string,
): string {
  let file: SafetensorsFile;
  try {
    file = parseSafetensors(bytes);
  } catch (err) {
    throw new WeightsFileError(
      `${fileName} is not a readable safetensors file (${err instanceof Error ? err.message : String(err)}); ` +
        'nothing was loaded',
    );
  }
  if (file.names.length === 0) throw new WeightsFileError(`${fileName} holds no tensors; nothing was loaded`);
  try {
    loadTorchWeights(model, file);
  } catch (err) {
    const own = new Set(Object.values(torchKeyNames(model)));
    const unexpected = file.names.filter((k) => !own.has(k));
    const missing = [...own].filter((k) => !k.endsWith('num_batches_tracked') && !file.names.includes(k));
    const fits = fittingModels(file).filter((m) => m !== name);
    const declared = file.metadata[MODEL_METADATA];
    const what =
      unexpected.length || missing.length
        ? `its ${file.names.length} tensors are not ${name}'s` +
          (unexpected.length ? ` (${unexpected.length} unknown to it: ${shortList(unexpected)})` : '') +
          (missing.length ? ` (${missing.length} of ${name}'s missing: ${shortList(missing)})` : '')
        : `the shapes differ (${misshaped(err)})`;
    const hint = fits.length
      ? `; it fits ${fits.join(' or ')}: choose that model and load the file again`
      : declared && declared !== name
        ? `; it was saved from ${declared}`
        : '';
    throw new WeightsFileError(`${fileName} does not fit ${name}: ${what}${hint}. Nothing was loaded.`);
  }
  return `loaded ${file.names.length} tensors from ${fileName} into ${name}`;
}
