// Bundles bench/child.ts for a bare GPU machine: node + .gpu/child.mjs + .gpu/node_modules/webgpu.
//   node bench/gpu/bundle.mjs        # from the repository root; writes .gpu/ (git-ignored)
import { copyFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const out = join(root, '.gpu');
await build({
  entryPoints: [join(root, 'bench/child.ts')],
  bundle: true,
  platform: 'node',
  format: 'esm',
  external: ['webgpu'],
  tsconfig: join(root, 'bench/tsconfig.json'),
  outfile: join(out, 'child.mjs'),
  // Aliased: some bundled sources import createRequire themselves.
  banner: {
    js: "import { createRequire as __bundleRequire } from 'module'; const require = __bundleRequire(import.meta.url);",
  },
  logLevel: 'warning',
});
const webgpu = join(root, 'node_modules/webgpu');
const dest = join(out, 'node_modules/webgpu');
mkdirSync(join(dest, 'dist/linux-x64'), { recursive: true });
for (const f of ['package.json', 'index.js', 'dist/linux-x64/dawn.node'])
  copyFileSync(join(webgpu, f), join(dest, f));
console.log(`bundled into ${out}`);
