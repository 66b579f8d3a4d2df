import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { initBackend } from '@convkit/backend';
import { testBackends } from '@convkit/backend/testing';
import { memory } from '@tensorflow/tfjs-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toyDataset, writeImageFolder } from '../test-helpers';
import type { Io } from './io';
import { main } from './main';
import { trainingActions } from './train-commands';

const dir = mkdtempSync(join(tmpdir(), 'convkit-cli-train-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const data = join(dir, 'toy');
writeImageFolder(data, { train: toyDataset(32, 0), val: toyDataset(16, 1) });
// Tiny jobs: mnist_cnn on 32 toy images resized to 28×28 gray, on wasm where it is tested (fast), else cpu.
const backend = testBackends().includes('wasm') ? 'wasm' : 'cpu';
const tiny = ['-m', 'mnist_cnn', '-d', data, '--backend', backend, '--batch-size', '16', '-q'];

async function cli(argv: string[]) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(argv, io, trainingActions);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

describe('convkit train / search (tiny jobs)', () => {
  beforeAll(async () => {
    await initBackend({ backend, strict: true });
  });

  it('train: reports the backend and data, trains, writes history.json and report.html', async () => {
    const out = join(dir, 'train');
    const before = memory().numTensors;
    const r = await cli(['train', ...tiny, '--epochs', '2', '--lr', '3e-3', '-o', out]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(new RegExp(`^backend: ${backend}`, 'm'));
    expect(r.out).toContain(`data: ${data} (train 32, val 16 as validation, 28×28×1, 4 classes)`);
    expect(r.out).toContain('model: mnist_cnn, 6.6 k parameters');
    expect(r.out).toMatch(
      /^epoch 2: train loss [\d.]+, accuracy [\d.]+ %; val loss [\d.]+, accuracy [\d.]+ %$/m,
    );
    const history = JSON.parse(readFileSync(join(out, 'history.json'), 'utf8'));
    expect(history.epochs).toHaveLength(2);
    expect(history.meta).toMatchObject({
      optimizer: 'AdamW',
      schedule: 'CosineAnnealingLR',
      batchSize: 16,
      seed: 0,
    });
    expect(readFileSync(join(out, 'report.html'), 'utf8')).toContain('"id":"confusion"');
    expect(memory().numTensors).toBe(before);
  });

  it('search: in this process, coarse then fine, writes search.json and report.html', async () => {
    const out = join(dir, 'search');
    const r = await cli([
      'search',
      ...tiny,
      '--trials',
      '2',
      '--fine-trials',
      '1',
      '--epochs',
      '1',
      '--max-steps',
      '1',
      '-p',
      'lr=log:1e-3:1e-1',
      '-o',
      out,
    ]);
    expect(r.err).toBe('');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(
      /^trial 1\/3 coarse lr=[\d.e-]+ {2}val accuracy [\d.]+ %, loss [\d.]+ {2}\([\d.]+ s\)$/m,
    );
    expect(r.out).toMatch(/^trial 3\/3 fine {3}lr=/m);
    expect(r.out).toMatch(/^best: trial \d \((coarse|fine)\) lr=/m);
    const result = JSON.parse(readFileSync(join(out, 'search.json'), 'utf8'));
    expect(result).toMatchObject({ kind: 'convkit-search', seed: 0 });
    expect(result.trials.map((t: { stage: string }) => t.stage)).toEqual(['coarse', 'coarse', 'fine']);
    expect(existsSync(join(out, 'report.html'))).toBe(true);
  });

  it('gives exit code 2, before loading anything, for an unknown model, data set or searched name', async () => {
    const model = await cli(['train', '-m', 'resnet19', '-d', data]);
    expect(model.code).toBe(2);
    expect(model.err).toMatch(
      /^convkit train: unknown model 'resnet19' \(did you mean 'resnet18'\?\); known: alexnet, /,
    );
    const ds = await cli(['train', '-d', 'fashion_mnist']);
    expect(ds.code).toBe(2);
    expect(ds.err).toContain(
      "convkit train: unknown data set 'fashion_mnist' (did you mean 'fashion-mnist'?)",
    );
    const cifar = await cli(['search', '-d', 'cifar10']);
    expect(cifar.err).toContain('--data cifar10 needs --data-dir');
    const param = await cli(['search', ...tiny, '-p', 'weight_decay=log:1e-4:1', '-o', join(dir, 'x')]);
    expect(param.code).toBe(2);
    expect(param.err).toContain(
      "--param: unknown hyperparameter 'weight_decay' (did you mean 'weightDecay'?)",
    );
  });
});
