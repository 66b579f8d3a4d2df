import { Rng } from '@convkit/backend';
import { type Taped, testKernelCoverage } from '@convkit/backend/testing';
import { ModuleRegistry } from '@convkit/core';
import { grad, type Tensor, tensor1d, tensor2d, tensor3d, variable } from '@tensorflow/tfjs-core';
import { AlphaDropout } from './alpha-dropout';
import { DropPath } from './drop-path';
import { Dropout } from './dropout';
import { labelSmoothingCrossEntropy } from './label-smoothing';
import { registerRegularization } from './registry';
import { SpatialDropout2d } from './spatial-dropout';
import { applyWeightDecay } from './weight-decay';

// Every kernel the regularizers use, forward and backward, must exist on every backend and have a
// gradient. Training mode is where the masks are drawn; eval mode (identity or ×(1−p)) is covered too.

const modes = [
  ['train', true],
  ['eval', false],
] as const;
const img = [4, 3, 3, 5];

/** Gradient of a label-smoothed loss with respect to `logits` of `shape`. */
const smoothed =
  (shape: number[], labels: () => Tensor, smoothing: number, reduction: 'mean' | 'sum' = 'mean') =>
  (taped: Taped) => {
    const t = labels();
    grad((z: Tensor) => {
      const y = labelSmoothingCrossEntropy(z, t, smoothing, { reduction });
      taped([z], y);
      return y;
    })(new Rng(3).normalTensor(shape));
  };

testKernelCoverage({
  name: 'regularization',
  classes: registerRegularization(new ModuleRegistry()).names(),
  cases: [
    ...modes.flatMap(([mode, train]) => [
      { name: `Dropout inverted ${mode}`, module: () => new Dropout({ p: 0.3, rng: 1 }), input: img, train },
      {
        name: `Dropout test-time ${mode}`,
        module: () => new Dropout({ p: 0.3, scaling: 'test-time', rng: 1 }),
        input: img,
        train,
      },
      { name: `Dropout p=1 ${mode}`, module: () => new Dropout({ p: 1, rng: 1 }), input: img, train },
      {
        name: `Dropout test-time p=1 ${mode}`,
        module: () => new Dropout({ p: 1, scaling: 'test-time', rng: 1 }),
        input: img,
        train,
      },
      {
        name: `SpatialDropout2d ${mode}`,
        module: () => new SpatialDropout2d({ p: 0.4, rng: 1 }),
        input: img,
        train,
      },
      { name: `DropPath ${mode}`, module: () => new DropPath({ p: 0.5, rng: 1 }), input: img, train },
      {
        name: `DropPath no rescale ${mode}`,
        module: () => new DropPath({ p: 0.5, scaleByKeep: false, rng: 1 }),
        input: [4, 5],
        train,
      },
      { name: `AlphaDropout ${mode}`, module: () => new AlphaDropout({ p: 0.2, rng: 1 }), input: img, train },
      {
        name: `AlphaDropout p=1 ${mode}`,
        module: () => new AlphaDropout({ p: 1, rng: 1 }),
        input: img,
        train,
      },
    ]),
    {
      name: 'labelSmoothingCrossEntropy index labels',
      run: smoothed([4, 5], () => tensor1d([0, 3, 4, 1], 'int32'), 0.1),
    },
    {
      name: 'labelSmoothingCrossEntropy targets, sum',
      run: smoothed(
        [2, 3],
        () =>
          tensor2d([
            [0, 1, 0],
            [0.5, 0.5, 0],
          ]),
        0.2,
        'sum',
      ),
    },
    {
      name: 'labelSmoothingCrossEntropy per pixel',
      run: smoothed([2, 2, 2, 3], () => tensor3d([0, 1, 2, 2, 1, 0, 0, 2], [2, 2, 2], 'int32'), 0.1),
    },
    {
      name: 'labelSmoothingCrossEntropy ε = 0',
      run: smoothed([4, 5], () => tensor1d([0, 3, 4, 1], 'int32'), 0),
    },
    ...(['l2', 'decoupled'] as const).map((mode) => ({
      name: `applyWeightDecay ${mode} (no gradient needed)`,
      run: () => {
        const w = variable(new Rng(6).normalTensor([3, 2]));
        applyWeightDecay({ w: new Rng(7).normalTensor([3, 2]) }, { w }, { mode, weightDecay: 0.1, lr: 0.1 });
        w.dispose();
      },
    })),
  ],
});
