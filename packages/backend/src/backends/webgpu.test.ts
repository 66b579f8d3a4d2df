import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type GpuLike, installNavigatorGpu } from './webgpu';

const gpu: GpuLike = { requestAdapter: async () => null };
const g = globalThis as { navigator?: { gpu?: GpuLike; userAgent?: string } };
const nav = () => g.navigator;

describe('installNavigatorGpu', () => {
  let saved: PropertyDescriptor | undefined;
  beforeEach(() => {
    saved = Object.getOwnPropertyDescriptor(globalThis, 'navigator');
  });
  afterEach(() => {
    if (saved === undefined) delete g.navigator;
    else Object.defineProperty(globalThis, 'navigator', saved);
  });

  it('creates navigator when there is none (Node 20)', () => {
    delete g.navigator;
    installNavigatorGpu(gpu);
    expect(nav()?.gpu).toBe(gpu);
  });

  it('adds gpu to an existing navigator, keeping its other fields (Node 21+)', () => {
    const existing = { userAgent: 'Node.js/22' };
    Object.defineProperty(globalThis, 'navigator', {
      get: () => existing,
      configurable: true,
      enumerable: true,
    });
    installNavigatorGpu(gpu);
    expect(nav()?.gpu).toBe(gpu);
    expect(nav()?.userAgent).toBe('Node.js/22');
  });

  it('replaces a frozen, getter-only navigator with one that inherits from it', () => {
    const frozen = Object.freeze({ userAgent: 'Node.js/24' });
    Object.defineProperty(globalThis, 'navigator', { get: () => frozen, configurable: true });
    installNavigatorGpu(gpu);
    expect(nav()?.gpu).toBe(gpu);
    expect(nav()?.userAgent).toBe('Node.js/24');
  });
});
