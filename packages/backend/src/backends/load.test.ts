import { describe, expect, it } from 'vitest';
import { loadPackage, MissingPackageError } from './load';

describe('loadPackage', () => {
  it('names the npm package to install when it is missing', async () => {
    const specifier = '@convkit/not-installed-backend';
    const error = await loadPackage('mine', specifier, () => import(/* @vite-ignore */ specifier)).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(MissingPackageError);
    expect((error as Error).message).toContain(
      '"mine" backend needs the npm package @convkit/not-installed-backend',
    );
    expect((error as Error).message).toContain('npm install @convkit/not-installed-backend');
  });

  it("recognizes Node's not-found errors (ESM and CJS)", async () => {
    for (const code of ['ERR_MODULE_NOT_FOUND', 'MODULE_NOT_FOUND']) {
      const err = Object.assign(new Error("Cannot find package '@tensorflow/tfjs-backend-wasm'"), { code });
      await expect(
        loadPackage('wasm', '@tensorflow/tfjs-backend-wasm', () => Promise.reject(err)),
      ).rejects.toBeInstanceOf(MissingPackageError);
    }
  });

  it('passes other errors through unchanged', async () => {
    const err = new Error('wasm binary is corrupt');
    await expect(
      loadPackage('wasm', '@tensorflow/tfjs-backend-wasm', () => Promise.reject(err)),
    ).rejects.toBe(err);
  });

  it('returns the module when it loads', async () => {
    const mod = await loadPackage(
      'cpu',
      '@tensorflow/tfjs-backend-cpu',
      () => import('@tensorflow/tfjs-backend-cpu'),
    );
    expect(typeof mod.MathBackendCPU).toBe('function');
  });
});
