// What WebGPU in Node (Dawn, the `webgpu` npm package) will meet on Linux: Mesa's lavapipe and its
// version, GPU device nodes, and an environment that makes the Vulkan loader print to the terminal.
// Node built-ins come from process.getBuiltinModule (Node >= 20.16), so bundles for the browser never
// see an import of node:fs; where it is missing, every answer is "unknown".

import type * as Fs from 'node:fs';
import type * as Path from 'node:path';

/** Dawn refuses Mesa's lavapipe before this major version (22.3, Debian 12's, lacks features Dawn needs). */
export const DAWN_MIN_MESA = 25;

const INSTALL_HINT =
  `install mesa-vulkan-drivers >= ${DAWN_MIN_MESA} ` +
  '(Debian 12: `apt-get install -t bookworm-backports mesa-vulkan-drivers`)';

/** One lavapipe driver the Vulkan loader would load: its manifest, its library, Mesa's version in it. */
export interface LavapipeDriver {
  manifest: string;
  library: string;
  /** e.g. '25.0.7'; undefined when the library could not be read. */
  version?: string;
}

interface NodeModules {
  fs: typeof Fs;
  path: typeof Path;
}

function nodeModules(): NodeModules | undefined {
  const get = typeof process === 'undefined' ? undefined : process.getBuiltinModule;
  if (typeof get !== 'function') return undefined;
  return { fs: get('node:fs') as typeof Fs, path: get('node:path') as typeof Path };
}

const split = (value: string | undefined) => (value ?? '').split(':').filter((s) => s !== '');

/** The ICD manifests the Vulkan loader reads on Linux, honouring VK_DRIVER_FILES / VK_ICD_FILENAMES. */
function manifests(env: NodeJS.ProcessEnv, { fs, path }: NodeModules): string[] {
  const home = env.HOME ?? '';
  const explicit = split(env.VK_DRIVER_FILES ?? env.VK_ICD_FILENAMES);
  const dirs =
    explicit.length > 0
      ? explicit
      : [
          `${env.XDG_CONFIG_HOME ?? `${home}/.config`}`,
          ...split(env.XDG_CONFIG_DIRS ?? '/etc/xdg'),
          '/etc',
          `${env.XDG_DATA_HOME ?? `${home}/.local/share`}`,
          ...split(env.XDG_DATA_DIRS ?? '/usr/local/share:/usr/share'),
        ].map((d) => path.join(d, 'vulkan', 'icd.d'));
  const files: string[] = [];
  for (const entry of [...dirs, ...split(env.VK_ADD_DRIVER_FILES)]) {
    try {
      if (fs.statSync(entry).isDirectory()) {
        for (const f of fs.readdirSync(entry).sort())
          if (f.endsWith('.json')) files.push(path.join(entry, f));
      } else {
        files.push(entry);
      }
    } catch {
      // A missing directory or file: the loader skips it too.
    }
  }
  return files;
}

/** Where the dynamic linker would find a bare library name. */
function libraryDirs(env: NodeJS.ProcessEnv): string[] {
  const triple = { x64: 'x86_64-linux-gnu', arm64: 'aarch64-linux-gnu', ia32: 'i386-linux-gnu' }[
    process.arch as string
  ];
  const multiarch = triple === undefined ? [] : [`/usr/lib/${triple}`, `/lib/${triple}`];
  return [...split(env.LD_LIBRARY_PATH), ...multiarch, '/usr/lib64', '/usr/lib', '/usr/local/lib', '/lib'];
}

/** The first "Mesa X.Y[.Z]" in a driver library (Mesa stamps its version into every driver). */
export function mesaVersionIn(bytes: Uint8Array): string | undefined {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  for (let at = buf.indexOf('Mesa '); at !== -1; at = buf.indexOf('Mesa ', at + 5)) {
    const m = /^Mesa (\d+\.\d+(?:\.\d+)?)/.exec(buf.toString('latin1', at, at + 32));
    if (m) return m[1];
  }
  return undefined;
}

/**
 * The lavapipe drivers the Vulkan loader would load here (Linux; [] elsewhere or without
 * process.getBuiltinModule), each with the Mesa version read from its library.
 */
export function findLavapipe(env: NodeJS.ProcessEnv = process.env): LavapipeDriver[] {
  const node = nodeModules();
  if (node === undefined || process.platform !== 'linux') return [];
  const { fs, path } = node;
  const found: LavapipeDriver[] = [];
  for (const manifest of manifests(env, node)) {
    let library: string | undefined;
    try {
      library = (JSON.parse(fs.readFileSync(manifest, 'utf8')) as { ICD?: { library_path?: string } }).ICD
        ?.library_path;
    } catch {
      continue;
    }
    if (library === undefined || !/lvp/.test(path.basename(library))) continue;
    const candidates = path.isAbsolute(library)
      ? [library]
      : library.includes('/')
        ? [path.resolve(path.dirname(manifest), library)]
        : libraryDirs(env).map((d) => path.join(d, library as string));
    const file = candidates.find((f) => fs.existsSync(f)) ?? candidates[0];
    if (found.some((d) => d.library === file)) continue;
    let version: string | undefined;
    try {
      version = mesaVersionIn(fs.readFileSync(file));
    } catch {
      // Unreadable or missing: version unknown.
    }
    found.push({ manifest, library: file, ...(version === undefined ? {} : { version }) });
  }
  return found;
}

