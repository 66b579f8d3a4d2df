import { createRequire } from 'node:module';
import { listModels } from '@convkit/models';
import { Command, CommanderError, Option } from 'commander';
import { type Io, processIo } from './io';
import {
  collectParam,
  fraction,
  intAtLeast,
  nonNegativeInt,
  nonNegativeNumber,
  positiveInt,
  positiveNumber,
  UsageError,
} from './parse';
import { reportCommand } from './report-command';

/** Exit codes: 0 done, 1 the job failed (missing data, a diverged run…), 2 a usage error (bad flags or names). */
export const EXIT = { ok: 0, failed: 1, usage: 2 } as const;

/** The commands' actions, by name: train, recipe and search come from ./train-commands (they need `fit`). */
export type Actions = Record<
  string,
  (args: unknown[], options: Record<string, unknown>, io: Io) => Promise<void>
>;

const version = (createRequire(import.meta.url)('@convkit/trainer/package.json') as { version: string })
  .version;

/** Options every training command takes: what to train on which data, where, and how. */
function trainingOptions(cmd: Command, defaults: { epochs: number; batchSize: number }): Command {
  return cmd
    .option('-m, --model <name>', `model from @convkit/models: ${listModels().join(', ')}`, 'mnist_cnn')
    .option('--model-width <x>', 'widthMultiplier of the model (0.25: about 1/16 the size)', positiveNumber)
    .option(
      '-d, --data <name|path>',
      'mnist, fashion-mnist, cifar10 (with --data-dir), a CIFAR-10 binary folder, or an image folder',
      'fashion-mnist',
    )
    .option('--data-dir <dir>', "cifar10's folder (cifar-10-batches-bin)")
    .option('--limit <n>', 'use the first n training samples', positiveInt)
    .option('--val-limit <n>', 'use the first n validation samples', positiveInt)
    .option(
      '--val-fraction <x>',
      'image folder without val/ or test/: share held out for validation',
      fraction,
      0.1,
    )
    .option('--image-size <px>', 'image folder: resize to px×px', positiveInt)
    .addOption(
      new Option('-b, --backend <name>', 'backend to try first (falls back with a report)').choices([
        'webgpu',
        'wasm',
        'cpu',
      ]),
    )
    .option('--strict', 'fail instead of falling back to another backend')
    .option('--wasm-threads <n>', 'threads of the wasm backend (default: every core)', positiveInt)
    .option('--batch-size <n>', 'samples per batch', positiveInt, defaults.batchSize)
    .option('--epochs <n>', 'epochs', positiveInt, defaults.epochs)
    .addOption(
      new Option('--optimizer <name>', 'optimizer')
        .choices(['SGD', 'Adam', 'AdamW', 'RMSprop'])
        .default('AdamW'),
    )
    .option('--lr <x>', 'learning rate', positiveNumber, 1e-3)
    .option('--weight-decay <x>', 'weight decay (AdamW: decoupled)', nonNegativeNumber)
    .option('--momentum <x>', 'momentum (SGD, RMSprop)', nonNegativeNumber)
    .option('--seed <n>', 'seed of the weights, the data order and the augmentation', nonNegativeInt, 0)
    .option('--max-steps <n>', 'stop after n steps (a quick try)', positiveInt)
    .option('-o, --out <dir>', 'folder for the JSON results and report.html', 'convkit-run')
    .option('-q, --quiet', 'no progress bar');
}

/**
 * The `convkit` command line: builds the commander program. `actions` holds the training commands
 * (train, recipe, search); without one the command is not offered.
 */
