import { checkNumber } from '@convkit/backend';

/** The nonlinearities `calculateGain` knows (PyTorch's names in camelCase). */
export const NONLINEARITIES = [
  'linear',
  'conv1d',
  'conv2d',
  'conv3d',
  'convTranspose1d',
  'convTranspose2d',
  'convTranspose3d',
  'sigmoid',
  'tanh',
  'relu',
  'leakyRelu',
  'selu',
] as const;

/** A nonlinearity name accepted by `calculateGain` and the Kaiming initializers. */
export type Nonlinearity = (typeof NONLINEARITIES)[number];

/**
 * The recommended gain for a nonlinearity, as `torch.nn.init.calculate_gain`.
 *
 * | nonlinearity                          | gain              |
 * |---------------------------------------|-------------------|
 * | linear, conv{1,2,3}d, convTranspose{1,2,3}d, sigmoid | 1  |
 * | tanh                                  | 5/3               |
 * | relu                                  | √2                |
 * | leakyRelu (negative slope `param`, default 0.01) | √(2/(1+param²)) |
 * | selu                                  | 3/4               |
 *
 * `param` is read by leakyRelu only (as in PyTorch).
 *
 * @example
 * calculateGain('relu');          // 1.4142…
 * calculateGain('leakyRelu', 0.2); // 1.3867…
 */
export function calculateGain(nonlinearity: Nonlinearity, param?: number): number {
  switch (nonlinearity) {
    case 'linear':
    case 'conv1d':
    case 'conv2d':
    case 'conv3d':
    case 'convTranspose1d':
    case 'convTranspose2d':
    case 'convTranspose3d':
    case 'sigmoid':
      return 1;
    case 'tanh':
      return 5 / 3;
    case 'relu':
      return Math.SQRT2;
    case 'leakyRelu': {
      const slope = param === undefined ? 0.01 : checkNumber('calculateGain', 'negative slope', param);
      return Math.sqrt(2 / (1 + slope * slope));
    }
    case 'selu':
      return 3 / 4;
    default:
      throw new Error(`calculateGain: ${unknownNonlinearity(nonlinearity)}`);
  }
}

/** The error text for an unknown nonlinearity, with a hint for PyTorch's snake_case names. */
export function unknownNonlinearity(name: unknown): string {
  const camel =
    typeof name === 'string' ? name.replace(/_([a-z0-9])/g, (_, c: string) => c.toUpperCase()) : '';
  const hint =
    camel !== name && (NONLINEARITIES as readonly string[]).includes(camel)
      ? ` (did you mean '${camel}'?)`
      : '';
  return `unknown nonlinearity '${String(name)}'${hint}; known: ${NONLINEARITIES.join(', ')}`;
}
