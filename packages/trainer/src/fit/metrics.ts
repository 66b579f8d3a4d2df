import { type Tensor, tidy, topk } from '@tensorflow/tfjs-core';
import { didYouMean } from '../did-you-mean';

/**
 * A metric's name: `'accuracy'` (top-1) or `'top<k>'` for top-k accuracy (`'top5'`: the label is among
 * the 5 highest logits). Per-class accuracy and the confusion matrix come with every evaluation.
 */
export type MetricName = 'accuracy' | `top${number}`;

/** The scalar metrics of an epoch or an evaluation: the mean loss and each requested metric, in [0, 1]. */
export interface Scores {
  loss: number;
  /** Top-1 accuracy (present when `'accuracy'` is among the metrics, the default). */
  accuracy?: number;
  /** Top-k accuracies, `top5` etc., as requested. */
  [metric: string]: number | undefined;
}

/** The k of each metric: 1 for 'accuracy', k for 'top<k>'. Throws on an unknown name. */
export function metricKs(who: string, metrics: readonly string[]): Map<string, number> {
  const out = new Map<string, number>();
  for (const m of metrics) {
    if (m === 'accuracy') out.set(m, 1);
    else if (/^top[1-9][0-9]*$/.test(m)) out.set(m, Number(m.slice(3)));
    else {
      throw new Error(
        `${who}: unknown metric '${m}'${didYouMean(m, ['accuracy', 'top5'])}; known: 'accuracy' and 'top<k>' (e.g. 'top5')`,
      );
    }
  }
  return out;
}

/** A running tally's saved form (JSON), to resume an epoch in the middle. */
export interface TallyState {
  lossSum: number;
  count: number;
  hits: Record<string, number>;
  confusion: number[][] | null;
}

/**
 * Sums of an epoch's or an evaluation's loss and hits, batch by batch: the loss weighted by the batch
 * size, the top-k hits of each metric and, with `confusion`, the confusion matrix (rows: true class,
 * columns: predicted class). All in JavaScript numbers: a batch adds its values read back once.
 */
export class Tally {
  private lossSum = 0;
  private count = 0;
  private readonly hits: Record<string, number>;
  private readonly confusion: number[][] | null;

  constructor(
    private readonly ks: Map<string, number>,
    private readonly numClasses: number,
    withConfusion: boolean,
  ) {
    this.hits = Object.fromEntries([...ks.keys()].map((m) => [m, 0]));
    this.confusion = withConfusion
      ? Array.from({ length: numClasses }, () => new Array<number>(numClasses).fill(0))
      : null;
  }

  /** The largest k the metrics need (1 with the confusion matrix alone, 0 for none). */
  get maxK(): number {
    return Math.max(this.confusion ? 1 : 0, ...this.ks.values());
  }

  /**
   * The predictions a batch needs read back: the indices of the `maxK` largest logits `[B, maxK]`
   * (int32), or null when no metric needs any.
   */
  predictions(logits: Tensor): Tensor | null {
    const k = Math.min(this.maxK, logits.shape[1] ?? 1);
    if (k === 0) return null;
    return tidy(() => topk(logits, k).indices);
  }

  /** Adds a batch: its mean loss, labels and the read-back top-k indices (`B·maxK` values). */
  add(meanLoss: number, labels: ArrayLike<number>, topIndices: ArrayLike<number> | null): void {
    const n = labels.length;
    this.lossSum += meanLoss * n;
    this.count += n;
    if (topIndices === null) return;
    const k = topIndices.length / n;
    for (let i = 0; i < n; i++) {
      const label = labels[i];
      let rank = k; // where the label is among the top k (k: not there)
      for (let j = 0; j < k; j++) {
        if (topIndices[i * k + j] === label) {
          rank = j;
          break;
        }
      }
      for (const [m, mk] of this.ks) if (rank < mk) this.hits[m]++;
      if (this.confusion && label >= 0 && label < this.numClasses) this.confusion[label][topIndices[i * k]]++;
    }
  }

  /** Samples added so far. */
  get samples(): number {
    return this.count;
  }

  /** The mean loss and each metric (NaN before any sample). */
  scores(): Scores {
    const out: Scores = { loss: this.lossSum / this.count };
    for (const m of this.ks.keys()) out[m] = this.hits[m] / this.count;
    return out;
  }

  /** Rows: true class; columns: predicted class (top-1). Empty without `withConfusion`. */
  confusionMatrix(): number[][] {
    return this.confusion ? this.confusion.map((r) => [...r]) : [];
  }

  /** Accuracy of each class (the diagonal over the row sums; NaN for a class with no sample → null in JSON). */
  perClassAccuracy(): (number | null)[] {
    if (!this.confusion) return [];
    return this.confusion.map((row, c) => {
      const total = row.reduce((a, b) => a + b, 0);
      return total === 0 ? null : row[c] / total;
    });
  }

  state(): TallyState {
    return {
      lossSum: this.lossSum,
      count: this.count,
      hits: { ...this.hits },
      confusion: this.confusionMatrix().length ? this.confusionMatrix() : null,
    };
  }

  setState(s: TallyState): void {
    this.lossSum = s.lossSum;
    this.count = s.count;
    for (const m of Object.keys(this.hits)) this.hits[m] = s.hits[m] ?? 0;
    if (this.confusion && s.confusion) {
      for (const [i, row] of s.confusion.entries()) this.confusion[i]?.splice(0, row.length, ...row);
    }
  }
}
