import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, describe, expect, it, vi } from 'vitest';
import {
  DAWN_MIN_MESA,
  findLavapipe,
  gpuDeviceNodes,
  type LavapipeDriver,
  lavapipeOnlyAndTooOld,
  mesaVersionIn,
  noAdapterHint,
  withoutUnusableWayland,
} from './vulkan';
import { webgpuBackend } from './webgpu';

// Dawn stands in: one create() per probe, its adapter set by the test, and what it saw of the environment.
const dawn = vi.hoisted(() => ({
  adapter: null as object | null,
  creates: [] as { wayland: string | undefined }[],
  requests: [] as { wayland: string | undefined }[],
}));
vi.mock('webgpu', () => ({
  globals: { GPUBufferUsage: { MAP_READ: 1 }, GPUMapMode: { READ: 1 }, GPUDevice: class {} },
  create: () => {
    dawn.creates.push({ wayland: process.env.WAYLAND_DISPLAY });
    return {
      requestAdapter: async () => {
        dawn.requests.push({ wayland: process.env.WAYLAND_DISPLAY });
        return dawn.adapter;
      },
    };
  },
}));

const root = mkdtempSync(join(tmpdir(), 'convkit-vulkan-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));

/** A fake lavapipe: a manifest and a "library" holding Mesa's version string among other bytes. */
function fakeLavapipe(dir: string, version: string, libraryPath?: string): string {
  mkdirSync(dir, { recursive: true });
  const lib = join(dir, 'libvulkan_lvp.so');
  writeFileSync(
    lib,
    Buffer.concat([
      Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]),
      Buffer.from(`\0Mesa ${version}-1 (LLVM 15)\0`),
    ]),
  );
  const manifest = join(dir, 'lvp_icd.json');
  writeFileSync(
    manifest,
    JSON.stringify({ ICD: { api_version: '1.3.0', library_path: libraryPath ?? lib } }),
  );
  return manifest;
}

const linux = process.platform === 'linux';
const old: LavapipeDriver = { manifest: '/m.json', library: '/lib/libvulkan_lvp.so', version: '22.3.6' };
const fresh: LavapipeDriver = { manifest: '/m.json', library: '/lib/libvulkan_lvp.so', version: '25.0.7' };

describe('Vulkan drivers seen from Node', () => {
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it("reads Mesa's version from a driver library", () => {
    expect(mesaVersionIn(Buffer.from('\0\x01Mesa is\0Mesa 22.3.6-1+deb12u2 (LLVM 15.0.6)\0'))).toBe('22.3.6');
    expect(mesaVersionIn(Buffer.from('Mesa 25.0'))).toBe('25.0');
    expect(mesaVersionIn(Buffer.from('no version here'))).toBeUndefined();
  });

  it.skipIf(!linux)(
    'finds lavapipe through VK_DRIVER_FILES (files or folders), with absolute, relative and bare library paths (Linux only)',
    () => {
      const abs = fakeLavapipe(join(root, 'abs'), '22.3.6');
      expect(findLavapipe({ VK_DRIVER_FILES: abs })).toEqual([
        { manifest: abs, library: join(root, 'abs', 'libvulkan_lvp.so'), version: '22.3.6' },
      ]);
      fakeLavapipe(join(root, 'rel'), '25.0.7', './libvulkan_lvp.so');
      expect(findLavapipe({ VK_ICD_FILENAMES: join(root, 'rel') })[0]?.version).toBe('25.0.7');
      const bare = fakeLavapipe(join(root, 'bare'), '24.1.0', 'libvulkan_lvp.so');
      expect(findLavapipe({ VK_DRIVER_FILES: bare, LD_LIBRARY_PATH: join(root, 'bare') })[0]?.version).toBe(
        '24.1.0',
      );
      // Not lavapipe, or no manifest: nothing.
      const other = join(root, 'other.json');
      writeFileSync(other, JSON.stringify({ ICD: { library_path: 'libvulkan_radeon.so' } }));
      expect(findLavapipe({ VK_DRIVER_FILES: `${other}:${join(root, 'missing.json')}` })).toEqual([]);
    },
  );

  it('GPU device nodes: DRM render nodes, NVIDIA and WSL', () => {
    const dev = join(root, 'dev');
    mkdirSync(join(dev, 'dri'), { recursive: true });
    writeFileSync(join(dev, 'dri', 'card0'), '');
    expect(gpuDeviceNodes(dev)).toEqual([]);
    writeFileSync(join(dev, 'dri', 'renderD128'), '');
    writeFileSync(join(dev, 'nvidia0'), '');
    expect(gpuDeviceNodes(dev)).toEqual([join(dev, 'dri', 'renderD128'), join(dev, 'nvidia0')]);
    expect(gpuDeviceNodes(join(root, 'no-dev'))).toEqual([]);
  });

  it(`Dawn is not worth loading only for lavapipe older than Mesa ${DAWN_MIN_MESA} and no GPU`, () => {
    expect(lavapipeOnlyAndTooOld([old], [])).toBe(
      "the only Vulkan driver here is Mesa 22.3.6's lavapipe (/lib/libvulkan_lvp.so), and Dawn (the `webgpu` " +
        'package) needs Mesa >= 25: install mesa-vulkan-drivers >= 25 (Debian 12: `apt-get install -t ' +
        'bookworm-backports mesa-vulkan-drivers`)',
    );
    expect(lavapipeOnlyAndTooOld([old], ['/dev/dri/renderD128'])).toBeUndefined();
    expect(lavapipeOnlyAndTooOld([fresh], [])).toBeUndefined();
    expect(lavapipeOnlyAndTooOld([old, fresh], [])).toBeUndefined();
    expect(lavapipeOnlyAndTooOld([{ ...old, version: undefined }], [])).toBeUndefined();
    expect(lavapipeOnlyAndTooOld([], [])).toBeUndefined();
  });

  it.skipIf(!linux)(
    'no adapter: the hint names the Mesa version found and the one Dawn needs (Linux only)',
    () => {
      expect(noAdapterHint([old])).toBe(
        "Dawn refuses Mesa 22.3.6's lavapipe (/lib/libvulkan_lvp.so): it needs Mesa >= 25; install " +
          'mesa-vulkan-drivers >= 25 (Debian 12: `apt-get install -t bookworm-backports mesa-vulkan-drivers`)',
      );
      expect(noAdapterHint([])).toMatch(
        /^no GPU driver; without a GPU, install Mesa's lavapipe: install mesa-vulkan-drivers >= 25/,
      );
      expect(noAdapterHint([fresh])).toMatch(
        /^Mesa 25\.0\.7's lavapipe is installed .* but Dawn found no adapter/,
      );
      expect(noAdapterHint([{ ...old, version: undefined }])).toMatch(
        /Mesa version is unknown; Dawn needs Mesa >= 25/,
      );
    },
  );

  it('hides WAYLAND_DISPLAY from Dawn only while XDG_RUNTIME_DIR is unusable, and puts it back', async () => {
    const seen = async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      return process.env.WAYLAND_DISPLAY;
    };
    const boom = async () => {
      await seen();
      throw new Error('boom');
    };
    vi.stubEnv('WAYLAND_DISPLAY', 'wayland-0');
    vi.stubEnv('XDG_RUNTIME_DIR', undefined);
    expect(await withoutUnusableWayland(seen)).toBeUndefined();
    expect(process.env.WAYLAND_DISPLAY).toBe('wayland-0');
    vi.stubEnv('XDG_RUNTIME_DIR', join(root, 'nonexistent'));
    expect(await withoutUnusableWayland(seen)).toBeUndefined();
    vi.stubEnv('XDG_RUNTIME_DIR', root);
    expect(await withoutUnusableWayland(seen)).toBe('wayland-0');
    await expect(withoutUnusableWayland(boom)).rejects.toThrow('boom');
    vi.stubEnv('XDG_RUNTIME_DIR', undefined);
    await expect(withoutUnusableWayland(boom)).rejects.toThrow('boom');
    expect(process.env.WAYLAND_DISPLAY).toBe('wayland-0');
  });
});

