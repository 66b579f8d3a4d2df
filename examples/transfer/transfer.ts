// Transfer learning, the lecture's recipe: pretrain a small ResNet on MNIST, then fine-tune it on 1,000
// Fashion-MNIST images three ways and print the three test accuracies side by side.
//   pnpm --filter @convkit/example-transfer start                  # from the repository root
//   tsx transfer.ts --backend wasm --record                         # the README's run, to result.json
//   tsx transfer.ts --pretrain-images 1000 --fine-tune-epochs 2      # a quicker run
// The pretrained weights are cached in .cache/ (a checkpoint file): a second run skips pretraining.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { formatReport, initBackend } from '@convkit/backend';
import { type Dataset, loadFashionMnist, loadMnist, split } from '@convkit/data';
import { writeFileAtomic } from '@convkit/trainer';
import {
  fineTune,
  formatTable,
  pretrain,
  TRANSFER_DEFAULTS,
  type TransferOptions,
  VARIANTS,
  type Variant,
} from './src/transfer';

const usage = `usage: tsx transfer.ts [--backend webgpu|wasm|cpu] [--width 0.25] [--pretrain-images 5000] [--pretrain-epochs 1]
       [--fine-tune-images 1000] [--fine-tune-epochs 5] [--test-images 2000] [--seed 0] [--fresh] [--record]
  --fresh    pretrain again even if .cache/ holds the weights
  --record   write the result to examples/transfer/result.json (default options only; the README quotes it)`;

const RESULT_FILE = new URL('./result.json', import.meta.url);
const CACHE_DIR = new URL('./.cache/', import.meta.url);

/** The first `n` samples of a random permutation (Fashion-MNIST's files are grouped by class). */
const sample = (data: Dataset, n: number, seed: number) =>
  n >= data.count ? data : split(data, n, { seed })[0];

async function main(): Promise<void> {
  const argv = process.argv.slice(2);
  const flags = {
    width: 'width',
    'pretrain-images': 'pretrainImages',
    'pretrain-epochs': 'pretrainEpochs',
    'fine-tune-images': 'fineTuneImages',
    'fine-tune-epochs': 'fineTuneEpochs',
    'test-images': 'testImages',
    seed: 'seed',
  } as const;
  const { values } = parseArgs({
    args: argv[0] === '--' ? argv.slice(1) : argv,
    options: {
      backend: { type: 'string' },
      ...Object.fromEntries(Object.keys(flags).map((k) => [k, { type: 'string' as const }])),
      fresh: { type: 'boolean' },
      record: { type: 'boolean' },
      help: { type: 'boolean', short: 'h' },
    },
  });
  if (values.help) {
    console.log(usage);
    return;
  }
  const o: TransferOptions = { ...TRANSFER_DEFAULTS };
  for (const [flag, key] of Object.entries(flags)) {
    const raw = (values as Record<string, unknown>)[flag];
    if (raw === undefined) continue;
    const n = Number(raw);
    if (!Number.isFinite(n) || n < 0 || (key !== 'width' && !Number.isInteger(n))) {
      throw new Error(
        `--${flag} must be a ${key === 'width' ? 'positive number' : 'non-negative integer'}, got '${raw}'\n${usage}`,
      );
    }
    o[key] = n;
  }
  const isDefault = Object.values(flags).every((k) => o[k] === TRANSFER_DEFAULTS[k]);
  if (values.record && !isDefault)
    throw new Error(`--record writes the README's numbers: default options only\n${usage}`);
  const loadAtStart = loadavg()[0];

  const backend = values.backend ?? (process.env.CONVKIT_BACKEND || undefined);
  const report = await initBackend(backend === undefined ? { warn: () => {} } : { backend, strict: true });
  console.log(formatReport(report));

  const cache = new URL(
    `${o.model}-w${o.width}-${o.pretrainImages}x${o.pretrainEpochs}-seed${o.seed}.safetensors`,
    CACHE_DIR,
  );
  let weights: Uint8Array;
  let pretrainNote: string;
  if (!values.fresh && existsSync(cache)) {
    weights = readFileSync(cache);
    pretrainNote = `pretrained weights from ${cache.pathname.split('/').slice(-2).join('/')} (--fresh to pretrain again)`;
    console.log(pretrainNote);
  } else {
    const [mnistTrain, mnistTest] = await Promise.all([loadMnist('train'), loadMnist('test')]);
    const pretrainSet = sample(mnistTrain, o.pretrainImages, o.seed);
    console.log(
      `pretraining ${o.model} (width ×${o.width}) on ${pretrainSet.count} MNIST images, ${o.pretrainEpochs} epoch(s)`,
    );
    const p = await pretrain(o, pretrainSet, sample(mnistTest, o.testImages, o.seed));
    weights = p.weights;
    mkdirSync(CACHE_DIR, { recursive: true });
    await writeFileAtomic(cache.pathname, weights);
    pretrainNote = `pretrained on ${pretrainSet.count} MNIST images in ${p.seconds.toFixed(1)} s: MNIST test accuracy ${(100 * p.accuracy).toFixed(2)} %`;
    console.log(pretrainNote);
  }

  const [fashionTrain, fashionTest] = await Promise.all([
    loadFashionMnist('train'),
    loadFashionMnist('test'),
  ]);
  const train = sample(fashionTrain, o.fineTuneImages, o.seed);
  const test = sample(fashionTest, o.testImages, o.seed);
  const rows = [];
  for (const variant of Object.keys(VARIANTS) as Variant[]) {
    console.log(`${VARIANTS[variant]}: ${train.count} Fashion-MNIST images, ${o.fineTuneEpochs} epochs`);
    rows.push({ variant, ...(await fineTune(variant, o, weights, train, test)) });
  }
  console.log(`\n${formatTable(rows)}\n(test: ${test.count} Fashion-MNIST test images; ${report.name})`);

  if (values.record) {
    const record = {
      command: `pnpm --filter @convkit/example-transfer start -- --backend ${report.name} --record`,
      backend: report.name,
      model: o.model,
      width: o.width,
      pretrain: pretrainNote,
      fineTuneImages: train.count,
      fineTuneEpochs: o.fineTuneEpochs,
      testImages: test.count,
      accuracyPercent: Object.fromEntries(
        rows.map((r) => [r.variant, Number((100 * r.accuracy).toFixed(2))]),
      ),
      trainSeconds: Object.fromEntries(rows.map((r) => [r.variant, Number(r.seconds.toFixed(1))])),
      cpu: cpus()[0]?.model.trim() ?? 'unknown',
      cores: cpus().length,
      node: process.version,
      loadAverage: `${loadAtStart.toFixed(1)} → ${loadavg()[0].toFixed(1)}`,
      date: new Date().toISOString().slice(0, 10),
    };
    writeFileSync(RESULT_FILE, `${JSON.stringify(record, null, 2)}\n`);
    console.log('written to examples/transfer/result.json');
  }
}

main().then(
  () => process.exit(0),
  (err) => {
    console.error(err instanceof Error ? err.message : err);
    process.exit(1);
  },
);
