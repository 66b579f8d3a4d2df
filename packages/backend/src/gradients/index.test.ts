import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { Rng } from '../random';
import { convkitGradients, registerGradients } from '.';
import * as activations from './activations';
import * as arithmetic from './arithmetic';
import * as conv from './conv';
import * as image from './image';
import * as matmul from './matmul';
import * as normalization from './normalization';
import * as pool from './pool';
import * as reductions from './reductions';
import * as select from './select';
import * as shape from './shape';
import * as slicing from './slicing';
import * as unary from './unary';
import * as zero from './zero';

const kernelNames = new Set(Object.values(tf).filter((v) => typeof v === 'string') as string[]);

describe('convkitGradients', () => {
  it('one GradConfig per real tfjs kernel name', () => {
    const names = convkitGradients.map((g) => g.kernelName);
    expect(new Set(names).size).toBe(names.length);
    for (const n of names) expect(kernelNames.has(n), n).toBe(true);
    expect(names.length).toBeGreaterThan(80);
  });

  it('each gradient is exported as <kernelName>Grad from one family file, so grep finds its home', () => {
    const families = { activations, arithmetic, conv, image, matmul, normalization, pool, reductions };
    const all = { ...families, select, shape, slicing, unary, zero };
    const homes = new Map<tf.GradConfig, string[]>();
    for (const [file, exports] of Object.entries(all)) {
      for (const [name, value] of Object.entries(exports)) {
        if (Array.isArray(value) || typeof value !== 'object' || !('gradFunc' in value)) continue;
        const config = value as tf.GradConfig;
        expect(name.toLowerCase(), `${file}.ts exports ${name}`).toBe(
          `${config.kernelName.toLowerCase()}grad`,
        );
        homes.set(config, [...(homes.get(config) ?? []), `${file}.ts`]);
      }
    }
    const unnamed = convkitGradients.filter((g) => homes.get(g)?.length !== 1).map((g) => g.kernelName);
    expect(unnamed, 'gradients without exactly one named export').toEqual([]);
  });

  it('registerGradients replaces a gradient registered before it (e.g. by tfjs ESM) and is idempotent', () => {
    const foreign: tf.GradConfig = { kernelName: tf.Relu, gradFunc: () => ({}) };
    tf.registerGradient(foreign);
    registerGradients();
    registerGradients();
    const ours = convkitGradients.find((g) => g.kernelName === tf.Relu);
    expect(tf.getGradient(tf.Relu)).toBe(ours);
  });
});

/** Kernels a forward pass runs that never need a gradient (no differentiable input). */
const names = { c1: 0, dw: 0, pw: 0, c2: 0, gamma: 0, beta: 0, alpha: 0, up: 0, emb: 0, w: 0, b: 0 };
const sources = new Set([tf.Fill, tf.Range]);

