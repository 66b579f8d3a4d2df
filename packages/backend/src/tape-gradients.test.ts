import {
  add,
  conv2d,
  customGrad,
  dispose,
  engine,
  grad,
  memory,
  mul,
  relu,
  reshape,
  type Scalar,
  sum,
  type Tensor,
  type Tensor4D,
  tanh,
} from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from './init-backend';
import { Rng } from './random';
import { tapeGradients } from './tape-gradients';

const tfjsGradients = (f: () => Tensor, xs: Tensor[]) =>
  (
    engine() as unknown as { gradients(f: () => Tensor, xs: Tensor[]): { value: Tensor; grads: Tensor[] } }
  ).gradients(f, xs);

/** A small net with a residual (a tensor used twice), reshapes and a custom gradient. */
function net(x: Tensor, w: Tensor, b: Tensor): Scalar {
  const h = relu(conv2d(x as Tensor4D, w as Tensor4D, 1, 'same'));
  const r = add(h, x);
  const scaled = customGrad((t) => ({
    value: mul(t as Tensor, 2),
    gradFunc: (dy) => mul(dy as Tensor, 2),
  }))(reshape(r, [-1])) as Tensor;
  return sum(tanh(add(scaled, b)));
}

describe('tapeGradients', () => {
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
  });

  it("gives tfjs's value and gradients, and leaks nothing", async () => {
    const rng = new Rng(1);
    const x = rng.normalTensor([2, 4, 4, 3]);
    const w = rng.normalTensor([3, 3, 3, 3], 0, 0.3);
    const b = rng.normalTensor([96]);
    const f = () => net(x, w, b);
    const theirs = tfjsGradients(f, [x, w, b]);
    const before = memory().numTensors;
    const ours = tapeGradients(f, [x, w, b]);
    expect(await ours.value.data()).toEqual(await theirs.value.data());
    for (let i = 0; i < 3; i++) {
      expect(await (ours.grads[i] as Tensor).data()).toEqual(await (theirs.grads[i] as Tensor).data());
    }
    dispose([ours.value, ...(ours.grads as Tensor[])]);
    expect(memory().numTensors).toBe(before);
    dispose([theirs.value, ...theirs.grads, x, w, b]);
  });

  it('frees saved tensors and gradients as backward passes them', () => {
    // A chain of 8 ReLUs on 64 KiB activations; the first op's gradient (the last one backward runs)
    // records the bytes alive then. tfjs still holds every saved activation and every gradient.
    const x = new Rng(2).normalTensor([128, 128]);
    const probe = (seen: number[]) =>
      customGrad((t) => ({
        value: mul(t as Tensor, 1),
        gradFunc: (dy) => {
          seen.push(memory().numBytes);
          return mul(dy as Tensor, 1);
        },
      }));
    const chain = (seen: number[]) => () => {
      let h = probe(seen)(x) as Tensor;
      for (let i = 0; i < 8; i++) h = relu(add(h, 0.01));
      return sum(h);
    };
    const base = memory().numBytes;
    const seenTfjs: number[] = [];
    const theirs = tfjsGradients(chain(seenTfjs), [x]);
    dispose([theirs.value, ...theirs.grads]);
    const seenOurs: number[] = [];
    const ours = tapeGradients(chain(seenOurs), [x]);
    dispose([ours.value, ...(ours.grads as Tensor[])]);
    const size = x.size * 4;
    const tfjsLive = ((seenTfjs[0] as number) - base) / size;
    const ourLive = ((seenOurs[0] as number) - base) / size;
    expect(tfjsLive).toBeGreaterThanOrEqual(16); // 8 saved ReLU tensors and the gradients of ~16 ops
    expect(ourLive).toBeLessThanOrEqual(3);
    x.dispose();
  });

  it('never disposes a tensor a gradient function returns but did not create', async () => {
    const x = new Rng(3).normalTensor([5]);
    const captured = new Rng(4).normalTensor([5]);
    const before = memory().numTensors;
    const f = () =>
      sum(
        customGrad((t) => ({
          value: mul(t as Tensor, 3),
          gradFunc: () => captured,
        }))(x) as Tensor,
      );
    const { value, grads } = tapeGradients(f, [x]);
    expect(await (grads[0] as Tensor).data()).toEqual(await captured.data());
    dispose([value, grads[0] as Tensor]);
    expect(captured.isDisposed).toBe(false);
    expect(memory().numTensors).toBe(before);
    dispose([x, captured]);
  });

  it('defers to tfjs inside another gradient (higher order)', async () => {
    const x = new Rng(5).normalTensor([4]);
    // d/dx Σ d/dx(x³)... = Σ 6x through tfjs's grad around tapeGradients.
    const second = grad((t: Tensor) => {
      const { value, grads } = tapeGradients(() => sum(mul(mul(t, t), t)), [t]);
      value.dispose();
      return sum(grads[0] as Tensor);
    })(x);
    const expected = Array.from(await x.data(), (v) => 6 * v);
    Array.from(await second.data()).forEach((v, i) => {
      expect(v).toBeCloseTo(expected[i] as number, 4);
    });
    dispose([x, second]);
  });

  it('throws when y does not depend on xs, unless allowed, and leaks nothing', () => {
    const x = new Rng(6).normalTensor([3]);
    const y = new Rng(7).normalTensor([3]);
    const before = memory().numTensors;
    expect(() => tapeGradients(() => sum(relu(y)), [x])).toThrow(/does not depend on any of xs/);
    expect(memory().numTensors).toBe(before);
    const { value, grads } = tapeGradients(() => sum(relu(y)), [x], true);
    expect(grads).toEqual([null]);
    value.dispose();
    expect(memory().numTensors).toBe(before);
    dispose([x, y]);
  });
});
