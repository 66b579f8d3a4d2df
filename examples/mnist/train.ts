// Trains a small CNN on MNIST on the best backend available and prints the test accuracy.
//   pnpm start                              # from the repository root (tsx runs the sources: no build)
//   tsx train.ts --backend wasm --epochs 4  # or CONVKIT_BACKEND=wasm
//   tsx train.ts --limit 2000 --epochs 1    # a quick smoke run
//   tsx train.ts --backend wasm --record    # the default run, written to result.json (the READMEs quote it)
import { writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { formatReport, initBackend } from '@convkit/backend';
import { loadMnist, slice } from '@convkit/data';
import { evaluate } from '@convkit/trainer';
import { buildModel, TRAIN_DEFAULTS, trainMnist } from './src/train-mnist';

const usage = `usage: tsx train.ts [--backend webgpu|wasm|cpu] [--epochs 3] [--limit N] [--batch-size 128] [--lr 0.01]
                    [--weight-decay 0.01] [--shift 0.05] [--seed 0] [--record]
  --backend       force a backend (no fallback); default: $CONVKIT_BACKEND, else the best available
  --limit         train on the first N training images and test on the first N test images
  --lr            the one-cycle schedule's peak learning rate (AdamW)
  --weight-decay  AdamW's decoupled weight decay
  --shift         largest random shift, as a fraction of the image size (0: no augmentation)
  --record        write the result to examples/mnist/result.json (default options only; the READMEs quote it)`;

/** The measured run the READMEs quote (scripts/readme-numbers.test.ts checks that they do). */
const RESULT_FILE = new URL('./result.json', import.meta.url);

function numberArg(
  values: Record<string, unknown>,
  name: string,
  fallback: number,
  min = 'positive',
): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < 0 || (n === 0 && min === 'positive'))
    throw new Error(`--${name} must be a ${min} number, got '${raw}'\n${usage}`);
  return n;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    // `pnpm start -- --epochs 1` passes the `--` through.
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      backend: { type: 'string' },
      epochs: { type: 'string' },
      limit: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'weight-decay': { type: 'string' },
      shift: { type: 'string' },
      seed: { type: 'string' },
      record: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const epochs = numberArg(values, 'epochs', TRAIN_DEFAULTS.epochs);
  const batchSize = numberArg(values, 'batch-size', TRAIN_DEFAULTS.batchSize);
  const lr = numberArg(values, 'lr', TRAIN_DEFAULTS.lr);
  const weightDecay = numberArg(values, 'weight-decay', TRAIN_DEFAULTS.weightDecay, 'non-negative');
  const shift = numberArg(values, 'shift', TRAIN_DEFAULTS.shift, 'non-negative');
  const limit = numberArg(values, 'limit', Number.POSITIVE_INFINITY);
  const seed = values.seed === undefined ? TRAIN_DEFAULTS.seed : Number(values.seed);
  const defaults =
    epochs === TRAIN_DEFAULTS.epochs &&
    batchSize === TRAIN_DEFAULTS.batchSize &&
    lr === TRAIN_DEFAULTS.lr &&
    weightDecay === TRAIN_DEFAULTS.weightDecay &&
    shift === TRAIN_DEFAULTS.shift &&
    seed === TRAIN_DEFAULTS.seed &&
    limit === Number.POSITIVE_INFINITY;
  if (values.record && !defaults) {
    throw new Error(`--record writes the README's numbers: it takes the default options only\n${usage}`);
  }
  const loadAtStart = loadavg()[0];

  const backend = values.backend ?? (process.env.CONVKIT_BACKEND || undefined);
  // Without a backend named, a software WebGPU adapter (CPU-emulated, ~30× slower than wasm here) is
  // skipped by initBackend, and the report says so.
  const report = await initBackend(backend === undefined ? { warn: () => {} } : { backend, strict: true });
  console.log(formatReport(report));

  const [fullTrain, fullTest] = await Promise.all([loadMnist('train'), loadMnist('test')]);
  const trainSet = slice(fullTrain, 0, limit);
  const testSet = slice(fullTest, 0, limit);
  const model = buildModel(seed);
  console.log(
    `MNIST: ${trainSet.count} training / ${testSet.count} test images; mnist_cnn (×2 width, BatchNorm) ` +
      `with ${model.numParameters()} parameters; AdamW (weight decay ${weightDecay}) on a one-cycle ` +
      `schedule to lr ${lr}, random shifts ≤ ${Number((shift * 28).toFixed(1))} px, batch ${batchSize}, ${epochs} epoch(s)`,
  );

  // fit draws the progress bar (a bar on a terminal, a line per 10 % in a log) and the epoch lines.
  const history = await trainMnist(model, trainSet, { epochs, batchSize, lr, weightDecay, shift, seed });
  const { scores, count } = await evaluate(model, testSet, { batchSize: 1000 });
  const accuracy = scores.accuracy as number;
  const seconds = history.epochs.reduce((t, e) => t + e.seconds.train, 0);
  const steps = history.epochs.at(-1)?.step ?? 0;
  const perStep = (1000 * seconds) / steps;
  console.log(
    `test accuracy: ${(100 * accuracy).toFixed(2)}% (${Math.round(accuracy * count)}/${count}) ` +
      `after ${epochs} epoch(s); training took ${seconds.toFixed(1)} s on ${report.name} ` +
      `(${steps} steps, ${perStep.toFixed(1)} ms/step)`,
  );
  model.dispose();
  if (values.record) {
    const record = {
      command: `pnpm start -- --backend ${report.name} --record`,
      backend: report.name,
      epochs,
      trainImages: trainSet.count,
      testImages: testSet.count,
      accuracyPercent: Number((100 * accuracy).toFixed(2)),
      correct: Math.round(accuracy * testSet.count),
      trainSeconds: Number(seconds.toFixed(1)),
      msPerStep: Number(perStep.toFixed(1)),
      // The whole process: startup, loading the data, training, evaluation.
      wallSeconds: Number(process.uptime().toFixed(1)),
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      loadAverage: `${loadAtStart.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
      date: new Date().toISOString().slice(0, 10),
    };
    writeFileSync(RESULT_FILE, `${JSON.stringify(record, null, 2)}\n`);
    console.log(`written to examples/mnist/result.json`);
  }
}

main().then(
  // Exit explicitly: Dawn (WebGPU in Node) keeps the event loop alive while its device lives.
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
