// Usage (from the repo root, no build needed):
//   bench/node_modules/.bin/tsx --tsconfig packages/norms/bench/tsconfig.json packages/norms/bench/run.ts [cpu,wasm,webgpu] [iterations]
import { benchNorms } from './bench-norms';

const backends = process.argv[2]?.split(',');
const iterations = process.argv[3] ? Number(process.argv[3]) : undefined;
await benchNorms({ backends, iterations, log: (line) => console.log(line) });
