// `convkit recipe`: the lecture's steps 1–4 on one model and data set, each with its printed verdict,
// then recipe.json and report.html in --out.
import { join } from 'node:path';
import { formatCount } from '@convkit/models';
import { checkInitialLoss } from '../recipe/check-initial-loss';
import { findLearningRate } from '../recipe/find-learning-rate';
import { overfitSmallSample } from '../recipe/overfit-small-sample';
import type { Verdict } from '../recipe/verdict';
import type { ReportVerdict } from '../report/charts';
import { writeReport } from '../report/html';
import { rankTrials } from '../search/random-search';
import { logUniform, type SearchSpace } from '../search/space';
import { buildModel, buildOptimizer } from '../setup';
import type { Io } from './io';
import { bestTrialHistory } from './report-command';
import { runSearch, type SearchCommandOptions, start, withInterrupt, writeJson } from './train-commands';

/** The recipe's options: the search's (step 4) and its own steps'. */
export interface RecipeOptions extends SearchCommandOptions {
  overfitSamples: number;
  overfitSteps: number;
  finderSteps: number;
}

const STEPS = [
  'check the initial loss',
  'overfit a small sample',
  'find a learning rate',
  'coarse-to-fine random search',
] as const;

const num = (x: number) => String(Number(x.toPrecision(3)));

/** Prints a step's verdict: its number and name, ok or PROBLEM, and the message. */
function say(io: Io, step: number, v: Verdict): ReportVerdict {
  io.out(`step ${step}/4 ${STEPS[step - 1]}: ${v.ok ? 'ok' : 'PROBLEM'}`);
  io.out(`  ${v.message}`);
  return { step: `${step}. ${STEPS[step - 1]}`, ok: v.ok, message: v.message };
}

/**
 * The search space of step 4 around step 3's suggestion: lr within a decade either side of it (the
 * default range when the finder had none) and weight decay from 1e-6 to 1e-2, both log-uniform; a
 * `--param` replaces its name's range.
 */
export function recipeSpace(suggestedLr: number | null, params: SearchSpace | undefined): SearchSpace {
  const lr = suggestedLr === null ? logUniform(1e-4, 1e-1) : logUniform(suggestedLr / 10, suggestedLr * 10);
  return { lr, weightDecay: logUniform(1e-6, 1e-2), ...params };
}

/** `convkit recipe`: steps 1–4, each verdict printed; recipe.json and report.html in --out. */
export async function recipeAction(
  _args: unknown[],
  options: Record<string, unknown>,
  io: Io,
): Promise<void> {
  const o = options as unknown as RecipeOptions;
  const data = await start(o, io);
  const normalize = data.normalize;
  const model = buildModel(o.model, data.train, { seed: o.seed, widthMultiplier: o.modelWidth });
  io.out(`model: ${o.model}, ${formatCount(model.numParameters())} parameters`);
  const verdicts: ReportVerdict[] = [];
  const started = performance.now();
  const record: Record<string, unknown> = {
    version: 1,
    kind: 'convkit-recipe',
    model: o.model,
    data: data.description,
  };
  try {
    // Regularization off in steps 1–3 (the recipe functions hold dropout in evaluation mode; no weight decay).
    const initial = await checkInitialLoss(model, data.train, { batchSize: o.batchSize, normalize });
    verdicts.push(say(io, 1, initial));
    const overfit = await overfitSmallSample(model, data.train, {
      samples: o.overfitSamples,
      maxSteps: o.overfitSteps,
      normalize,
    });
    verdicts.push(say(io, 2, overfit));
    const finder = await findLearningRate(model, data.train, {
      steps: o.finderSteps,
      batchSize: o.batchSize,
      normalize,
      seed: o.seed,
      optimizer: (m) =>
        buildOptimizer(m as Parameters<typeof buildOptimizer>[0], { optimizer: o.optimizer, lr: 1e-7 }),
    });
    verdicts.push(say(io, 3, finder));
    Object.assign(record, { initialLoss: initial, overfit, lrFinder: finder });
  } finally {
    model.dispose();
  }

  const space = recipeSpace(
    record.lrFinder ? (record.lrFinder as { suggestedLr: number | null }).suggestedLr : null,
    o.param,
  );
  io.out(
    `step 4/4 ${STEPS[3]}: ${o.trials} coarse + ${o.fineTrials} fine trials of ${o.epochs} epoch${o.epochs > 1 ? 's' : ''}, ` +
      Object.entries(space)
        .map(([k, s]) =>
          s.kind === 'choice'
            ? `${k} in {${s.values.join(', ')}}`
            : `${k} ${s.kind} [${num(s.low)}, ${num(s.high)}]`,
        )
        .join(', '),
  );
  const search = await withInterrupt((signal) => runSearch({ ...o, param: space }, data, io, signal, 'full'));
  const best = search.best === null ? undefined : search.trials[search.best];
  const ranked = rankTrials(search.trials, search.metric);
  const failed = search.trials.filter((t) => t.error !== undefined).length;
  const next = ranked[1]?.error === undefined ? ranked[1]?.valAccuracy : null;
  const step4: Verdict = best
    ? {
        ok: true,
        message:
          `randomSearch: best of ${search.trials.length} trials${failed > 0 ? ` (${failed} failed)` : ''}: ` +
          `${Object.entries(best.params)
            .map(([k, v]) => `${k} ${typeof v === 'number' ? num(v) : v}`)
            .join(
              ', ',
            )} → validation accuracy ${((best.valAccuracy ?? 0) * 100).toFixed(2)} % after ${best.epochs} epoch${best.epochs > 1 ? 's' : ''}` +
          `${next != null ? ` (next best ${(next * 100).toFixed(2)} %)` : ''}. ` +
          'Next (steps 5–6): train longer with these, e.g. `convkit train' +
          `${Object.entries(best.params)
            .map(
              ([k, v]) =>
                ` --${k.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)} ${typeof v === 'number' ? num(v) : v}`,
            )
            .join('')}\`, and read the curves.`,
      }
    : {
        ok: false,
        message: 'randomSearch: every trial failed (see their errors above): fix steps 1–3 first.',
      };
  verdicts.push(say(io, 4, step4));
  Object.assign(record, { search, verdicts, seconds: (performance.now() - started) / 1000 });
  const path = await writeJson(o.out, 'recipe.json', record);
  await writeReport(join(o.out, 'report.html'), {
    title: `convkit recipe: ${o.model} on ${o.data}`,
    verdicts,
    lrFinder: record.lrFinder as never,
    search,
    ...bestTrialHistory(search),
  });
  io.out(
    `wrote ${path} and ${join(o.out, 'report.html')} (${((performance.now() - started) / 1000).toFixed(0)} s)`,
  );
}
