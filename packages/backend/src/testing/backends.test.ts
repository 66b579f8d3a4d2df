import { afterEach, describe, expect, it, vi } from 'vitest';
import { requiredBackends, testBackends } from './backends';

describe('testBackends / requiredBackends', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('default to all three backends, none required', () => {
    vi.stubEnv('CONVKIT_TEST_BACKENDS', '');
    vi.stubEnv('CONVKIT_REQUIRE_BACKENDS', '');
    expect(testBackends()).toEqual(['cpu', 'wasm', 'webgpu']);
    expect(requiredBackends()).toEqual([]);
  });

  it('read comma lists from the environment', () => {
    vi.stubEnv('CONVKIT_TEST_BACKENDS', ' wasm, cpu ,');
    vi.stubEnv('CONVKIT_REQUIRE_BACKENDS', 'cpu,wasm,webgpu');
    expect(testBackends()).toEqual(['wasm', 'cpu']);
    expect(requiredBackends()).toEqual(['cpu', 'wasm', 'webgpu']);
  });
});
