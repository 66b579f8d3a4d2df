import { Rng } from '@convkit/backend';
import { testKernelCoverage } from '@convkit/backend/testing';
import { ModuleRegistry } from '@convkit/core';
import { grad, mul, sum, type Tensor } from '@tensorflow/tfjs-core';
import { BatchNorm, BatchNorm1d, BatchNorm2d } from './batch-norm';
import { createNorm, normNames } from './create-norm';
import { GroupNorm } from './group-norm';
import { InstanceNorm2d } from './instance-norm';
import { LayerNorm, LayerNorm2d } from './layer-norm';
import { moments, normalizeWith } from './ops/moments';
import { registerNorms } from './registry';

// Every kernel the norms use, in training (batch statistics, running-stat updates) and evaluation
// (running statistics), forward and backward, must exist on every backend and have a gradient.

const modes = [
  ['train', true],
  ['eval', false],
] as const;
const img = [2, 4, 3, 6];

testKernelCoverage({
  name: 'norms',
  classes: registerNorms(new ModuleRegistry()).names(),
  cases: [
    ...modes.flatMap(([mode, train]) => [
      { name: `BatchNorm ${mode}`, module: () => new BatchNorm({ numFeatures: 6 }), input: [2, 3, 6], train },
      {
        name: `BatchNorm1d ${mode}`,
        module: () => new BatchNorm1d({ numFeatures: 6 }),
        input: [4, 6],
        train,
      },
      {
        name: `BatchNorm1d [N, L, C] ${mode}`,
        module: () => new BatchNorm1d({ numFeatures: 6 }),
        input: [2, 3, 6],
        train,
      },
      { name: `BatchNorm2d ${mode}`, module: () => new BatchNorm2d({ numFeatures: 6 }), input: img, train },
      {
        name: `BatchNorm2d momentum null, no affine ${mode}`,
        module: () => new BatchNorm2d({ numFeatures: 6, momentum: null, affine: false }),
        input: img,
        train,
      },
      {
        name: `BatchNorm2d untracked ${mode}`,
        module: () => new BatchNorm2d({ numFeatures: 6, trackRunningStats: false }),
        input: img,
        train,
      },
      {
        name: `InstanceNorm2d ${mode}`,
        module: () => new InstanceNorm2d({ numFeatures: 6 }),
        input: img,
        train,
      },
      {
        name: `InstanceNorm2d affine, tracked ${mode}`,
        module: () => new InstanceNorm2d({ numFeatures: 6, affine: true, trackRunningStats: true }),
        input: img,
        train,
      },
      {
        name: `LayerNorm ${mode}`,
        module: () => new LayerNorm({ normalizedShape: 6 }),
        input: [2, 3, 6],
        train,
      },
      {
        name: `LayerNorm [H, W, C] no bias ${mode}`,
        module: () => new LayerNorm({ normalizedShape: [4, 3, 6], bias: false }),
        input: img,
        train,
      },
      {
        name: `LayerNorm no affine ${mode}`,
        module: () => new LayerNorm({ normalizedShape: 6, elementwiseAffine: false }),
        input: [2, 6],
        train,
      },
      { name: `LayerNorm2d ${mode}`, module: () => new LayerNorm2d({ numChannels: 6 }), input: img, train },
      {
        name: `GroupNorm ${mode}`,
        module: () => new GroupNorm({ numGroups: 3, numChannels: 6 }),
        input: img,
        train,
      },
      {
        name: `GroupNorm no affine ${mode}`,
        module: () => new GroupNorm({ numGroups: 2, numChannels: 6, affine: false }),
        input: img,
        train,
      },
      ...normNames.map((norm) => ({
        name: `createNorm('${norm}') ${mode}`,
        module: () => createNorm(norm, 6, { numGroups: 2 }),
        input: img,
        train,
      })),
    ]),
    {
      name: 'moments + normalizeWith',
      run: (taped) => {
        const r = new Rng(4).normalTensor(img);
        grad((x: Tensor) => {
          const { mean, variance } = moments(x, [0, 1, 2]);
          const y = sum(mul(normalizeWith(x, mean, variance, 1e-5), r));
          taped([x], y);
          return y;
        })(new Rng(3).normalTensor(img));
      },
    },
  ],
});
