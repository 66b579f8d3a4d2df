#!/usr/bin/env node
// The `convkit` command (the package's bin): see src/cli/main.ts, and `convkit --help`.
import { main } from './cli/main';
import { trainingActions } from './cli/train-commands';

main(process.argv.slice(2), undefined, trainingActions).then((code) => {
  process.exitCode = code;
});
