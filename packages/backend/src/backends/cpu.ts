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
  },
};
