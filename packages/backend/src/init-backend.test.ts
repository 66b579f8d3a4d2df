import { MathBackendCPU } from '@tensorflow/tfjs-backend-cpu';
import {
  getBackend,
  getKernel,
  type KernelConfig,
  type KernelFunc,
  memory,
  registerBackend,
  registerKernel,
  square,
  type TensorInfo,
  tensor,
} from '@tensorflow/tfjs-core';
import { describe, expect, it, vi } from 'vitest';
import { type Backend, createBackendRegistry } from './backend';
import { cpuBackend } from './backends';
import { currentBackend, formatReport, initBackend } from './init-backend';
import { cpuKernels } from './kernels';

const quiet = () => {};

/** A MathBackendCPU without tfjs's "install tfjs-node" banner, as convkit's cpu record makes it. */
function quietCpu(): MathBackendCPU {
  const cpu = new MathBackendCPU();
  (cpu as unknown as { firstUse: boolean }).firstUse = false;
  return cpu;
}

function unavailable(name: string, reason: string, priority = 10): Backend {
  return {
    specificationVersion: 1,
    name,
    priority,
    kernels: [],
    isAvailable: vi.fn(async () => ({ available: false, reason })),
    init: vi.fn(async () => {}),
  };
}

function failingInit(name: string, message: string, priority = 9): Backend {
  return {
    specificationVersion: 1,
    name,
    priority,
    kernels: [],
    isAvailable: vi.fn(async () => ({ available: true })),
    init: vi.fn(async () => {
      throw new Error(message);
    }),
  };
}

// x -> x * x + offset, on a MathBackendCPU registered under another name.
const squarePlus =
  (offset: number): KernelFunc =>
  ({ inputs, backend }) => {
    const cpu = backend as MathBackendCPU;
    const x = inputs.x as TensorInfo;
    const values = (cpu.readSync(x.dataId) as Float32Array).map((v) => v * v + offset);
    return cpu.makeTensorInfo(x.shape, 'float32', values);
  };

describe('initBackend selection', () => {
  it('uses the backend asked for, and says so in the report', async () => {
    const report = await initBackend({ backend: 'cpu' });
    expect(report.name).toBe('cpu');
    expect(report.skipped).toEqual([]);
    expect(getBackend()).toBe('cpu');
    expect(currentBackend()?.name).toBe('cpu');
  });

  it('throws on an unknown name, listing the known ones', async () => {
    await expect(initBackend({ backend: 'tpu' })).rejects.toThrow(
      'unknown backend "tpu"; known backends: webgpu, wasm, cpu',
    );
  });

  it('falls back in preference order, reporting and warning about every skipped backend', async () => {
    const gone = unavailable('fake-gone', 'no such device');
    const broken = failingInit('fake-broken', 'driver crashed');
    const registry = createBackendRegistry([gone, broken, cpuBackend]);
    const warn = vi.fn();
    const report = await initBackend({ registry, warn });
    expect(report.name).toBe('cpu');
    expect(report.skipped).toEqual([
      { name: 'fake-gone', reason: 'no such device' },
      { name: 'fake-broken', reason: 'driver crashed' },
    ]);
    expect(gone.init).not.toHaveBeenCalled();
    expect(warn).toHaveBeenCalledOnce();
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /using backend "cpu"; skipped fake-gone \(no such device\); fake-broken/,
    );
    const kernelsLine = `convkit kernels: ${cpuKernels.map((k) => k.kernelName).join(', ')}`;
    expect(cpuKernels.length).toBeGreaterThan(0);
    expect(formatReport(report)).toBe(
      `backend: cpu\nskipped: fake-gone: no such device\nskipped: fake-broken: driver crashed\n${kernelsLine}`,
    );
  });

  it('follows an explicit preference list, not the priorities', async () => {
    const gone = unavailable('fake-gone', 'no such device', 0);
    const registry = createBackendRegistry([gone, cpuBackend]);
    const report = await initBackend({ registry, preference: ['fake-gone', 'cpu'], warn: quiet });
    expect(report.skipped.map((s) => s.name)).toEqual(['fake-gone']);
    expect(report.name).toBe('cpu');
  });

  it('falls back from an explicit backend that cannot start, unless strict', async () => {
    const registry = createBackendRegistry([unavailable('fake-gone', 'no such device'), cpuBackend]);
    const report = await initBackend({ registry, backend: 'fake-gone', warn: quiet });
    expect(report.name).toBe('cpu');
    await expect(initBackend({ registry, backend: 'fake-gone', strict: true })).rejects.toThrow(
      'backend "fake-gone" could not start (strict, no fallback): no such device',
    );
  });

  it('strict throws at the first failure and tries nothing after it', async () => {
    const broken = failingInit('fake-broken', 'driver crashed', 20);
    const gone = unavailable('fake-gone', 'no such device', 10);
    const registry = createBackendRegistry([broken, gone, cpuBackend]);
    await expect(initBackend({ registry, strict: true })).rejects.toThrow(/fake-broken.*driver crashed/);
    expect(gone.isAvailable).not.toHaveBeenCalled();
  });

  it('throws with every reason when no backend can start', async () => {
    const registry = createBackendRegistry([
      unavailable('fake-gone', 'no such device'),
      failingInit('fake-broken', 'driver crashed'),
    ]);
    const error = (await initBackend({ registry }).catch((e: unknown) => e)) as Error;
    expect(error.message).toBe(
      'convkit: no backend could start:\n  - fake-gone: no such device\n  - fake-broken: driver crashed',
    );
  });

  it('reports a tfjs backend whose factory fails as skipped', async () => {
    const factoryFails: Backend = {
      specificationVersion: 1,
      name: 'fake-factory-fails',
      priority: 5,
      kernels: [],
      isAvailable: async () => ({ available: true }),
      init: async () => {
        registerBackend('fake-factory-fails', () => {
          throw new Error('no context');
        });
      },
    };
    const registry = createBackendRegistry([factoryFails, cpuBackend]);
    const silence = vi.spyOn(console, 'warn').mockImplementation(quiet);
    const report = await initBackend({ registry, warn: quiet });
    silence.mockRestore();
    expect(report.name).toBe('cpu');
    expect(report.skipped[0]?.reason).toMatch(/tf.setBackend\('fake-factory-fails'\) failed/);
    expect(getBackend()).toBe('cpu');
  });
});

