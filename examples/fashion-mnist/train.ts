// Trains a small ResNet on Fashion-MNIST with @convkit/trainer and prints the test accuracy.
//   pnpm --filter @convkit/example-fashion-mnist start                     # the README's run (wasm)
//   pnpm --filter @convkit/example-fashion-mnist start -- --epochs 1 --limit 2000   # a quick smoke run
//   pnpm --filter @convkit/example-fashion-mnist start -- --record         # also write result.json
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { formatReport, initBackend } from '@convkit/backend';
import { loadFashionMnist, slice } from '@convkit/data';
import { exportTorchWeights, saveSafetensors } from '@convkit/models';
import { DEFAULTS, type FashionOptions, trainFashionMnist } from './src/train-lib';

const usage = `usage: tsx train.ts [options]
  --backend wasm|cpu|webgpu  default: $CONVKIT_BACKEND, else wasm (the README's numbers are wasm's)
  --model NAME               a 28×28×1 zoo model (${DEFAULTS.model})
  --width M                  width multiplier (${DEFAULTS.widthMultiplier})
  --epochs N                 (${DEFAULTS.epochs})
  --batch-size N             (${DEFAULTS.batchSize})
  --lr X                     peak learning rate of the one-cycle schedule, SGD Nesterov 0.9 (${DEFAULTS.lr})
  --weight-decay X           on conv/linear weights (${DEFAULTS.weightDecay})
  --label-smoothing X        (${DEFAULTS.labelSmoothing})
  --padding N                pad-and-crop padding, 0 = off (${DEFAULTS.padding})
  --flip P                   horizontal-flip probability (${DEFAULTS.flip})
  --seed N                   (${DEFAULTS.seed})
  --minutes M                train for M minutes of wall clock (at most --epochs epochs): linear warm-up
                             and decay by elapsed time instead of the one-cycle schedule (0 = off)
  --limit N                  train on the first N training images and test on the first N test images
  --out DIR                  where the weights go (runs/): DIR/fashion-mnist.safetensors
  --record                   write result.json next to this file (the README quotes it)`;

const RESULT_FILE = new URL('./result.json', import.meta.url);