export function createProgram(io: Io, actions: Actions = {}): Command {
  const program = new Command('convkit')
    .description(
      "Train convolutional networks with convkit: train, the lecture's recipe, random search, reports.",
    )
    .version(version, '-V, --version')
    .showHelpAfterError('(run with --help for usage)')
    .configureOutput({
      writeOut: (s) => io.out(s.replace(/\n$/, '')),
      writeErr: (s) => io.err(s.replace(/\n$/, '')),
    })
    .exitOverride();

  const run = (name: string) =>
    async function (this: Command, ...args: unknown[]) {
      const action = actions[name];
      if (action === undefined) throw new Error(`convkit ${name}: not available in this build`);
      // commander passes the positional arguments, then the options, then the command.
      await action(args.slice(0, -2), this.opts(), io);
    };

  if (actions.train) {
    trainingOptions(
      program
        .command('train')
        .description('train a model on a data set; writes history.json and report.html to --out'),
      { epochs: 5, batchSize: 64 },
    )
      .addOption(
        new Option('--schedule <name>', 'learning-rate schedule')
          .choices(['none', 'cosine', 'onecycle'])
          .default('cosine'),
      )
      .option('--augment', "augmentation: @convkit/augment's default pipeline for the data set")
      .option('--label-smoothing <x>', 'label smoothing ε of the cross-entropy', nonNegativeNumber)
      .action(run('train'));
  }
  if (actions.recipe) {
    trainingOptions(
      program
        .command('recipe')
        .description(
          "the lecture's steps 1–4: check the initial loss, overfit a small sample, find a learning rate, a short random search; prints each verdict",
        ),
      { epochs: 1, batchSize: 64 },
    )
      .option('--overfit-samples <n>', 'step 2: samples to overfit', positiveInt, 32)
      .option('--overfit-steps <n>', 'step 2: at most this many steps', positiveInt, 200)
      .option('--finder-steps <n>', 'step 3: steps of the learning-rate sweep (≥ 5)', intAtLeast(5), 100)
      .option(
        '-p, --param <spec>',
        "step 4: a searched hyperparameter's range, repeatable, as in convkit search (default: lr within a decade of step 3's suggestion, weightDecay=log:1e-6:1e-2)",
        collectParam,
      )
      .option('--trials <n>', 'step 4: coarse trials', positiveInt, 6)
      .option('--fine-trials <n>', 'step 4: fine trials (0: none)', nonNegativeInt, 3)
      .option(
        '--workers <n>',
        'step 4: trials in parallel in worker threads (1: in this process)',
        positiveInt,
        1,
      )
      .action(run('recipe'));
  }
  if (actions.search) {
    trainingOptions(
      program
        .command('search')
        .description(
          'random search, coarse then fine around the best coarse trials; writes search.json and report.html',
        ),
      { epochs: 2, batchSize: 64 },
    )
      .option(
        '-p, --param <spec>',
        'a searched hyperparameter, repeatable: lr=log:1e-4:1e-1, weightDecay=log:1e-6:1e-2, momentum=uniform:0.8:0.99, optimizer=choice:SGD,AdamW, batchSize=choice:32,64 (default: lr and weightDecay as shown)',
        collectParam,
      )
      .option('--trials <n>', 'coarse trials', positiveInt, 12)
      .option('--fine-trials <n>', 'fine trials (0: none)', nonNegativeInt, 6)
      .option('--fine-epochs <n>', 'epochs of a fine trial (default: --epochs)', positiveInt)
      .option('--top-k <n>', 'the fine ranges span the best k coarse trials', positiveInt, 3)
      .option('--workers <n>', 'trials in parallel in worker threads (1: in this process)', positiveInt, 1)
      .addOption(
        new Option('--trial-seeds <how>', 'same: every trial trains with --seed; per-trial: seed + 1 + id')
          .choices(['same', 'per-trial'])
          .default('same'),
      )
      .action(run('search'));
  }
  program
    .command('report')
    .description(
      'turn JSON results (history.json, search.json, lr-finder.json, recipe.json) into one self-contained HTML report',
    )
    .argument(
      '<files...>',
      'JSON files written by convkit train, search or recipe (or by fit / randomSearch)',
    )
    .option('-o, --out <file>', 'the HTML file to write', 'report.html')
    .option('--title <text>', "the report's title")
    .action(async (files: string[], options: { out: string; title?: string }) =>
      reportCommand(files, options, io),
    );
  return program;
}

/**
 * Runs the command line on `argv` (without node and the script) and resolves to the exit code: 0,
 * 1 when the job failed, 2 for a usage error (an unknown flag or command, a bad value, an unknown
 * model or data set), after printing what was wrong. `--help` works on every command.
 */
export async function main(argv: string[], io: Io = processIo, actions: Actions = {}): Promise<number> {
  const program = createProgram(io, actions);
  try {
    await program.parseAsync(argv, { from: 'user' });
    return EXIT.ok;
  } catch (err) {
    if (err instanceof CommanderError) {
      // commander has printed the message (and the hint to --help) already.
      // --help and --version exit with 0; `convkit` alone shows the help as an error (exit code 1 in commander).
      return err.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    const command = program.args[0] ?? '';
    const who = `convkit${command ? ` ${command}` : ''}`;
    if (err instanceof UsageError) {
      io.err(`${who}: ${err.message}`);
      io.err(`(run ${who} --help for usage)`);
      return EXIT.usage;
    }
    io.err(`${who}: ${err instanceof Error ? err.message : String(err)}`);
    return EXIT.failed;
  }
}
