import {
  elu,
  leakyRelu,
  logSoftmax,
  prelu,
  relu,
  relu6,
  selu,
  softmax,
  softplus,
  tensor,
} from '@tensorflow/tfjs-core';
import { describe, it } from 'vitest';
import { Rng } from '../random';
import { expectGradient } from '../test-helpers';
import { useBackend } from '../testing/backends';

describe('activation gradients vs finite differences [cpu]', () => {
  useBackend('cpu');
  const rng = new Rng(3);
  // Away from the kinks at 0 and 6 by more than the finite-difference step.
  const kinked = () => tensor([-2, -0.5, -0.1, 0.1, 0.7, 3, 5.5, 6.5, 8], [3, 3]);

  it('relu, relu6, leakyRelu, elu, selu, softplus', () => {
    expectGradient(relu, [kinked()]);
    expectGradient(relu6, [kinked()]);
    expectGradient((x) => leakyRelu(x, 0.2), [kinked()]);
    expectGradient(elu, [kinked()]);
    expectGradient(selu, [kinked()]);
    expectGradient(softplus, [kinked()]);
  });

  it('prelu: x and a per-channel alpha', () => {
    expectGradient(prelu, [kinked(), tensor([0.1, 0.3, -0.2])]);
  });

  it('softmax, and logSoftmax (a tfjs customGrad over Max/Sub/Exp/Sum/Log kernels)', () => {
    expectGradient((x) => softmax(x), [rng.normalTensor([2, 5])]);
    expectGradient((x) => logSoftmax(x), [rng.normalTensor([2, 5])]);
  });
});
