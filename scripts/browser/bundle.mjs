// Shared by scripts/bundle-check.mjs and scripts/browser-check.mjs: builds an entry that imports
// convkit by package name, with esbuild resolving it the way a user's bundler would.
import { existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

export const root = join(dirname(fileURLToPath(import.meta.url)), '../..');
// A workspace package that depends on convkit (norms included) and the tfjs backends, so bare
// imports resolve as they would in a user's app.
export const appDir = join(root, 'bench');
const stepPath = join(root, 'scripts/browser/train-step.js');

/** Where the .wasm binaries of @tensorflow/tfjs-backend-wasm are: files a JS bundle cannot carry. */
export const wasmDir = join(
  dirname(createRequire(join(appDir, 'package.json')).resolve('@tensorflow/tfjs-backend-wasm/package.json')),
  'dist',
);

/**
 * A fresh folder for bundles inside the app's node_modules (ignored by git), so that what a bundle
 * leaves external resolves from it as from the user's app.
 */
export function makeOutDir(tag) {
  const cache = join(appDir, 'node_modules/.cache');
  mkdirSync(cache, { recursive: true });
  return mkdtempSync(join(cache, `convkit-${tag}-`));
}

/** Fails early with the command to run when the packages were not built. */
export function requireBuilt(tag) {
  for (const pkg of ['backend', 'init', 'core', 'norms']) {
    if (!existsSync(join(root, 'packages', pkg, 'dist/index.js'))) {
      console.error(
        `${tag}: packages/${pkg}/dist is missing: run \`pnpm exec turbo run build --filter=@convkit/norms...\` first`,
      );
      process.exit(1);
    }
  }
}

/** Entry source: named imports as a user writes them, gathered into the `lib` that trainStep takes. */
export function entrySource(main) {
  return `
import { formatReport, initBackend } from '@convkit/backend';
import { Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, ReLU, Sequential, sgdStep, valueAndGrads } from '@convkit/core';
import { BatchNorm2d } from '@convkit/norms';
import { dispose, getBackend, memory, tensor1d, tensor4d, tidy } from '@tensorflow/tfjs-core';
import { trainStep } from ${JSON.stringify(stepPath)};

const lib = {
  initBackend, formatReport, Conv2d, crossEntropy, Flatten, Linear, MaxPool2d, ReLU, Sequential, sgdStep, valueAndGrads,
  BatchNorm2d,
  tf: { dispose, getBackend, memory, tensor1d, tensor4d, tidy },
};
(async () => {
${main}
})();
`;
}

// tfjs's ESM files call `require('util')` (platforms/platform_node.js) and the wasm loader reads
// `__dirname` in Node; an ESM bundle has neither, so a Node ESM app defines them (esbuild's usual recipe).
const nodeEsmBanner = [
  "import { createRequire as __ckRequire } from 'node:module';",
  "import { dirname as __ckDirname } from 'node:path';",
  "import { fileURLToPath as __ckPath } from 'node:url';",
  'const require = __ckRequire(import.meta.url);',
  'const __filename = __ckPath(import.meta.url);',
  'const __dirname = __ckDirname(__filename);',
].join('\n');

// Where each bundled input comes from: a package root (node_modules/<name> or packages/<name>).
const packageRoot = (input) =>
  input.match(/^(.*node_modules\/(?:@[^/]+\/)?[^/]+)\//)?.[1] ?? input.match(/^(packages\/[^/]+)\//)?.[1];

/**
 * Bundles `main` (the body of an async function with `lib` and `trainStep` in scope) into `outfile`.
 * Node bundles resolve through the `module` field and the `import` condition, as a bundler does,
 * and leave out `webgpu` (Dawn, a native addon that finds its .node file next to itself: a Node app
 * cannot bundle it). Browser bundles try the `browser` field first and leave out nothing. No tsconfig.json is read: the workspace's `paths`
 * point at the TS sources, which a user's app does not see. Returns esbuild's warnings and
 * `problems`: a second copy of tfjs-core or of a convkit package (two engines, two registries), or
 * a convkit package bundled from its sources instead of dist/.
 */
export async function bundle({ main, outfile, platform, format }) {
  const result = await build({
    stdin: { contents: entrySource(main), resolveDir: appDir, sourcefile: 'entry.js', loader: 'js' },
    bundle: true,
    outfile,
    platform,
    format,
    target: 'es2022',
    mainFields: platform === 'node' ? ['module', 'main'] : ['browser', 'module', 'main'],
    ...(platform === 'node' && format === 'esm' ? { banner: { js: nodeEsmBanner } } : {}),
    external: platform === 'node' ? ['webgpu'] : [],
    tsconfigRaw: {},
    metafile: true,
    logLevel: 'silent',
  });
  const inputs = Object.keys(result.metafile.inputs);
  const problems = [];
  for (const name of [
    '@tensorflow/tfjs-core',
    '@convkit/backend',
    '@convkit/init',
    '@convkit/core',
    '@convkit/norms',
  ]) {
    const dir = name.startsWith('@convkit/') ? `packages/${name.slice(9)}` : `node_modules/${name}`;
    const roots = new Set(inputs.map(packageRoot).filter((r) => r?.endsWith(dir)));
    if (roots.size !== 1)
      problems.push(`${roots.size} copies of ${name} in the bundle: ${[...roots].join(', ')}`);
    if (name.startsWith('@convkit/') && inputs.some((i) => i.startsWith(`${dir}/src/`))) {
      problems.push(`${name} was bundled from its sources, not dist/`);
    }
  }
  return { warnings: result.warnings.map((w) => `${w.location?.file ?? ''}: ${w.text}`), problems };
}
