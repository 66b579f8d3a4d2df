import { describe, expect, it } from 'vitest';
import { initBackend } from '../init-backend';
import { describeEachBackend } from '../testing/backends';

describeEachBackend('software WebGPU adapters', (backend) => {
  describe.skipIf(backend === 'webgpu')(
    `without WebGPU${backend === 'webgpu' ? ' (skipped on webgpu)' : ''}`,
    () => {
      it('a CPU backend reports no WebGPU adapter', async () => {
        const report = await initBackend({ backend, strict: true });
        expect(report.name).toBe(backend);
        expect(report.webgpu).toBeUndefined();
      });
    },
  );

  describe.skipIf(backend !== 'webgpu')(
    `on webgpu${backend === 'webgpu' ? '' : ` (skipped on ${backend}: it is not a WebGPU backend)`}`,
    () => {
      it('are used when asked for by name or allowed, and skipped with a reason when picked from a list', async () => {
        const named = await initBackend({ backend: 'webgpu', strict: true });
        expect(named.name).toBe('webgpu');
        expect(typeof named.webgpu?.software).toBe('boolean');

        const picked = await initBackend({ preference: ['webgpu', 'cpu'], warn: () => {} });
        if (named.webgpu?.software) {
          expect(picked.name).toBe('cpu');
          expect(picked.skipped).toHaveLength(1);
          expect(picked.skipped[0]?.reason).toMatch(/software rasterizer.*allowSoftwareGpu/);
        } else {
          expect(picked.name).toBe('webgpu');
        }

        const allowed = await initBackend({ preference: ['webgpu', 'cpu'], allowSoftwareGpu: true });
        expect(allowed.name).toBe('webgpu');
        await initBackend({ backend: 'webgpu', strict: true });
      });
    },
  );
});
