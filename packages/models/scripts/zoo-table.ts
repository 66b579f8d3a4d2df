// Rewrites the zoo table of packages/models/README.md from the registry's declared figures.
//   pnpm --filter @convkit/models zoo-table
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createModelRegistry } from '../src/zoo';
import { withZooTable, zooTable } from '../src/zoo-table';

const path = join(import.meta.dirname, '..', 'README.md');
writeFileSync(path, withZooTable(readFileSync(path, 'utf8'), zooTable(createModelRegistry())));
console.log(`wrote the zoo table of ${path}`);