// In this order: every probe before the last fails, so none leaves a navigator.gpu behind.
describe.skipIf(!linux)('the WebGPU probe in Node (Linux only: lavapipe)', () => {
  const nav = () => (globalThis as { navigator?: { gpu?: unknown } }).navigator;
  afterEach(() => {
    vi.unstubAllEnvs();
  });

  it('lavapipe older than Mesa 25: the reason names the version found and the one Dawn needs', async () => {
    vi.stubEnv('VK_DRIVER_FILES', fakeLavapipe(join(root, 'probe-old'), '22.3.6'));
    const creates = dawn.creates.length;
    const r = await webgpuBackend.isAvailable();
    expect(r.available).toBe(false);
    expect(r.reason).toMatch(
      /Mesa 22\.3\.6's lavapipe .*needs Mesa >= 25.*install mesa-vulkan-drivers >= 25/,
    );
    // With no GPU device node Dawn is not even loaded (it would print a native warning, then refuse).
    if (gpuDeviceNodes().length === 0) expect(dawn.creates.length).toBe(creates);
    expect(nav()?.gpu).toBeUndefined();
  });

  it('creates Dawn without an unusable Wayland display (no "XDG_RUNTIME_DIR is invalid" lines)', async () => {
    vi.stubEnv('VK_DRIVER_FILES', fakeLavapipe(join(root, 'probe-wayland'), '25.0.7'));
    vi.stubEnv('WAYLAND_DISPLAY', 'wayland-0');
    vi.stubEnv('XDG_RUNTIME_DIR', undefined);
    const creates = dawn.creates.length;
    const requests = dawn.requests.length;
    const r = await webgpuBackend.isAvailable();
    expect(r.available).toBe(false);
    expect(dawn.creates.slice(creates)).toEqual([{ wayland: undefined }]);
    // The first request, when Dawn enumerates the devices, sees no display either.
    expect(dawn.requests[requests]).toEqual({ wayland: undefined });
    expect(process.env.WAYLAND_DISPLAY).toBe('wayland-0');
  });

  it('a failed probe removes navigator.gpu and the GPU* globals it installed; the next probe starts afresh', async () => {
    vi.stubEnv('VK_DRIVER_FILES', fakeLavapipe(join(root, 'probe-retry'), '25.0.7'));
    const had = nav();
    dawn.adapter = null;
    const failed = await webgpuBackend.isAvailable();
    expect(failed.available).toBe(false);
    expect(failed.reason).toMatch(
      /^navigator\.gpu\.requestAdapter\(\) returned null: no WebGPU adapter \(Mesa 25\.0\.7's lavapipe is installed/,
    );
    expect(nav()).toBe(had);
    expect(nav()?.gpu).toBeUndefined();
    for (const name of ['GPUBufferUsage', 'GPUMapMode', 'GPUDevice'])
      expect(name in globalThis, name).toBe(false);

    const creates = dawn.creates.length;
    dawn.adapter = { info: { vendor: 'test', architecture: '', description: '', device: '' } };
    const ok = await webgpuBackend.isAvailable();
    expect(ok).toEqual({ available: true });
    expect(dawn.creates.length).toBe(creates + 1);
    expect(nav()?.gpu).toBeDefined();
    expect('GPUBufferUsage' in globalThis).toBe(true);
  });
});
