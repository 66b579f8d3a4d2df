import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { draw } from '../test-helpers';
import { constant, ones, zeros } from './constant';

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

describe('zeros / ones / constant', () => {
  it('fill a float32 tensor of the given shape', () => {
    const z = draw(() => zeros([2, 3]));
    expect(z.shape).toEqual([2, 3]);
    expect(z.dtype).toBe('float32');
    expect([...z.data]).toEqual([0, 0, 0, 0, 0, 0]);
    expect([...draw(() => ones([4], 7)).data]).toEqual([1, 1, 1, 1]);
    expect([...draw(() => constant([2, 2], 0, { value: -0.5 })).data]).toEqual([-0.5, -0.5, -0.5, -0.5]);
    expect([...draw(() => constant([2])).data]).toEqual([0, 0]);
    expect(draw(() => ones([])).shape).toEqual([]);
  });

  it('validate shape, value and options', () => {
    expect(() => zeros([2, -3])).toThrow(/zeros: shape/);
    expect(() => constant([2], 0, { value: Number.NaN })).toThrow(/value must be a finite number/);
    expect(() => constant([2], 0, { valeu: 1 } as object)).toThrow(
      /unknown option 'valeu'; known options: value/,
    );
    expect(() => ones([2], 0, { value: 1 })).toThrow(/ones: unknown option 'value'/);
  });
});
