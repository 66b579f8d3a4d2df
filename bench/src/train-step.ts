import { crossEntropy, type Module, valueAndGrads } from '@convkit/core';
import {
  add,
  backend,
  dispose,
  mul,
  scalar,
  sub,
  type Tensor,
  tidy,
  type Variable,
  variable,
  zerosLike,
} from '@tensorflow/tfjs-core';

/**
 * One training step as PyTorch's side does it (bench/torch/resnet_server.py): forward in training
 * mode, cross-entropy, backward (convkit's `valueAndGrads`), SGD with momentum 0.9 (PyTorch's form:
 * v ← μ·v + g, p ← p − lr·v). Ends with a read of the loss.
 */
export function sgdMomentum(model: Module, lr = 0.01, momentum = 0.9) {
  const params = model.namedParameters().filter(([, p]) => p.trainable);
  const velocity = new Map<string, Variable>();
  return async (x: Tensor, labels: Tensor): Promise<number> => {
    model.train();
    const { loss, grads } = valueAndGrads(model, () => crossEntropy(model.call(x), labels));
    tidy(() => {
      const mu = scalar(momentum);
      const step = scalar(lr);
      for (const [name, p] of params) {
        const g = grads[name];
        if (g === undefined) continue;
        let vel = velocity.get(name);
        if (vel === undefined) {
          vel = variable(zerosLike(p), false);
          velocity.set(name, vel);
        }
        vel.assign(add(mul(mu, vel), g));
        p.assign(sub(p, mul(step, vel)));
      }
    });
    const value = (await loss.data())[0] as number;
    dispose([loss, grads]);
    return value;
  };
}

/** Inference in evaluation mode, ending with a read of the logits. */
export async function infer(model: Module, x: Tensor): Promise<void> {
  model.eval();
  const y = model.call(x);
  await y.data();
  y.dispose();
}

/**
 * Size of the wasm backend's heap in bytes: its high-water mark, since a WebAssembly memory never
 * shrinks (allocator slack and fragmentation included). Undefined off wasm.
 */
export function wasmHeapBytes(): number | undefined {
  const b = backend() as unknown as {
    wasm?: { wasmMemory?: WebAssembly.Memory; HEAPU8?: Uint8Array };
  };
  const memory = b.wasm?.wasmMemory ?? undefined;
  return memory?.buffer.byteLength ?? b.wasm?.HEAPU8?.buffer.byteLength;
}