/** GPU device nodes (DRM render nodes, NVIDIA, WSL's dxg): where a hardware Vulkan driver could run. */
export function gpuDeviceNodes(dev = '/dev'): string[] {
  const node = nodeModules();
  if (node === undefined) return [];
  const { fs, path } = node;
  const nodes: string[] = [];
  try {
    for (const f of fs.readdirSync(path.join(dev, 'dri'))) {
      if (f.startsWith('renderD')) nodes.push(path.join(dev, 'dri', f));
    }
  } catch {
    // No /dev/dri.
  }
  for (const f of ['nvidia0', 'nvidiactl', 'dxg']) {
    if (fs.existsSync(path.join(dev, f))) nodes.push(path.join(dev, f));
  }
  return nodes;
}

const major = (version: string | undefined) =>
  version === undefined ? Number.NaN : Number.parseInt(version, 10);

/**
 * Why Dawn cannot find an adapter before it is even loaded: on Linux with no GPU device node, when
 * every lavapipe driver is older than Mesa 25. Undefined when Dawn may well find one.
 */
export function lavapipeOnlyAndTooOld(
  drivers: readonly LavapipeDriver[] = findLavapipe(),
  nodes: readonly string[] = gpuDeviceNodes(),
): string | undefined {
  if (nodes.length > 0 || drivers.length === 0) return undefined;
  if (!drivers.every((d) => major(d.version) < DAWN_MIN_MESA)) return undefined;
  const d = drivers[0] as LavapipeDriver;
  return (
    `the only Vulkan driver here is Mesa ${d.version}'s lavapipe (${d.library}), and Dawn (the \`webgpu\` ` +
    `package) needs Mesa >= ${DAWN_MIN_MESA}: ${INSTALL_HINT}`
  );
}

/** What to say after Dawn's requestAdapter() returned null, from the lavapipe drivers found. */
export function noAdapterHint(drivers: readonly LavapipeDriver[] = findLavapipe()): string {
  if (process.platform !== 'linux') return 'no GPU driver, or WebGPU blocked by the runtime';
  const old = drivers.find((d) => major(d.version) < DAWN_MIN_MESA);
  const usable = drivers.find((d) => major(d.version) >= DAWN_MIN_MESA);
  if (usable !== undefined) {
    return (
      `Mesa ${usable.version}'s lavapipe is installed (${usable.library}) but Dawn found no adapter; ` +
      'check VK_DRIVER_FILES / VK_ICD_FILENAMES'
    );
  }
  if (old !== undefined) {
    return `Dawn refuses Mesa ${old.version}'s lavapipe (${old.library}): it needs Mesa >= ${DAWN_MIN_MESA}; ${INSTALL_HINT}`;
  }
  if (drivers.length > 0) {
    return `lavapipe is installed (${drivers[0]?.library}) but its Mesa version is unknown; Dawn needs Mesa >= ${DAWN_MIN_MESA}`;
  }
  return `no GPU driver; without a GPU, install Mesa's lavapipe: ${INSTALL_HINT}`;
}

/**
 * Runs `f` (Dawn's instance creation and first adapter request, when it enumerates the Vulkan devices)
 * with WAYLAND_DISPLAY hidden when XDG_RUNTIME_DIR is unset or not a directory: Mesa's device-select
 * layer would try the Wayland display, which cannot work without it, and libwayland prints
 * "XDG_RUNTIME_DIR is invalid or not set" twice. The variable is put back when `f` settles.
 */
export async function withoutUnusableWayland<T>(f: () => T | Promise<T>): Promise<T> {
  const node = nodeModules();
  const env = typeof process === 'undefined' ? undefined : process.env;
  const wayland = env?.WAYLAND_DISPLAY;
  if (node === undefined || env === undefined || wayland === undefined) return await f();
  const dir = env.XDG_RUNTIME_DIR;
  let usable = false;
  try {
    usable = dir !== undefined && node.path.isAbsolute(dir) && node.fs.statSync(dir).isDirectory();
  } catch {
    usable = false;
  }
  if (usable) return await f();
  delete env.WAYLAND_DISPLAY;
  try {
    return await f();
  } finally {
    env.WAYLAND_DISPLAY = wayland;
  }
}
