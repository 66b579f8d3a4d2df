/** How one benchmark case was timed. */
export interface Timing {
  /** Median wall time of the timed runs, in ms. */
  medianMs: number;
  minMs: number;
  maxMs: number;
  /** Number of timed runs. */
  runs: number;
  /** False when the case was too slow for warm-up runs: the single (cold) run is reported. */
  warmedUp: boolean;
}

/** Options of {@link measure}. */
export interface MeasureOptions {
  /** Untimed runs first (kernel compilation, allocation); only one when it takes over 1 s. Default 2. */
  warmup?: number;
  /** At most this many timed runs. Default 15. */
  maxRuns?: number;
  /** At least this many timed runs, unless the runs are slower than `slowMs`. Default 3. */
  minRuns?: number;
  /** Stop timing after this long once `minRuns` are done. Default 2000 ms. */
  budgetMs?: number;
  /** Runs slower than this are timed once; see `coldIfSlow`. Default 10000 ms. */
  slowMs?: number;
  /**
   * Report a first run slower than `slowMs` as is, without warm-up (default true). Set it false where
   * the first run is mostly one-off work, e.g. WebGPU shader compilation.
   */
  coldIfSlow?: boolean;
}

/** The median of a non-empty list. */
export function median(values: readonly number[]): number {
  if (values.length === 0) throw new Error('median of an empty list');
  const s = [...values].sort((a, b) => a - b);
  const mid = s.length >> 1;
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

/**
 * Times an async function that ends with a read-back (so GPU work is included): warm-up runs, then
 * timed runs until `maxRuns`, or until `budgetMs` has passed and `minRuns` are done. The median is
 * what we report: robust to the odd GC pause or a neighbour process taking the CPU.
 *
 * @example
 * const t = await measure(async () => { const y = conv.call(x); await y.data(); y.dispose(); });
 */
export async function measure(fn: () => Promise<void>, options: MeasureOptions = {}): Promise<Timing> {
  const {
    warmup = 2,
    maxRuns = 15,
    minRuns = 3,
    budgetMs = 2000,
    slowMs = 10000,
    coldIfSlow = true,
  } = options;
  const timeOnce = async () => {
    const t0 = performance.now();
    await fn();
    return performance.now() - t0;
  };
  const first = await timeOnce();
  if (first > slowMs && coldIfSlow)
    return { medianMs: first, minMs: first, maxMs: first, runs: 1, warmedUp: false };
  for (let i = 1; i < warmup && first < 1000; i++) await timeOnce();
  const times: number[] = [];
  const started = performance.now();
  const enough = () => times.length >= minRuns || (times.length > 0 && median(times) > slowMs);
  while (times.length < maxRuns && !(enough() && performance.now() - started >= budgetMs)) {
    times.push(await timeOnce());
  }
  return {
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    runs: times.length,
    warmedUp: true,
  };
}

/** What {@link measureRounds} measured. */
export interface RoundsTiming {
  timing: Timing;
  reference: Timing;
  /** ours / reference, median against median, per round. */
  ratios: number[];
}

function summarize(times: number[]): Timing {
  return {
    medianMs: median(times),
    minMs: Math.min(...times),
    maxMs: Math.max(...times),
    runs: times.length,
    warmedUp: true,
  };
}

/**
 * Times `run` and a reference (another library, e.g. PyTorch in its own process) in interleaved rounds on
 * the same machine: each round times `perRound` runs of ours, then asks the reference for as many, and
 * records the ratio of the medians. On a shared machine the load changes between rounds; within one
 * round both sides see about the same, so the per-round ratios say more than the absolute times. One
 * untimed run of ours first (warm-up: kernels, shaders, allocation); `perRound` is 3, or 1 when that run
 * took over `slowMs` (default 5000). The reference warms itself up.
 */
export async function measureRounds(
  run: () => Promise<void>,
  reference: (runs: number) => Promise<number[]>,
  options: { rounds: number; slowMs?: number },
): Promise<RoundsTiming> {
  const t0 = performance.now();
  await run();
  const perRound = performance.now() - t0 > (options.slowMs ?? 5000) ? 1 : 3;
  const ours: number[] = [];
  const theirs: number[] = [];
  const ratios: number[] = [];
  for (let r = 0; r < options.rounds; r++) {
    const mine: number[] = [];
    for (let i = 0; i < perRound; i++) {
      const start = performance.now();
      await run();
      mine.push(performance.now() - start);
    }
    const other = await reference(perRound);
    if (other.length === 0) throw new Error('measureRounds: the reference returned no timing');
    ours.push(...mine);
    theirs.push(...other);
    ratios.push(median(mine) / median(other));
  }
  return { timing: summarize(ours), reference: summarize(theirs), ratios };
}
