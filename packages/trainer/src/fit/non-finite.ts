import type { NonFiniteError } from '@convkit/core';

/**
 * Thrown by `fit` (with `nonFinite: 'error'`, the default) when a step's loss or a gradient is NaN or
 * ±∞. Nothing of that step was written: the weights, the optimizer's state and the model's buffers
 * (BatchNorm's running statistics) are as they were before it.
 *
 * @example
 * try { await fit(model, train, { optimizer: new SGD(model, { lr: 10 }) }); }
 * catch (err) { if (err instanceof NonFiniteStepError) console.log(err.step, err.parameter); }
 */
export class NonFiniteStepError extends Error {
  override readonly name = 'NonFiniteStepError';
  /** The step (1-based, counting batches) whose loss or gradient was not finite. */
  readonly step: number;
  /** Its epoch, 1-based. */
  readonly epoch: number;
  /** The loss (NaN, ±Infinity, or finite when only gradients are not). */
  readonly loss: number;
  /** The first parameter (in `namedParameters()` order) whose gradient is not finite; null if none is. */
  readonly parameter: string | null;
  /** Every parameter whose gradient is not finite. */
  readonly gradients: string[];

  constructor(step: number, epoch: number, cause: NonFiniteError) {
    const lossPart = Number.isFinite(cause.loss)
      ? `the loss is finite (${cause.loss})`
      : `the loss is ${cause.loss}`;
    const gradPart =
      cause.gradients.length === 0
        ? 'every gradient is finite'
        : `${cause.gradients.length} gradient(s) are not, the first of parameter '${cause.gradients[0]}'`;
    super(
      `fit: step ${step} (epoch ${epoch}): ${lossPart} and ${gradPart}. Nothing of this step was written ` +
        "(weights, optimizer state and BatchNorm statistics are as before it). Look for a learning rate too high (findLearningRate), a log or division by 0, or NaN in the inputs; nonFinite: 'skip' skips such steps.",
    );
    this.step = step;
    this.epoch = epoch;
    this.loss = cause.loss;
    this.gradients = [...cause.gradients];
    this.parameter = cause.gradients[0] ?? null;
    this.cause = cause;
  }
}
