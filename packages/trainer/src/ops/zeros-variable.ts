import { type Variable, variable, zeros } from '@tensorflow/tfjs-core';

/**
 * A non-trainable float32 variable of zeros shaped like `like`: an optimizer state's start. The zeros
 * come from a JavaScript array (uploaded on first use, no GPU program), and the temporary tensor is
 * freed, so the variable is the only holder of its data.
 */
export function zerosVariable(like: { shape: number[] }): Variable {
  const z = zeros(like.shape);
  const v = variable(z, false);
  z.dispose();
  return v;
}
