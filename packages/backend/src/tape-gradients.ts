import { add, clone, engine, type NamedTensorMap, ones, type Tensor } from '@tensorflow/tfjs-core';

/** The parts of a tfjs tape node this file reads (tfjs-core's `TapeNode`, not exported). */
interface TapeNode {
  id: number;
  kernelName: string;
  inputs: NamedTensorMap;
  outputs: Tensor[];
  saved?: Tensor[];
  gradient?: (dys: (Tensor | null)[]) => Record<string, () => Tensor>;
}

/** tfjs-core's Engine members behind `engine.gradients` (private in its typings, stable in 4.x). */
interface EngineTape {
  state: { activeTape: TapeNode[] | null; gradientDepth: number };
  scopedRun<T>(start: () => void, end: () => void, f: () => T): T;
  startTape(): void;
  endTape(): void;
  tidy<T>(name: string, f: () => T): T;
  gradients(
    f: () => Tensor,
    xs: Tensor[],
    dy?: Tensor,
    allowNoGradients?: boolean,
  ): { value: Tensor; grads: (Tensor | null)[] };
}

/**
 * The nodes on a path from `xs` to `y`, inputs not computed from `xs` pruned: tfjs-core's
 * `getFilteredNodesXToY` (tape.ts), which tfjs does not export.
 */
function pathFromXsToY(tape: TapeNode[], xs: Tensor[], y: Tensor): TapeNode[] {
  const fromX = new Set(xs.map((x) => x.id));
  const nodesFromX = new Set<number>();
  for (const node of tape) {
    if (Object.values(node.inputs).some((t) => fromX.has(t.id))) {
      for (const o of node.outputs) fromX.add(o.id);
      nodesFromX.add(node.id);
    }
  }
  const toY = new Set([y.id]);
  const nodesToY = new Set<number>();
  for (let i = tape.length - 1; i >= 0; i--) {
    const node = tape[i] as TapeNode;
    if (node.outputs.some((o) => toY.has(o.id))) {
      for (const t of Object.values(node.inputs)) toY.add(t.id);
      nodesToY.add(node.id);
    }
  }
  return tape
    .filter((n) => nodesFromX.has(n.id) && nodesToY.has(n.id))
    .map((n) => ({
      ...n,
      inputs: Object.fromEntries(Object.entries(n.inputs).filter(([, t]) => fromX.has(t.id))),
    }));
}

function disposeSaved(tape: TapeNode[] | null): void {
  for (const node of tape ?? []) {
    for (const t of node.saved ?? []) t.dispose();
    node.saved = [];
  }
}

/**
 * `y = f()` and dy/dx for each of `xs`, like tfjs's `engine().gradients` (under `grad`, `grads`,
 * `variableGrads`), but freeing memory as the backward pass goes instead of at its end.
 *
 * tfjs keeps every tensor a gradient needs (the tape's `saved` tensors: conv inputs, ReLU inputs,
 * normalized activations) and the gradient of every intermediate tensor until the whole backward
 * pass is over, so its peak holds all activations *and* all their gradients. Here, once the backward
 * walk has passed a tape node, the node's saved tensors and the gradients of its outputs are disposed:
 * the live set at any point is the activations still ahead plus the gradients on the frontier, as in
 * PyTorch's autograd. Same gradient functions, same order, so the same numbers as tfjs.
 *
 * Only tensors the backward pass created are disposed: a gradient function that returns one of its
 * saved tensors, a dy, or a tensor its closure captured gets a clone in the gradient map instead.
 * Inside another gradient computation (`gradientDepth > 0`, higher-order gradients) the outer tape
 * still owns the nodes, so this defers to tfjs's `engine().gradients` unchanged.
 *
 * Returns `{ value, grads }` with `grads[i]` null when `y` does not depend on `xs[i]` (with
 * `allowNoGradients`; otherwise that throws, as in tfjs). The caller disposes both.
 *
 * @example
 * const { value, grads } = tapeGradients(() => loss(model.call(x), labels), model.trainableParameters(), true);
 */
