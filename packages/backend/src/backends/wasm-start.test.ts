import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { getBackend } from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { testBackends } from '../testing/backends';

// Its own file: the wasm backend must not have started in this process before.
const dist = `${dirname(createRequire(import.meta.url).resolve('@tensorflow/tfjs-backend-wasm'))}/`;

describe.skipIf(!testBackends().includes('wasm'))(
  'a failed wasm start (skipped when CONVKIT_TEST_BACKENDS leaves wasm out)',
  () => {
    it('names the missing binary, and can be retried in the same process with good paths', async () => {
      await expect(
        initBackend({ backend: 'wasm', strict: true, wasmPaths: '/nonexistent/', warn: () => {} }),
      ).rejects.toThrow(
        /wasmPaths: \/nonexistent\/tfjs-backend-wasm(-simd)?\.wasm does not exist \(tfjs-backend-wasm loads/,
      );
      const report = await initBackend({ backend: 'wasm', strict: true, wasmPaths: dist });
      expect(report.name).toBe('wasm');
      expect(getBackend()).toBe('wasm');
      expect(report.ignored).toBeUndefined();
      // A later call cannot move the binaries any more: it says so.
      const warned: string[] = [];
      const again = await initBackend({
        backend: 'wasm',
        strict: true,
        wasmPaths: '/elsewhere/',
        warn: (m) => warned.push(m),
      });
      expect(again.ignored?.map((i) => i.option)).toEqual(['wasmPaths']);
      expect(warned).toEqual([expect.stringContaining('wasmPaths "/elsewhere/" was ignored')]);
    });
  },
);