describe('initBackend kernels', () => {
  const tfjsSquare: KernelConfig = { kernelName: 'Square', backendName: 'fake-k', kernelFunc: squarePlus(0) };
  const ourSquare: KernelConfig = { kernelName: 'Square', backendName: 'fake-k', kernelFunc: squarePlus(1) };
  const record: Backend = {
    specificationVersion: 1,
    name: 'fake-k',
    priority: 0,
    kernels: [ourSquare],
    isAvailable: vi.fn(async () => ({ available: true })),
    init: vi.fn(async () => {
      // Stands in for a tfjs backend package: a backend plus its own (here: naive) Square kernel.
      registerBackend('fake-k', quietCpu);
      registerKernel(tfjsSquare);
    }),
  };
  const registry = createBackendRegistry([record, cpuBackend]);

  it("replaces the backend's own kernel with convkit's and reports it", async () => {
    const report = await initBackend({ registry, backend: 'fake-k', strict: true });
    expect(report.kernelsAdded).toEqual(['Square']);
    expect(getKernel('Square', 'fake-k')?.kernelFunc).toBe(ourSquare.kernelFunc);
    const before = memory().numTensors;
    const x = tensor([1, 2, 3]);
    const y = square(x);
    expect(Array.from(await y.data())).toEqual([2, 5, 10]);
    x.dispose();
    y.dispose();
    expect(memory().numTensors).toBe(before);
    expect(formatReport(report)).toBe('backend: fake-k\nconvkit kernels: Square');
  });

  it('switches backends without starting or registering again', async () => {
    await initBackend({ registry, backend: 'cpu' });
    expect(getBackend()).toBe('cpu');
    const again = await initBackend({ registry, backend: 'fake-k', strict: true });
    expect(getBackend()).toBe('fake-k');
    expect(again.kernelsAdded).toEqual(['Square']);
    expect(record.isAvailable).toHaveBeenCalledTimes(1);
    expect(record.init).toHaveBeenCalledTimes(1);
    await initBackend({ backend: 'cpu' });
  });

  it('serializes concurrent calls', async () => {
    const names = await Promise.all([
      initBackend({ registry, backend: 'fake-k' }),
      initBackend({ registry, backend: 'cpu' }),
    ]).then((reports) => reports.map((r) => r.name));
    expect(names).toEqual(['fake-k', 'cpu']);
    expect(getBackend()).toBe('cpu');
  });

  it('rejects a kernel listed under the wrong backend', async () => {
    const wrong: Backend = {
      ...cpuBackend,
      name: 'fake-wrong',
      kernels: [{ kernelName: 'Square', backendName: 'cpu', kernelFunc: squarePlus(1) }],
      init: async () => {
        registerBackend('fake-wrong', quietCpu);
      },
    };
    const registry2 = createBackendRegistry([wrong]);
    await expect(initBackend({ registry: registry2, backend: 'fake-wrong', strict: true })).rejects.toThrow(
      /kernel Square is for backend "cpu" but listed in "fake-wrong"/,
    );
  });
});

describe('initBackend on a backend that already started', () => {
  it('warns about, and reports, init options that can no longer take effect', async () => {
    const record: Backend = {
      specificationVersion: 1,
      name: 'fake-opts',
      priority: 0,
      kernels: [],
      initOptions: ['wasmThreads', 'wasmPaths'],
      isAvailable: vi.fn(async () => ({ available: true })),
      init: vi.fn(async () => {
        registerBackend('fake-opts', quietCpu);
      }),
    };
    const registry = createBackendRegistry([record, cpuBackend]);
    const warn = vi.fn();
    const first = await initBackend({ registry, backend: 'fake-opts', wasmThreads: 2, warn });
    // The same value again, or none, changes nothing: no word.
    const same = await initBackend({ registry, backend: 'fake-opts', wasmThreads: 2, warn });
    const none = await initBackend({ registry, backend: 'fake-opts', warn });
    for (const r of [first, same, none]) expect(r.ignored).toBeUndefined();
    expect(warn).not.toHaveBeenCalled();

    const other = await initBackend({
      registry,
      backend: 'fake-opts',
      wasmThreads: 4,
      wasmPaths: '/x/',
      warn,
    });
    expect(other.name).toBe('fake-opts');
    expect(other.ignored?.map((i) => i.option)).toEqual(['wasmThreads', 'wasmPaths']);
    expect(other.ignored?.[0]?.reason).toBe(
      'wasmThreads 4 was ignored: backend "fake-opts" had already started with 2, and it is read only when ' +
        'the backend starts; pass it to the first initBackend call',
    );
    expect(other.ignored?.[1]?.reason).toMatch(/^wasmPaths "\/x\/" was ignored: .* started without it/);
    expect(warn).toHaveBeenCalledTimes(2);
    expect(warn).toHaveBeenCalledWith(`convkit: initBackend: ${other.ignored?.[0]?.reason}`);
    expect(formatReport(other)).toContain('\nignored: wasmThreads 4 was ignored');
    expect(record.init).toHaveBeenCalledTimes(1);
    await initBackend({ backend: 'cpu' });
  });
});
