import {
  backend,
  engine,
  getBackend,
  getKernel,
  mul,
  type NamedAttrMap,
  type NamedTensorMap,
  type Tensor,
  type Variable,
} from '@tensorflow/tfjs-core';

/** Whether the active backend has kernel `name` (convkit's fused optimizer updates: webgpu). */
export function hasKernel(name: string): boolean {
  return getKernel(name, getBackend()) !== undefined;
}

/**
 * Makes `v` the only holder of its data, so that a kernel may write it in place: when its data is
 * shared (tfjs shares it between a tensor, its clones and reshapes, and the variables made from or
 * assigned it), `v` gets a private copy. Happens once, on the first step after the sharing began.
 */
export function ownData(v: Variable): void {
  if (backend().refCount(v.dataId) <= 1) return;
  const copy = mul(v, 1); // an exact copy, −0 and NaN included
  v.assign(copy);
  copy.dispose();
}

/**
 * Runs an in-place update kernel of @convkit/backend on `written` (the variables it writes, made
 * private first by `ownData`) and `read` (inputs it only reads; one that is also written — a gradient
 * passed as its own parameter — is read from a temporary copy).
 */
export function runInPlaceKernel(
  name: string,
  written: Record<string, Variable | undefined>,
  read: Record<string, Tensor>,
  attrs: object,
): void {
  const inputs: NamedTensorMap = {};
  const writtenIds = new Set<object>();
  for (const [key, v] of Object.entries(written)) {
    if (v === undefined) continue;
    ownData(v);
    inputs[key] = v;
    writtenIds.add(v.dataId);
  }
  const copies: Tensor[] = [];
  for (const [key, t] of Object.entries(read)) {
    inputs[key] = writtenIds.has(t.dataId) ? copies[copies.push(mul(t, 1)) - 1] : t;
  }
  // The kernel returns the parameter itself (its data, one more reference): release it.
  (engine().runKernel(name, inputs, attrs as NamedAttrMap) as Tensor).dispose();
  for (const t of copies) t.dispose();
}
