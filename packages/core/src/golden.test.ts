import { readFileSync } from 'node:fs';
import { describeEachBackend, expectClose } from '@convkit/backend/testing';
import { dispose, grad, mul, type Scalar, sum, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { expect, it } from 'vitest';
import { crossEntropy } from './losses';
import { coreModules } from './registry';
import { valueAndGrads } from './step';

// Golden values from PyTorch 1.13 (fixtures/make_fixtures.py): forward and gradients of every
// core layer, in our layouts (NHWC, HWIO, [in, out]).
interface Stored {
  shape: number[];
  data: number[];
}
interface Case {
  name: string;
  layer: string;
  options: Record<string, unknown>;
  x: Stored;
  g: Stored;
  y: Stored;
  dx: Stored;
  params?: Record<string, Stored>;
  dparams?: Record<string, Stored>;
}
interface LossCase {
  name: string;
  ignoreIndex?: number;
  reduction?: 'mean' | 'sum';
  logits: Stored;
  labels: Stored;
  loss: number;
  dlogits: Stored;
}
const golden: { torch: string; cases: Case[]; crossEntropy: LossCase[] } = JSON.parse(
  readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8'),
);
const t = (s: Stored) => tensor(s.data, s.shape, 'float32');

describeEachBackend(`golden values from PyTorch ${golden.torch}`, (backend) => {
  // cpu and wasm compute in float32 like PyTorch's reference; webgpu may reorder sums and fuse
  // multiply-adds (and its default float precision on some adapters is lower): looser bounds.
  const tol = backend === 'webgpu' ? { rtol: 1e-3, atol: 1e-4 } : { rtol: 1e-4, atol: 1e-5 };
  const registry = coreModules();

  for (const c of golden.cases) {
    const setup = () => {
      const layer = registry.fromConfig({ className: c.layer, config: c.options });
      const state = Object.fromEntries(Object.entries(c.params ?? {}).map(([k, v]) => [k, t(v)]));
      layer.loadStateDict(state);
      dispose(state);
      return { layer, x: t(c.x), g: t(c.g) };
    };

    it(`${c.layer} forward: ${c.name}`, async () => {
      const { layer, x, g } = setup();
      const y = layer.call(x);
      expect(y.shape).toEqual(c.y.shape);
      await expectClose(y, c.y.data, tol, `${c.name}: y`);
      dispose([x, g, y]);
      layer.dispose();
    });

    it(`${c.layer} gradients: ${c.name}`, async () => {
      const { layer, x, g } = setup();
      const loss = (xi: Tensor): Scalar => sum(mul(layer.call(xi), g));
      const dx = grad(loss)(x);
      expect(dx.shape).toEqual(c.dx.shape);
      await expectClose(dx, c.dx.data, tol, `${c.name}: dx`);
      if (c.dparams) {
        const { loss: value, grads } = valueAndGrads(layer, () => loss(x));
        expect(Object.keys(grads).sort()).toEqual(Object.keys(c.dparams).sort());
        for (const [k, v] of Object.entries(c.dparams)) {
          expect(grads[k].shape).toEqual(v.shape);
          await expectClose(grads[k], v.data, tol, `${c.name}: d${k}`);
        }
        dispose([value, grads]);
      }
      dispose([x, g, dx]);
      layer.dispose();
    });
  }

  for (const c of golden.crossEntropy) {
    it(`crossEntropy with ${c.name} labels: loss and gradient`, async () => {
      const logits = t(c.logits);
      const index = c.name.startsWith('indices');
      const labels = index ? tensor(c.labels.data, c.labels.shape, 'int32') : t(c.labels);
      const options = { ignoreIndex: c.ignoreIndex, reduction: c.reduction };
      const loss = crossEntropy(logits, labels, options);
      await expectClose(loss, [c.loss], tol, 'loss');
      const dz = grad((z: Tensor) => crossEntropy(z, labels, options))(logits);
      await expectClose(dz, c.dlogits.data, tol, 'dlogits');
      dispose([logits, labels, loss, dz]);
    });
  }
});
