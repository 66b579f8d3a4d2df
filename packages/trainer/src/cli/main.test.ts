import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { randomSearch } from '../search/random-search';
import { logUniform } from '../search/space';
import type { Io } from './io';
import { type Actions, main } from './main';

/** Runs the command line in this process, with its output captured. */
async function cli(argv: string[], actions: Actions = {}) {
  const out: string[] = [];
  const err: string[] = [];
  const io: Io = { out: (l) => out.push(l), err: (l) => err.push(l) };
  const code = await main(argv, io, actions);
  return { code, out: out.join('\n'), err: err.join('\n') };
}

const seen: { name: string; args: unknown[]; options: Record<string, unknown> }[] = [];
const record =
  (name: string): Actions[string] =>
  async (args, options) => {
    seen.push({ name, args, options });
  };
const actions: Actions = { train: record('train'), recipe: record('recipe'), search: record('search') };
const dir = mkdtempSync(join(tmpdir(), 'convkit-cli-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('convkit command line', () => {
  it('has --help on the program and every command, exit code 0', async () => {
    const top = await cli(['--help'], actions);
    expect(top.code).toBe(0);
    for (const c of ['train', 'recipe', 'search', 'report'])
      expect(top.out).toMatch(new RegExp(`^  ${c}\\b`, 'm'));
    for (const [c, flag] of [
      ['train', '--schedule <name>'],
      ['recipe', '--overfit-samples <n>'],
      ['search', '--param <spec>'],
      ['report', '--out <file>'],
    ] as const) {
      const r = await cli([c, '--help'], actions);
      expect(r.code, c).toBe(0);
      expect(r.out).toContain(`Usage: convkit ${c}`);
      expect(r.out).toContain(flag);
    }
    expect((await cli(['--version'])).out).toMatch(/^\d+\.\d+\.\d+/);
  });

  it('gives exit code 2 and a clear message for bad flags, values and commands', async () => {
    const cases: [string[], RegExp][] = [
      [[], /Usage: convkit/],
      [['trian'], /unknown command 'trian'[\s\S]*Did you mean train\?/],
      [['train', '--epochz', '3'], /unknown option '--epochz'[\s\S]*Did you mean --epochs\?/],
      [
        ['train', '--epochs', 'three'],
        /option '--epochs <n>' argument 'three' is invalid. must be an integer ≥ 1/,
      ],
      [['train', '--epochs', '0'], /must be an integer ≥ 1/],
      [['train', '--lr', '-1'], /option '--lr <x>' argument '-1' is invalid. must be a number > 0/],
      [['train', '--backend', 'gpu'], /argument 'gpu' is invalid. Allowed choices are webgpu, wasm, cpu/],
      [['train', '--optimizer', 'adam'], /Allowed choices are SGD, Adam, AdamW, RMSprop/],
      [['search', '--param', 'lr=log:0:1'], /'lr=log:0:1': logUniform: a log scale needs low > 0/],
      [['search', '--param', 'lr=exp:1:2'], /use name=log:LOW:HIGH/],
      [['search', '-p', 'lr=log:1e-4:1', '-p', 'lr=log:1e-3:1'], /'lr' is given twice/],
      [['train', '--limit'], /option '--limit <n>' argument missing/],
      [['report'], /missing required argument 'files'/],
      [['report', 'a.json', '--ouput', 'r.html'], /unknown option '--ouput'[\s\S]*Did you mean --out\?/],
      [['recipe', '--overfit-samples', '0'], /option '--overfit-samples <n>' argument '0' is invalid/],
      [
        ['recipe', '--finder-steps', '3'],
        /option '--finder-steps <n>' argument '3' is invalid. must be an integer ≥ 5/,
      ],
      [['recipe', '--fine-trials', '-1'], /option '--fine-trials <n>' argument '-1' is invalid/],
      [['recipe', '-p', 'lr=log:1:1e-3'], /'lr=log:1:1e-3'/],
    ];
    for (const [argv, message] of cases) {
      const r = await cli(argv, actions);
      expect(r.code, argv.join(' ')).toBe(2);
      expect(r.err, argv.join(' ')).toMatch(message);
    }
    expect(seen).toEqual([]); // no action ran
  });

  it('passes the parsed options to the command, with defaults', async () => {
    const r = await cli(
      [
        'search',
        '-m',
        'resnet20_mnist',
        '-p',
        'lr=log:1e-4:1e-1',
        '-p',
        'optimizer=choice:SGD,AdamW',
        '--workers',
        '2',
      ],
      actions,
    );
    expect(r.code).toBe(0);
    const { options } = seen.at(-1) as (typeof seen)[number];
    expect(options).toMatchObject({
      model: 'resnet20_mnist',
      data: 'fashion-mnist',
      epochs: 2,
      trials: 12,
      fineTrials: 6,
      workers: 2,
      optimizer: 'AdamW',
      lr: 1e-3,
      param: {
        lr: { kind: 'logUniform', low: 1e-4, high: 1e-1 },
        optimizer: { kind: 'choice', values: ['SGD', 'AdamW'] },
      },
    });
  });

  it('gives exit code 1 when the job fails, 2 for a usage error found by the command', async () => {
    const failing: Actions = {
      train: async () => {
        throw new Error('loss is NaN at step 3');
      },
    };
    const r = await cli(['train'], failing);
    expect(r).toMatchObject({ code: 1, err: 'convkit train: loss is NaN at step 3' });
    const missing = await cli(['report', join(dir, 'nope.json')]);
    expect(missing.code).toBe(2);
    expect(missing.err).toMatch(/convkit report: cannot read .*nope\.json: ENOENT/);
    const bad = join(dir, 'bad.json');
    writeFileSync(bad, '{"hello": 1}');
    expect((await cli(['report', bad])).err).toMatch(
      /bad\.json: not a history \(meta, epochs\), search results/,
    );
  });

  it('report: writes one HTML page from history and search JSON files', async () => {
    const history = join(dir, 'history.json');
    writeFileSync(
      history,
      JSON.stringify({
        version: 1,
        meta: { model: 'mnist_cnn', stepsPerEpoch: 1 },
        epochs: [{ epoch: 1, train: { loss: 1, accuracy: 0.5 }, val: { loss: 1.1, accuracy: 0.45 } }],
        steps: [{ step: 1, loss: 1, lr: [0.001] }],
        lastValidation: null,
      }),
    );
    const search = join(dir, 'search.json');
    const result = await randomSearch(
      { lr: logUniform(1e-3, 1) },
      async (p) => ({ valAccuracy: p.lr as number, valLoss: 1 }),
      {
        trials: 3,
        epochs: 1,
      },
    );
    writeFileSync(search, JSON.stringify(result));
    const out = join(dir, 'sub', 'r.html');
    const r = await cli(['report', history, search, '-o', out, '--title', 'my run']);
    expect(r).toMatchObject({ code: 0, out: `report: ${out}` });
    const html = readFileSync(out, 'utf8');
    expect(html).toContain('<title>my run</title>');
    expect(html).toContain('"id":"loss"');
    expect(html).toContain('"id":"search-lr"');
    const twice = await cli(['report', history, history, '-o', out]);
    expect(twice).toMatchObject({ code: 2 });
    expect(twice.err).toContain("two files give the report's history");
  });
});

const bin = new URL('../../dist/cli.js', import.meta.url);
describe.skipIf(!existsSync(bin) && process.env.CI === undefined)(
  'the convkit bin (needs the build: pnpm build)',
  () => {
    it('exits 0 with --help and 2 with a bad flag, as a process', () => {
      const help = spawnSync(process.execPath, [bin.pathname, 'train', '--help'], { encoding: 'utf8' });
      expect(help.status).toBe(0);
      expect(help.stdout).toContain('Usage: convkit train [options]');
      const bad = spawnSync(process.execPath, [bin.pathname, 'search', '--trials', 'many'], {
        encoding: 'utf8',
      });
      expect(bad.status).toBe(2);
      expect(bad.stderr).toContain(
        "error: option '--trials <n>' argument 'many' is invalid. must be an integer ≥ 1.",
      );
      expect(readFileSync(bin, 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    });
  },
);