describe('a conv net forward pass only uses kernels with gradients [cpu]', () => {
  const rng = new Rng(12);
  const v = (shape: number[], std = 0.3) => tf.variable(rng.normalTensor(shape, 0, std));
  let params: Record<string, tf.Variable> = {};
  let x: tf.Tensor;
  let labels: tf.Tensor;
  let tokens: tf.Tensor;
  beforeAll(async () => {
    await initBackend({ backend: 'cpu', strict: true });
    params = {
      c1: v([3, 3, 3, 8]),
      dw: v([3, 3, 8, 1]),
      pw: v([1, 1, 8, 8]),
      c2: v([3, 3, 8, 8]),
      gamma: tf.variable(tf.ones([8])),
      beta: tf.variable(tf.zeros([8])),
      alpha: v([8]),
      up: v([2, 2, 8, 8]),
      emb: v([10, 4]),
      w: v([8 * 2 * 2 + 4, 5]),
      b: v([5]),
    };
    x = rng.uniformTensor([2, 9, 9, 3], -1, 1);
    labels = tf.oneHot(tf.tensor1d([1, 4], 'int32'), 5);
    tokens = tf.tensor1d([3, 7], 'int32');
  });

  const loss = () => {
    const p = params as Record<keyof typeof names, tf.Variable>;
    let h: tf.Tensor = tf.conv2d(x as tf.Tensor4D, p.c1 as tf.Tensor4D, 1, 'same');
    const { mean, variance } = tf.moments(h, [0, 1, 2]);
    h = tf.batchNorm(h, mean, variance, p.beta, p.gamma, 1e-5);
    h = tf.relu(h);
    h = tf.separableConv2d(h as tf.Tensor4D, p.dw as tf.Tensor4D, p.pw as tf.Tensor4D, 1, 'same', 2);
    h = tf.prelu(h, p.alpha);
    h = tf.mirrorPad(
      h,
      [
        [0, 0],
        [1, 1],
        [1, 1],
        [0, 0],
      ],
      'reflect',
    );
    h = tf.conv2d(h as tf.Tensor4D, p.c2 as tf.Tensor4D, 2, 'valid', 'NHWC', 1);
    h = tf.add(tf.elu(h), tf.mul(tf.leakyRelu(h, 0.1), tf.sigmoid(h)));
    h = tf.maxPool(h as tf.Tensor4D, 2, 2, 'same');
    h = tf.conv2dTranspose(h as tf.Tensor4D, p.up as tf.Tensor4D, [2, 6, 6, 8], 2, 'same');
    h = tf.avgPool(h as tf.Tensor4D, 3, 3, 'same');
    h = tf.clipByValue(tf.relu6(h), 0, 5);
    h = tf.where(tf.greater(h, 0.01), h, tf.mul(h, 0.5));
    const keep = tf.cast(tf.greaterEqual(tf.randomUniform(h.shape, 0, 1, 'float32', 1), 0.1), 'float32');
    h = tf.div(tf.mul(h, keep), 0.9);
    const flat = tf.concat([tf.reshape(h, [2, -1]), tf.gather(p.emb, tokens)], 1);
    const logits = tf.add(tf.matMul(flat, p.w), p.b);
    const ce = tf.losses.softmaxCrossEntropy(labels, logits);
    const mse = tf.losses.meanSquaredError(labels, tf.softmax(logits));
    const decay = tf.addN(Object.values(p).map((t) => tf.sum(tf.square(t))));
    const extra = tf.mean(tf.sqrt(tf.add(tf.square(tf.tanh(logits)), 1e-3)));
    return tf.add(tf.add(ce, mse), tf.add(tf.mul(decay, 1e-4), extra)) as tf.Scalar;
  };

  it('every kernel it runs has a registered gradient', async () => {
    const info = await tf.profile(() => loss());
    const ran = [...new Set(info.kernelNames)];
    // Names that are not kernels are tfjs customGrad scopes (e.g. softmaxCrossEntropy__op): they carry
    // their own gradient.
    const kernels = ran.filter((k) => kernelNames.has(k));
    expect(kernels.length).toBeGreaterThan(30);
    const missing = kernels.filter((k) => !sources.has(k) && tf.getGradient(k) === undefined);
    expect(missing).toEqual([]);
  });

  it('variableGrads gives finite gradients for every parameter, leaking nothing', () => {
    const before = tf.memory().numTensors;
    const { value, grads } = tf.variableGrads(loss);
    expect(Object.keys(grads).length).toBe(Object.keys(params).length);
    for (const [name, g] of Object.entries(grads)) {
      const d = g.dataSync();
      expect(d.every(Number.isFinite), name).toBe(true);
      expect(
        d.some((e) => e !== 0),
        name,
      ).toBe(true);
    }
    tf.dispose([value, ...Object.values(grads)]);
    expect(tf.memory().numTensors).toBe(before);
  });

  it('tfjs fused ops (customGrad) train too: fused.matMul and fused.conv2d, linear and relu', () => {
    const a = v([2, 3]);
    const b = v([3, 4]);
    const f = v([3, 3, 3, 2]);
    for (const activation of ['linear', 'relu'] as const) {
      const { grads } = tf.variableGrads(
        () =>
          tf.add(
            tf.sum(tf.fused.matMul({ a, b, activation })),
            tf.sum(
              tf.fused.conv2d({
                x: x as tf.Tensor4D,
                filter: f as tf.Tensor4D,
                strides: 1,
                pad: 'same',
                activation,
              }),
            ),
          ) as tf.Scalar,
        [a, b, f],
      );
      expect(Object.keys(grads).length).toBe(3);
      tf.dispose(Object.values(grads));
    }
  });
});
