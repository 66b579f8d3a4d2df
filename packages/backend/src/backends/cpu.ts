import { findBackend } from '@tensorflow/tfjs-core';
import type { Backend } from '../backend';
import { cpuKernels } from '../kernels';
import { errorMessage, loadPackage } from './load';

const packageName = '@tensorflow/tfjs-backend-cpu';
const load = () => loadPackage('cpu', packageName, () => import('@tensorflow/tfjs-backend-cpu'));

/** Plain JavaScript backend: runs everywhere, slowest; the reference the others are tested against. */
export const cpuBackend: Backend = {
  specificationVersion: 1,
  name: 'cpu',
  priority: 1,
  kernels: cpuKernels,
  async isAvailable() {
    try {
      await load();
      return { available: true };
    } catch (err) {
      return { available: false, reason: errorMessage(err) };
    }
  },
  async init() {
    await load();
    quietNodeBanner();
  },
};

/**
 * tfjs-backend-cpu prints "Hi, looks like you are running TensorFlow.js in Node.js ... install our node
 * backend" (tfjs-node) on its first tensor in Node, to every user, on every run. convkit does not run on
 * tfjs-node, so the advice does not apply: clear the instance's `firstUse` flag that triggers it
 * (tfjs-backend-cpu 4.22; other tfjs warnings are left alone).
 */
function quietNodeBanner(): void {
  const instance = findBackend('cpu') as { firstUse?: unknown } | null;
  if (instance !== null && typeof instance.firstUse === 'boolean') instance.firstUse = false;
}