export function tapeGradients(
  f: () => Tensor,
  xs: Tensor[],
  allowNoGradients = false,
): { value: Tensor; grads: (Tensor | null)[] } {
  const e = engine() as unknown as EngineTape;
  if (xs.length === 0) throw new Error('tapeGradients: xs is empty');
  if (e.state.gradientDepth > 0) return e.gradients(f, xs, undefined, allowNoGradients);
  try {
    const y = e.scopedRun(
      () => e.startTape(),
      () => e.endTape(),
      () => e.tidy('forward', f),
    );
    const path = pathFromXsToY(e.state.activeTape ?? [], xs, y);
    if (!allowNoGradients && path.length === 0) {
      y.dispose();
      throw new Error(
        'tapeGradients: y = f() does not depend on any of xs: make sure the ops that use them run inside f',
      );
    }
    const result = e.tidy('backward', () => backward(path, xs, y));
    return { value: y, grads: result };
  } finally {
    // The rest of the tape (nodes off the path, or all of it after a throw) is released here.
    disposeSaved(e.state.activeTape);
    e.state.activeTape = null;
  }
}

function backward(path: TapeNode[], xs: Tensor[], y: Tensor): (Tensor | null)[] {
  const seed = ones(y.shape);
  // Tensors created from here on have larger ids (tfjs numbers tensors in creation order).
  const firstOwnId = seed.id;
  const grads = new Map<number, Tensor>([[y.id, seed]]);
  const live = new Set<Tensor>([seed]);
  const results = new Set(xs.map((x) => x.id));
  /** A gradient the map may own and dispose: fresh tensors as they are, anything else cloned. */
  const owned = (dx: Tensor): Tensor => (dx.id >= firstOwnId && !live.has(dx) ? dx : clone(dx));
  const put = (id: number, t: Tensor) => {
    grads.set(id, t);
    live.add(t);
  };
  const drop = (id: number) => {
    const t = grads.get(id);
    if (t === undefined) return;
    grads.delete(id);
    live.delete(t);
    t.dispose();
  };
  for (let i = path.length - 1; i >= 0; i--) {
    const node = path[i] as TapeNode;
    if (node.gradient === undefined) {
      throw new Error(`Cannot compute gradient: gradient function not found for ${node.kernelName}.`);
    }
    const gradient = node.gradient;
    const inputs = Object.entries(node.inputs);
    // One scope per node: a gradient function may compute its input gradients eagerly (customGrad
    // does), and what it creates on the way must go now, not at the end of the whole pass.
    const dxs = engine().tidy(() => {
      const inputGradients = gradient(node.outputs.map((o) => grads.get(o.id) ?? null));
      return inputs.map(([name]) => {
        const thunk = inputGradients[name];
        if (thunk === undefined) {
          throw new Error(
            `Cannot backprop through input ${name} of ${node.kernelName}. ` +
              `Available gradients found: ${Object.keys(inputGradients)}.`,
          );
        }
        return thunk();
      });
    });
    for (const [k, [name, x]] of inputs.entries()) {
      const dx = owned(dxs[k] as Tensor);
      if (dx.dtype !== 'float32') {
        throw new Error(
          `Error in gradient for op ${node.kernelName}: the gradient of input ${name} must be float32, got ${dx.dtype}`,
        );
      }
      if (dx.shape.length !== x.shape.length || dx.shape.some((d, j) => d !== x.shape[j])) {
        throw new Error(
          `Error in gradient for op ${node.kernelName}: the gradient of input '${name}' has shape [${dx.shape}], ` +
            `input [${x.shape}]`,
        );
      }
      const current = grads.get(x.id);
      if (current === undefined) {
        put(x.id, dx);
      } else {
        const sum = add(current, dx);
        drop(x.id);
        dx.dispose();
        put(x.id, sum);
      }
    }
    // Backward is past this node: nothing upstream reads its outputs' gradients or its saved tensors.
    for (const o of node.outputs) if (!results.has(o.id)) drop(o.id);
    for (const t of node.saved ?? []) t.dispose();
    node.saved = [];
  }
  const out = xs.map((x) => grads.get(x.id) ?? null);
  for (const [id] of grads) if (!results.has(id)) drop(id);
  return out;
}
