import {
  ClipByValue,
  cast,
  type GradConfig,
  greaterEqual,
  lessEqual,
  logicalAnd,
  logicalNot,
  mul,
  Select,
  type Tensor,
} from '@tensorflow/tfjs-core';
import { zeroGrad } from './util';

/** where(c, t, e) → t: dy where c, e: dy where not c; the condition gets zero. */
export const selectGrad: GradConfig = {
  kernelName: Select,
  inputsToSave: ['condition'],
  gradFunc: (dy, [c]) => {
    // tfjs's where() broadcasts condition, t and e to one shape before the kernel: all are dy's shape.
    const cond = c as Tensor;
    const g = dy as Tensor;
    return {
      condition: zeroGrad(cond.shape),
      t: () => mul(g, cast(cond, 'float32')),
      e: () => mul(g, cast(logicalNot(cond), 'float32')),
    };
  },
};

/** clipByValue(x, lo, hi) → dy where lo ≤ x ≤ hi (pass-through at the bounds, as TensorFlow). */
export const clipByValueGrad: GradConfig = {
  kernelName: ClipByValue,
  inputsToSave: ['x'],
  gradFunc: (dy, [x], attrs) => {
    const inside = () =>
      logicalAnd(
        greaterEqual(x as Tensor, attrs.clipValueMin as number),
        lessEqual(x as Tensor, attrs.clipValueMax as number),
      );
    return { x: () => mul(dy as Tensor, cast(inside(), 'float32')) };
  },
};

export const selectGradients: GradConfig[] = [selectGrad, clipByValueGrad];
