// One training step of a tiny CNN, shared by scripts/bundle-check.mjs (Node bundles) and
// scripts/browser-check.mjs (a browser bundle). It imports nothing: the bundled entry imports
// convkit and tfjs-core by package name, as a user's code would, and passes them in as `lib`.

/**
 * Starts `backend` with `initBackend({ backend, strict: true })`, then takes one SGD step of
 * conv(1→4, 3×3, no bias) → batchnorm → relu → maxpool 2 → flatten → linear(64→3) on a fixed [2, 8, 8, 1]
 * batch (in training mode: batch statistics; on webgpu through convkit's fused norm kernels).
 * Returns `{ backend, available, report, loss, lossAfter, grads, problems }`; `available` is false
 * (and `problems` empty) when the backend could not start, with the reason in `error`.
 */
export async function trainStep(lib, backend, initOptions = {}) {
  const { tf } = lib;
  let report;
  try {
    report = await lib.initBackend({ ...initOptions, backend, strict: true });
  } catch (err) {
    return {
      backend,
      available: false,
      error: err instanceof Error ? err.message : String(err),
      problems: [],
    };
  }
  const problems = [];
  const before = tf.memory().numTensors;
  const model = new lib.Sequential(
    // No conv bias before a BatchNorm (its gradient is zero in exact arithmetic), as in ResNets.
    new lib.Conv2d({ inChannels: 1, outChannels: 4, kernelSize: 3, padding: 1, bias: false, rng: 1 }),
    new lib.BatchNorm2d({ numFeatures: 4 }),
    new lib.ReLU(),
    new lib.MaxPool2d({ kernelSize: 2 }),
    new lib.Flatten(),
    new lib.Linear({ inFeatures: 64, outFeatures: 3, rng: 2 }),
  );
  const x = tf.tensor4d(
    Array.from({ length: 128 }, (_, i) => Math.sin(0.7 * i)),
    [2, 8, 8, 1],
  );
  const y = tf.tensor1d([0, 2], 'int32');
  const lossFn = () => lib.crossEntropy(model.call(x), y);
  const result = { backend, available: true, report: lib.formatReport(report), grads: {}, problems };
  try {
    if (tf.getBackend() !== backend) problems.push(`active tfjs backend is ${tf.getBackend()}`);
    const { loss, grads } = lib.valueAndGrads(model, lossFn);
    result.loss = (await loss.data())[0];
    if (!Number.isFinite(result.loss)) problems.push(`loss is ${result.loss}`);
    const params = new Map(model.namedParameters());
    for (const [name, p] of params) {
      const g = grads[name];
      if (g === undefined) {
        problems.push(`no gradient for ${name}`);
        continue;
      }
      if (g.shape.join() !== p.shape.join()) problems.push(`gradient of ${name} has shape [${g.shape}]`);
      const data = await g.data();
      // The L2 norm is printed so a run can be compared across backends by eye.
      result.grads[name] = Math.sqrt(data.reduce((s, v) => s + v * v, 0));
      if (!data.every(Number.isFinite)) problems.push(`gradient of ${name} is not finite`);
      else if (!data.some((v) => v !== 0)) problems.push(`gradient of ${name} is all zero`);
    }
    // A small step along -grad must lower a smooth loss: the gradients point the right way.
    lib.sgdStep(model, grads, 0.05);
    tf.dispose([loss, ...Object.values(grads)]);
    const after = lib.tf.tidy(lossFn);
    result.lossAfter = (await after.data())[0];
    after.dispose();
    if (!(result.lossAfter < result.loss)) {
      problems.push(`loss did not decrease after one step: ${result.loss} -> ${result.lossAfter}`);
    }
  } catch (err) {
    problems.push(err instanceof Error ? (err.stack ?? err.message) : String(err));
  } finally {
    tf.dispose([x, y]);
    model.dispose();
  }
  const leaked = tf.memory().numTensors - before;
  if (leaked !== 0) problems.push(`${leaked} tensor(s) leaked`);
  return result;
}

/**
 * Differences between `result` and `reference` (another backend's result of the same step): the
 * same seeds give the same weights everywhere, so losses and gradient norms must agree to float32
 * accuracy; `rtol` 1e-3 leaves room for a different summation order on GPUs.
 */
export function disagreements(result, reference, rtol = 1e-3) {
  const out = [];
  const close = (a, b) => Math.abs(a - b) <= rtol * Math.max(1, Math.abs(b));
  for (const key of ['loss', 'lossAfter']) {
    if (!close(result[key], reference[key])) {
      out.push(`${key} ${result[key]} differs from ${reference.backend}'s ${reference[key]}`);
    }
  }
  for (const [name, norm] of Object.entries(reference.grads)) {
    const own = result.grads[name];
    if (own !== undefined && !close(own, norm)) {
      out.push(`|grad ${name}| ${own} differs from ${reference.backend}'s ${norm}`);
    }
  }
  return out;
}
