import { initBackend, Rng } from '@convkit/backend';
import { Conv2d, type Module } from '@convkit/core';
import {
  add,
  clone,
  customGrad,
  dispose,
  mean,
  mul,
  rsqrt,
  type Scalar,
  square,
  sub,
  sum,
  type Tensor,
  type Variable,
  variable,
  variableGrads,
} from '@tensorflow/tfjs-core';
import { BatchNorm2d, GroupNorm, InstanceNorm2d, LayerNorm, LayerNorm2d } from '../src/index';

/** One timing: median milliseconds of a forward + backward (input and parameter gradients). */
export interface NormBenchRow {
  backend: string;
  layer: string;
  ms: number;
  /** ms relative to the 3×3 conv 64→64 on the same activation and backend. */
  vsConv: number;
}

/** Options of {@link benchNorms}. */
export interface NormBenchOptions {
  /** Default ['cpu', 'wasm', 'webgpu']; unavailable ones are reported and skipped. */
  backends?: string[];
  /** NHWC activation. Default [32, 32, 32, 64]. */
  shape?: [number, number, number, number];
  /** Timed iterations per layer (after 2 warm-ups). Default 5. */
  iterations?: number;
  log?: (line: string) => void;
}

/** BatchNorm by autodiff through the formula (no closed-form gradient): the reference the custom gradient beats. */
class AutodiffBatchNorm extends BatchNorm2d {
  override forward(x: Tensor): Tensor {
    const axes = [0, 1, 2];
    const d = sub(x, mean(x, axes, true));
    const y = mul(d, rsqrt(add(mean(square(d), axes, true), this.eps)));
    return add(mul(y, this.weight as Tensor), this.bias as Tensor);
  }
}

/**
 * Times forward + backward of each norm on one activation, per backend, against the 3×3 conv 64→64
 * that precedes it in a ResNet stage. Loss Σ y·r; gradients w.r.t. the input and every parameter.
 *
 * @example
 * const rows = await benchNorms({ backends: ['wasm'], iterations: 3 });
 */
export async function benchNorms(options: NormBenchOptions = {}): Promise<NormBenchRow[]> {
  const shape = options.shape ?? [32, 32, 32, 64];
  const [, h, w, c] = shape;
  const iterations = options.iterations ?? 5;
  const log = options.log ?? (() => {});
  const layers: [string, () => Module][] = [
    [`Conv2d 3×3 ${c}→${c}`, () => new Conv2d({ inChannels: c, outChannels: c, kernelSize: 3, padding: 1 })],
    ['BatchNorm2d', () => new BatchNorm2d({ numFeatures: c })],
    ['BatchNorm2d (autodiff ref.)', () => new AutodiffBatchNorm({ numFeatures: c })],
    ['LayerNorm [H, W, C]', () => new LayerNorm({ normalizedShape: [h, w, c] })],
    ['LayerNorm2d', () => new LayerNorm2d({ numChannels: c })],
    ['InstanceNorm2d (affine)', () => new InstanceNorm2d({ numFeatures: c, affine: true })],
    ['GroupNorm G=32', () => new GroupNorm({ numGroups: Math.min(32, c), numChannels: c })],
  ];
  const rows: NormBenchRow[] = [];
  for (const backend of options.backends ?? ['cpu', 'wasm', 'webgpu']) {
    try {
      await initBackend({ backend, strict: true });
    } catch (err) {
      log(`${backend}: unavailable (${err instanceof Error ? err.message : String(err)})`);
      continue;
    }
    const rng = new Rng(0);
    const x0 = rng.normalTensor(shape);
    const x = variable(x0);
    const r = rng.normalTensor(shape);
    x0.dispose();
    // Σ y·r whose gradient is r itself: a plain sum's gradient broadcasts a scalar to the full map
    // (a Tile, 0.4–0.8 s on wasm here), which would swamp the layers being timed.
    const loss = customGrad((...args) => {
      const y = args[0] as Tensor;
      return { value: sum(mul(y, r)), gradFunc: () => clone(r) };
    });
    let convMs = Number.NaN;
    for (const [name, make] of layers) {
      const m = make();
      const vars: Variable[] = [x, ...m.trainableParameters()];
      const step = async () => {
        const { value, grads } = variableGrads(() => loss(m.call(x)) as Scalar, vars);
        await grads[x.name].data(); // waits for the device
        dispose([value, grads]);
      };
      for (let i = 0; i < 2; i++) await step();
      const times: number[] = [];
      for (let i = 0; i < iterations; i++) {
        const t0 = performance.now();
        await step();
        times.push(performance.now() - t0);
      }
      m.dispose();
      const ms = times.sort((a, b) => a - b)[Math.floor(times.length / 2)];
      if (Number.isNaN(convMs)) convMs = ms;
      rows.push({ backend, layer: name, ms, vsConv: ms / convMs });
      log(
        `${backend.padEnd(7)} ${name.padEnd(28)} ${ms.toFixed(1).padStart(9)} ms  ${(ms / convMs).toFixed(2)}× conv`,
      );
    }
    dispose([x, r]);
  }
  return rows;
}
