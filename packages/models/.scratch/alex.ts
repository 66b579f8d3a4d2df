import { initBackend, Rng } from '@convkit/backend';
import { valueAndGrads } from '@convkit/core';
import { dispose, sum } from '@tensorflow/tfjs-core';
import { createModel } from '../src/index';

await initBackend({ backend: 'webgpu' });
const name = process.argv[2] ?? 'alexnet';
const size = Number(process.argv[3] ?? 64);
const m = createModel(name, { widthMultiplier: 1 / 16, rng: 1 });
const x = new Rng(3).normalTensor([2, size, size, 3]);
for (let i = 0; i < 3; i++) {
  let t = performance.now();
  const y = m.train().call(x);
  await y.data();
  const f = performance.now() - t;
  t = performance.now();
  const { loss, grads } = valueAndGrads(m, () => sum(m.call(x)));
  for (const g of Object.values(grads)) await g.data();
  console.log(name, `forward ${f.toFixed(0)} ms, forward+backward ${(performance.now() - t).toFixed(0)} ms`);
  dispose([y, loss, grads]);
}
process.exit(0);
