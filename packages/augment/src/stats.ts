import { cast, mean, mul, square, stack, sub, sum, type Tensor, tidy } from '@tensorflow/tfjs-core';

/** One batch for `ChannelStats`: an NHWC tensor, or a flat array with its shape (channels last). */
export type StatsBatch = Tensor | { data: ArrayLike<number>; shape: readonly number[] };

export interface ChannelStatsOptions {
  /** Multiplies every value first (1/255 for uint8 pixels). Default 1. */
  scale?: number;
}

/**
 * Streaming per-channel mean and variance over a dataset, batch by batch, in one pass.
 *
 * Numerics: each batch is reduced with two passes over its own values — its mean, then the sum of
 * squared deviations M2 = Σ(x − mean_batch)² (no E[x²] − E[x]² cancellation) — on the backend in
 * float32 for tensors, in float64 for arrays. Batches are then merged in float64 with Chan et al.'s
 * parallel update: δ = m_b − m, n' = n + n_b, m' = m + δ·n_b/n', M2' = M2 + M2_b + δ²·n·n_b/n'.
 * A single float32 running sum over a dataset (MNIST: 47M pixels) would lose digits once it passes
 * 2^24; float32 stays only inside a batch, where the error is ~1e-7 relative.
 *
 * @example
 * const stats = new ChannelStats({ scale: 1 / 255 });
 * for (const batch of batches) stats.update(batch);
 * stats.mean; stats.std();
 */
export class ChannelStats {
  /** Values seen per channel. */
  count = 0;
  private m: Float64Array | undefined;
  private m2: Float64Array | undefined;
  private readonly scale: number;

  constructor(options: ChannelStatsOptions = {}) {
    this.scale = options.scale ?? 1;
    if (!Number.isFinite(this.scale))
      throw new Error(`ChannelStats: scale must be finite, got ${this.scale}`);
  }

  /** Number of channels (undefined before the first batch). */
  get channels(): number | undefined {
    return this.m?.length;
  }

  /** Per-channel mean. */
  get mean(): number[] {
    return Array.from(this.need().m);
  }

  /** Per-channel variance, biased (÷ n, default) or unbiased (÷ n − 1). */
  variance(unbiased = false): number[] {
    const { m2 } = this.need();
    const d = unbiased ? this.count - 1 : this.count;
    return Array.from(m2, (v) => (d > 0 ? v / d : Number.NaN));
  }

  /** Per-channel standard deviation, biased (default, as the usual dataset constants) or unbiased. */
  std(unbiased = false): number[] {
    return this.variance(unbiased).map(Math.sqrt);
  }

  /** Adds one batch (a tensor is reduced on its backend; its two numbers per channel read back synchronously). */
  update(batch: StatsBatch): this {
    if (isTensor(batch)) {
      const t = this.reduceTensor(batch);
      const v = t.dataSync();
      t.dispose();
      return this.mergeMoments(batchCount(batch.shape), v, batch.shape.at(-1) as number);
    }
    return this.updateArray(batch);
  }

  /** Like `update`, reading the tensor's reduction back asynchronously (preferred on webgpu). */
  async updateAsync(batch: StatsBatch): Promise<this> {
    if (!isTensor(batch)) return this.updateArray(batch);
    const t = this.reduceTensor(batch);
    const v = await t.data();
    t.dispose();
    return this.mergeMoments(batchCount(batch.shape), v, batch.shape.at(-1) as number);
  }

  /** Merges another accumulator (e.g. from another worker) into this one. */
  merge(other: ChannelStats): this {
    if (other.count === 0 || other.m === undefined || other.m2 === undefined) return this;
    const c = other.m.length;
    const v = new Float64Array(2 * c);
    v.set(other.m, 0);
    v.set(other.m2, c);
    return this.mergeMoments(other.count, v, c);
  }

  private need(): { m: Float64Array; m2: Float64Array } {
    if (this.m === undefined || this.m2 === undefined || this.count === 0) {
      throw new Error('ChannelStats: no data yet (call update with at least one non-empty batch)');
    }
    return { m: this.m, m2: this.m2 };
  }

  private reduceTensor(x: Tensor): Tensor {
    if (x.rank < 2)
      throw new Error(`ChannelStats: expected NHWC batches (channels last), got shape [${x.shape}]`);
    return tidy(() => {
      const axes = x.shape.slice(0, -1).map((_, i) => i);
      const xf = this.scale === 1 ? cast(x, 'float32') : mul(cast(x, 'float32'), this.scale);
      const m = mean(xf, axes);
      const m2 = sum(square(sub(xf, m)), axes);
      return stack([m, m2]);
    });
  }

  private updateArray(batch: { data: ArrayLike<number>; shape: readonly number[] }): this {
    const { data, shape } = batch;
    const c = shape.at(-1);
    const n = batchCount(shape);
    if (c === undefined || shape.length < 2 || n * c !== data.length) {
      throw new Error(
        `ChannelStats: data of length ${data.length} does not fit shape [${shape}] (channels last)`,
      );
    }
    const v = new Float64Array(2 * c);
    const s = this.scale;
    for (let i = 0; i < data.length; i++) v[i % c] += data[i] * s;
    for (let k = 0; k < c; k++) v[k] /= n;
    for (let i = 0; i < data.length; i++) {
      const d = data[i] * s - v[i % c];
      v[c + (i % c)] += d * d;
    }
    return this.mergeMoments(n, v, c);
  }

  /** Chan et al.'s merge of (n_b, mean_b, M2_b) given as [mean_0..mean_{c-1}, M2_0..M2_{c-1}]. */
  private mergeMoments(nb: number, v: ArrayLike<number>, c: number): this {
    if (nb === 0) return this;
    if (this.m === undefined || this.m2 === undefined) {
      this.m = new Float64Array(c);
      this.m2 = new Float64Array(c);
    } else if (this.m.length !== c) {
      throw new Error(`ChannelStats: batch has ${c} channels, earlier batches had ${this.m.length}`);
    }
    const na = this.count;
    const n = na + nb;
    for (let k = 0; k < c; k++) {
      const delta = v[k] - this.m[k];
      this.m[k] += (delta * nb) / n;
      this.m2[k] += v[c + k] + (delta * delta * na * nb) / n;
    }
    this.count = n;
    return this;
  }
}

function isTensor(b: StatsBatch): b is Tensor {
  return typeof (b as Tensor).dataSync === 'function';
}

function batchCount(shape: readonly number[]): number {
  return shape.slice(0, -1).reduce((a, d) => a * d, 1);
}

/**
 * Per-channel mean and std of a dataset in one streaming pass over NHWC batches (tensors or
 * arrays with shapes; sync or async iterable). See `ChannelStats` for the numerics.
 *
 * Options: `scale` (1; 1/255 for uint8), `unbiased` (false: population std, as the usual constants).
 *
 * @example
 * const { mean, std } = await channelStats(batches(), { scale: 1 / 255 });
 */
export async function channelStats(
  batches: Iterable<StatsBatch> | AsyncIterable<StatsBatch>,
  options: ChannelStatsOptions & { unbiased?: boolean } = {},
): Promise<{ mean: number[]; std: number[]; count: number }> {
  const acc = new ChannelStats(options);
  for await (const batch of batches) await acc.updateAsync(batch);
  return { mean: acc.mean, std: acc.std(options.unbiased ?? false), count: acc.count };
}
