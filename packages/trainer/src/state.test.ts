import { useBackend } from '@convkit/backend/testing';
import { dispose, tensor } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { joinTensors, splitTensors } from './state';

describe('splitTensors / joinTensors', () => {
  useBackend('cpu');

  it('round-trips a record through JSON: tensors by path, non-finite numbers kept', () => {
    const a = tensor([1, 2]);
    const b = tensor([3]);
    const record = {
      version: 1,
      state: { 'conv.weight': { step: 3, expAvg: a }, 'odd/name~x': { m: b } },
      groups: [{ lr: 0.1, betas: [0.9, 0.999] }],
      best: Number.POSITIVE_INFINITY,
      worst: Number.NEGATIVE_INFINITY,
      missing: Number.NaN,
      none: null,
    };
    const { json, tensors } = splitTensors(record);
    expect(Object.keys(tensors)).toEqual(['state/conv.weight/expAvg', 'state/odd~1name~0x/m']);
    expect(tensors['state/conv.weight/expAvg']).toBe(a);
    const back = joinTensors(JSON.parse(JSON.stringify(json)), tensors);
    expect(back).toEqual(record);
    expect((back as typeof record).state['conv.weight'].expAvg).toBe(a);
    dispose([a, b]);
  });

  it('names a missing tensor and refuses what JSON cannot hold', () => {
    expect(() => joinTensors({ t: { $tensor: 'x' } }, {})).toThrow(
      /joinTensors: no tensor 'x' among the 0 given/,
    );
    expect(() => splitTensors({ f: () => 1 })).toThrow(/splitTensors: f is a function/);
  });
});
