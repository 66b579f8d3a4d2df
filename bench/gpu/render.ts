// Writes bench/RESULTS-gpu.md from the JSON of a device run (bench/gpu/run.sh):
//   pnpm --filter @convkit/bench exec tsx gpu/render.ts <json dir> "<GPU, WebGPU and driver>" <host cores>
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ChildResult } from '../src/cases';
import { resultsMarkdown } from '../src/report';

const [dir, gpu, cores] = process.argv.slice(2);
if (!dir || !gpu) throw new Error('usage: render.ts <json dir> "<GPU, WebGPU and driver>" [host cores]');
const results = readdirSync(dir)
  .filter((f) => f.endsWith('.json'))
  .map((f) => JSON.parse(readFileSync(join(dir, f), 'utf8')) as ChildResult);
const md = resultsMarkdown(results, ['webgpu'], {
  cpu: `${gpu} (host)`,
  cores: Number(cores ?? 0),
  node: process.version,
  date: new Date().toISOString().slice(0, 10),
  load: [0, 0],
})
  .replace('# convkit benchmarks', '# convkit benchmarks on a real GPU (webgpu)')
  .replace(
    /load average 0\.0 → 0\.0\. Written by `pnpm bench` \(bench\/run\.ts\)\./,
    'one run on a lent device machine: bench/child.ts bundled by bench/gpu/ship.mjs, each job in its own ' +
      'process (bench/gpu/run.sh), as bench/run.ts does. Not rewritten by `pnpm bench`; see RESULTS.md for ' +
      'cpu/wasm and software webgpu.',
  );
writeFileSync(
  new URL('../RESULTS-gpu.md', import.meta.url),
  `${md.trimEnd()}\n- GPU run: one pass of each job; cases of a few ms are dominated by dispatch and read-back\n  latency, so differences under ~20% are noise-level.\n`,
);
console.log(md);