function numberArg(values: Record<string, unknown>, name: string, fallback: number, min = 0): number {
  const raw = values[name];
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isFinite(n) || n < min)
    throw new Error(`--${name} must be a number ≥ ${min}, got '${raw}'\n${usage}`);
  return n;
}

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv, // `pnpm start -- --epochs 1` passes the `--` through
    options: {
      backend: { type: 'string' },
      model: { type: 'string' },
      width: { type: 'string' },
      epochs: { type: 'string' },
      'batch-size': { type: 'string' },
      lr: { type: 'string' },
      'weight-decay': { type: 'string' },
      'label-smoothing': { type: 'string' },
      padding: { type: 'string' },
      flip: { type: 'string' },
      seed: { type: 'string' },
      minutes: { type: 'string' },
      limit: { type: 'string' },
      out: { type: 'string' },
      record: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const options: FashionOptions = {
    model: values.model ?? DEFAULTS.model,
    widthMultiplier: numberArg(values, 'width', DEFAULTS.widthMultiplier, 1e-3),
    epochs: numberArg(values, 'epochs', DEFAULTS.epochs, 1),
    batchSize: numberArg(values, 'batch-size', DEFAULTS.batchSize, 1),
    lr: numberArg(values, 'lr', DEFAULTS.lr, 1e-9),
    weightDecay: numberArg(values, 'weight-decay', DEFAULTS.weightDecay),
    labelSmoothing: numberArg(values, 'label-smoothing', DEFAULTS.labelSmoothing),
    padding: numberArg(values, 'padding', DEFAULTS.padding),
    flip: numberArg(values, 'flip', DEFAULTS.flip),
    seed: numberArg(values, 'seed', DEFAULTS.seed),
    minutes: numberArg(values, 'minutes', DEFAULTS.minutes),
  };
  const limit = numberArg(values, 'limit', Number.POSITIVE_INFINITY, 1);
  const loadAtStart = loadavg();

  const backend = values.backend ?? (process.env.CONVKIT_BACKEND || 'wasm');
  const report = await initBackend({ backend, strict: true });
  console.log(formatReport(report));

  const train = slice(await loadFashionMnist('train'), 0, limit);
  const test = slice(await loadFashionMnist('test'), 0, limit);
  console.log(
    `Fashion-MNIST: ${train.count} training / ${test.count} test images; ${options.model} ×${options.widthMultiplier}; ` +
      `SGD Nesterov, ${options.minutes > 0 ? `${options.minutes}-minute budget schedule` : 'one-cycle'}, peak lr ${options.lr}, weight decay ${options.weightDecay}, batch ${options.batchSize}, ` +
      `label smoothing ${options.labelSmoothing}, crop pad ${options.padding} + flip ${options.flip}, ${options.epochs} epoch(s)`,
  );
  const started = new Date();
  const result = await trainFashionMnist(train, test, options, {
    quiet: !process.stderr.isTTY,
    onEpoch: (r) =>
      console.log(
        `epoch ${r.epoch}/${options.epochs}: train loss ${r.train.loss.toFixed(4)} acc ${(100 * (r.train.accuracy ?? 0)).toFixed(2)}% ` +
          `lr ${r.lr[0]?.toExponential(2)} ${r.seconds.total.toFixed(0)} s (load ${loadavg()[0].toFixed(1)})`,
      ),
  });
  const perStep = (1000 * result.trainSeconds) / result.steps;
  console.log(
    `test accuracy: ${(100 * result.accuracy).toFixed(2)}% (${result.correct}/${result.testImages}) after ${result.epochsRun.toFixed(2)} epoch(s), ${result.steps} steps` +
      `${result.stopReason === 'stopped' ? ` (the ${options.minutes}-minute budget was spent)` : ''}; ` +
      `training ${result.trainSeconds.toFixed(0)} s (${perStep.toFixed(0)} ms/step), test ${result.testSeconds.toFixed(0)} s on ${report.name}`,
  );

  const outDir = values.out ?? new URL('./runs/', import.meta.url).pathname;
  mkdirSync(outDir, { recursive: true });
  const weights = exportTorchWeights(result.model);
  const bytes = await saveSafetensors(weights, {
    metadata: { model: options.model, widthMultiplier: String(options.widthMultiplier), format: 'pt' },
  });
  for (const t of Object.values(weights)) t.dispose();
  const weightsFile = `${outDir.replace(/\/$/, '')}/fashion-mnist.safetensors`;
  writeFileSync(weightsFile, bytes);
  console.log(`weights: ${weightsFile} (${(bytes.byteLength / 1024).toFixed(0)} KiB, torchvision keys)`);
  result.model.dispose();

  if (values.record) {
    const wasm = report.wasm;
    const record = {
      command:
        `pnpm --filter @convkit/example-fashion-mnist start -- ${argv.filter((a) => a !== '--').join(' ')}`.trim(),
      backend: report.name,
      threads: report.name === 'wasm' ? (wasm?.threads ? wasm.threadsCount : 1) : null,
      simd: report.name === 'wasm' ? (wasm?.simd ?? false) : null,
      ...options,
      schedule: options.minutes > 0 ? 'time-budget (linear warm-up 5 %, linear decay to 0)' : 'one-cycle',
      stoppedByBudget: result.stopReason === 'stopped',
      steps: result.steps,
      epochsRun: Number(result.epochsRun.toFixed(2)),
      parameters: result.parameters,
      trainImages: train.count,
      testImages: result.testImages,
      testAccuracyPercent: Number((100 * result.accuracy).toFixed(2)),
      correct: result.correct,
      trainSeconds: Math.round(result.trainSeconds),
      testSeconds: Math.round(result.testSeconds),
      msPerStep: Math.round(perStep),
      perEpoch: result.epochs.map((r) => ({
        epoch: r.epoch,
        trainLoss: Number(r.train.loss.toFixed(4)),
        trainAccuracyPercent: Number((100 * (r.train.accuracy ?? 0)).toFixed(2)),
        seconds: Math.round(r.seconds.total),
      })),
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      loadAverage1m: `${loadAtStart[0].toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
      started: started.toISOString(),
      date: started.toISOString().slice(0, 10),
    };
    writeFileSync(RESULT_FILE, `${JSON.stringify(record, null, 2)}\n`);
    console.log('written to examples/fashion-mnist/result.json');
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? (err.stack ?? err.message) : err);
    process.exit(1);
  },
);
