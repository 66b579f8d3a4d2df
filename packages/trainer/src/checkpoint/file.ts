import { readSafetensors, type SafetensorsSource } from '@convkit/models';
import { writeFileAtomic } from './atomic-write';
import { Checkpoint, type CheckpointParts, encodeCheckpoint } from './checkpoint';

/**
 * Writes a checkpoint file (format: {@link encodeCheckpoint}) atomically: a temp file, `fsync`, then a
 * rename over `path`, so a crash mid-write leaves the previous checkpoint intact. Node only (in a
 * browser, keep `encodeCheckpoint`'s bytes).
 *
 * @example
 * await saveCheckpoint('run/last.safetensors', { model, optimizer, schedule });
 */
export async function saveCheckpoint(path: string, parts: CheckpointParts): Promise<void> {
  await writeFileAtomic(path, await encodeCheckpoint(parts));
}

/**
 * Reads a checkpoint from a path or file URL (Node), a fetch `Response`, a `Blob` or bytes, and checks
 * its format; restore it with `restoreCheckpoint` or resume a run with `fit(…, { resume })`.
 *
 * @example
 * const ckpt = await loadCheckpoint('run/last.safetensors');
 * ckpt.data.extra; // fit's position and history
 */
export async function loadCheckpoint(source: SafetensorsSource): Promise<Checkpoint> {
  return new Checkpoint(await readSafetensors(source));
}
