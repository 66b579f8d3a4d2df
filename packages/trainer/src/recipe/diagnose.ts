import { checkNumber } from '@convkit/backend';
import type { History } from '../fit/history';
import { num, pct, type Verdict } from './verdict';

/** One thing {@link diagnose} saw in the curves. */
export interface Finding {
  kind: 'diverged' | 'lr-too-high' | 'lr-too-low' | 'overfitting' | 'underfitting' | 'good-fit';
  message: string;
}

/** Options of {@link diagnose}: the thresholds of its rules. */
export interface DiagnoseOptions {
  /** Overfitting: validation loss this much (relative) above its best at the end. Default 0.1. */
  rise?: number;
  /** Overfitting: training accuracy this much above validation accuracy. Default 0.1. */
  gap?: number;
  /** Underfitting: final training accuracy below this. Default 0.9. */
  goodAccuracy?: number;
  /** Learning rate too low: the loss fell by less than this fraction over the run, still falling. Default 0.3. */
  slowDrop?: number;
}

/** What {@link diagnose} concluded. */
export interface DiagnoseVerdict extends Verdict {
  findings: Finding[];
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

/**
 * Step 6 of the lecture's recipe: read the learning curves of a run (`fit`'s history) and say what they
 * show, as the lecture describes it:
 *
 * - **diverged / lr-too-high**: the loss became NaN or ±∞ (a learning rate far too high), or the
 *   training loss ends above where it started;
 * - **lr-too-low**: the training loss falls slowly and steadily — by less than `slowDrop` (30 %) over the
 *   run, and its second half falls at least 70 % as much as its first (no leveling off): raise the rate;
 * - **overfitting**: the training loss keeps falling while the validation loss ends `rise` (10 %) above
 *   its best, or training accuracy exceeds validation accuracy by `gap` (0.1): regularize;
 * - **underfitting**: both curves stay high — final training accuracy below `goodAccuracy` (90 %) with
 *   validation close to it (or, without accuracy, the loss above 30 % of ln C): more capacity or longer;
 * - otherwise a **good fit**.
 *
 * Per-step losses (`history.steps`) give the trends; per-epoch records give train vs validation. A
 * verdict is `ok` when the only finding is a good fit. Thresholds are options.
 *
 * @example
 * const history = await fit(model, train, { validation, epochs: 10 });
 * console.log(diagnose(history).message);
 */
export function diagnose(history: History, options: DiagnoseOptions = {}): DiagnoseVerdict {
  const who = 'diagnose';
  const rise = checkNumber(who, 'rise', options.rise ?? 0.1, { min: 0 });
  const gap = checkNumber(who, 'gap', options.gap ?? 0.1, { min: 0 });
  const goodAccuracy = checkNumber(who, 'goodAccuracy', options.goodAccuracy ?? 0.9, { min: 0, max: 1 });
  const slowDrop = checkNumber(who, 'slowDrop', options.slowDrop ?? 0.3, { min: 0, max: 1 });
  if (!history || !Array.isArray(history.steps) || !Array.isArray(history.epochs)) {
    throw new Error(`${who}: expected fit's History ({ steps, epochs, … }), got ${typeof history}`);
  }
  const findings: Finding[] = [];
  const losses = history.steps.map((s) => (s.loss === null ? Number.NaN : s.loss));
  const epochs = history.epochs;

  const bad = history.steps.find((s) => s.loss === null || !Number.isFinite(s.loss));
  if (bad) {
    findings.push({
      kind: 'diverged',
      message: `the loss became ${bad.loss ?? 'NaN'} at step ${bad.step} (lr ${num(bad.lr[0])}): the learning rate is far too high (or the data hold NaN); lower it (findLearningRate) or clip gradients.`,
    });
  }
  // Trends from the per-step losses: the mean of the first and last tenth, and the middle.
  const finite = losses.filter(Number.isFinite);
  if (finite.length >= 10) {
    const k = Math.max(1, Math.floor(finite.length / 10));
    const start = mean(finite.slice(0, k));
    const end = mean(finite.slice(-k));
    const mid = mean(
      finite.slice(
        Math.floor(finite.length / 2) - Math.ceil(k / 2),
        Math.floor(finite.length / 2) + Math.ceil(k / 2),
      ),
    );
    if (end > start * 1.05 && !bad) {
      findings.push({
        kind: 'lr-too-high',
        message: `the training loss rose from ${num(start)} to ${num(end)}: the learning rate is too high; lower it (a tenth) or use findLearningRate.`,
      });
    } else if (end < start) {
      const drop = (start - end) / start;
      const firstHalf = start - mid;
      const secondHalf = mid - end;
      if (drop < slowDrop && secondHalf > 0 && secondHalf >= 0.7 * firstHalf) {
        findings.push({
          kind: 'lr-too-low',
          message: `the training loss falls slowly and steadily (${num(start)} → ${num(end)}, −${pct(drop)}, not leveling off): the learning rate is too low; raise it (findLearningRate) or train longer.`,
        });
      }
    }
  }
  const last = epochs.at(-1);
  const withVal = epochs.filter((e) => e.val && Number.isFinite(e.val.loss));
  if (last?.val && withVal.length >= 2) {
    const best = withVal.reduce((a, b) => ((b.val?.loss ?? 0) < (a.val?.loss ?? 0) ? b : a));
    const bestVal = best.val?.loss as number;
    const valEnd = last.val.loss;
    const trainFalling = last.train.loss < (epochs[0]?.train.loss ?? Number.POSITIVE_INFINITY);
    const accGap =
      last.train.accuracy !== undefined && last.val.accuracy !== undefined
        ? last.train.accuracy - last.val.accuracy
        : undefined;
    if ((valEnd > bestVal * (1 + rise) && trainFalling) || (accGap !== undefined && accGap > gap)) {
      const parts = [`training loss ${num(last.train.loss)} vs validation loss ${num(valEnd)}`];
      if (best.epoch !== last.epoch)
        parts.push(`validation loss lowest at epoch ${best.epoch} (${num(bestVal)}), higher since`);
      if (accGap !== undefined)
        parts.push(
          `accuracy ${pct(last.train.accuracy as number)} train vs ${pct(last.val.accuracy as number)} validation`,
        );
      findings.push({
        kind: 'overfitting',
        message: `overfitting: ${parts.join('; ')}. Add regularization (augmentation, dropout, weight decay), get more data, or stop earlier (EarlyStopping keeps the best epoch).`,
      });
    }
  }
  if (last && !findings.some((f) => f.kind === 'overfitting' || f.kind === 'diverged')) {
    const C = history.meta?.classes?.length ?? 0;
    const trainAcc = last.train.accuracy;
    const valAcc = last.val?.accuracy;
    const low =
      trainAcc !== undefined ? trainAcc < goodAccuracy : C > 1 && last.train.loss > 0.3 * Math.log(C);
    const close = valAcc === undefined || trainAcc === undefined || Math.abs(trainAcc - valAcc) <= gap;
    if (low && close) {
      const acc =
        trainAcc !== undefined
          ? `training accuracy ${pct(trainAcc)}${valAcc !== undefined ? `, validation ${pct(valAcc)}` : ''}`
          : `training loss ${num(last.train.loss)} (ln C = ${num(Math.log(C))})`;
      findings.push({
        kind: 'underfitting',
        message: `underfitting: both curves stay high (${acc}). Train longer, use a larger model, less regularization, or a higher learning rate.`,
      });
    }
  }
  if (findings.length === 0) {
    const trainPart = last ? `training loss ${num(last.train.loss)}` : 'no epoch completed';
    const valPart = last?.val ? `, validation loss ${num(last.val.loss)}` : '';
    findings.push({
      kind: 'good-fit',
      message: `no problem in the curves: ${trainPart}${valPart}, the loss fell and validation follows training. Train longer or search hyperparameters (randomSearch) to improve.`,
    });
  }
  const ok = findings.length === 1 && findings[0].kind === 'good-fit';
  return { ok, findings, message: `${who}: ${findings.map((f) => f.message).join(' ')}` };
}
