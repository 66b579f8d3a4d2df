import { describe, expect, it } from 'vitest';
import { calculateGain, NONLINEARITIES, type Nonlinearity } from './gain';

describe('calculateGain', () => {
  it('matches torch.nn.init.calculate_gain', () => {
    for (const n of ['linear', 'conv1d', 'conv2d', 'conv3d', 'convTranspose2d', 'sigmoid'] as const) {
      expect(calculateGain(n)).toBe(1);
    }
    expect(calculateGain('tanh')).toBeCloseTo(5 / 3, 15);
    expect(calculateGain('relu')).toBeCloseTo(Math.SQRT2, 15);
    expect(calculateGain('selu')).toBe(0.75);
    expect(calculateGain('leakyRelu')).toBeCloseTo(Math.sqrt(2 / (1 + 0.01 ** 2)), 15);
    expect(calculateGain('leakyRelu', 0)).toBeCloseTo(Math.SQRT2, 15);
    expect(calculateGain('leakyRelu', Math.sqrt(5))).toBeCloseTo(Math.sqrt(1 / 3), 15);
  });

  it('ignores param except for leakyRelu, as PyTorch does', () => {
    expect(calculateGain('relu', 0.3)).toBeCloseTo(Math.SQRT2, 15);
  });

  it('throws on unknown names, with a hint for snake_case', () => {
    expect(() => calculateGain('swish' as Nonlinearity)).toThrow(
      /unknown nonlinearity 'swish'.*known: linear/,
    );
    expect(() => calculateGain('leaky_relu' as Nonlinearity)).toThrow(/did you mean 'leakyRelu'/);
    expect(() => calculateGain('leakyRelu', Number.NaN)).toThrow(/negative slope/);
    expect(NONLINEARITIES).toContain('convTranspose3d');
  });
});
