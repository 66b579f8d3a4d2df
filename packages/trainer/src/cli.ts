#!/usr/bin/env node
import { trainingActions } from './cli/actions';
// The `convkit` command (the package's bin): see src/cli/main.ts, and `convkit --help`.
import { main } from './cli/main';

main(process.argv.slice(2), undefined, trainingActions).then((code) => {
  process.exitCode = code;
});
