// Plain-Node check (no vitest, no TS aliases): the BUILT @convkit/backend registers convkit's gradients
// when loaded as ESM and as CJS. Each module system runs in its own child process, so one cannot mask
// the other. Run after `pnpm build`:  node scripts/plain-node-check.mjs
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// A workspace package that depends on @convkit/backend and tfjs-core, so workspace links resolve.
const base = ['examples/mnist', 'packages/core']
  .map((p) => join(root, p, 'package.json'))
  .find((p) => existsSync(p));
const backends = ['cpu', 'wasm'];

function fail(message) {
  console.error(`plain-node: ${message}`);
  process.exit(1);
}

async function load(system) {
  const require = createRequire(base);
  if (system === 'cjs') return { ck: require('@convkit/backend'), tf: require('@tensorflow/tfjs-core') };
  // require.resolve would pick the "require" condition: resolve the "import" entry from the exports map.
  const pkgJson = require.resolve('@convkit/backend/package.json');
  const entry = JSON.parse(readFileSync(pkgJson, 'utf8')).exports['.'].import.default;
  const ck = await import(pathToFileURL(join(dirname(pkgJson), entry)).href);
  const tf = await import(pathToFileURL(require.resolve('@tensorflow/tfjs-core')).href);
  return { ck, tf: tf.default ?? tf };
}

// loss = sum((flatten(maxPool(conv2d(x, k))) @ w)^2): exercises Conv2D, MaxPool, Reshape, MatMul, Square, Sum.
async function gradientCheck(tf, backend) {
  const before = tf.memory().numTensors;
  const x = tf.tensor4d(
    Array.from({ length: 36 }, (_, i) => Math.sin(i + 1)),
    [1, 6, 6, 1],
  );
  const k = tf.variable(
    tf.tensor4d(
      Array.from({ length: 18 }, (_, i) => Math.cos(i) / 3),
      [3, 3, 1, 2],
    ),
  );
  const w = tf.variable(
    tf.tensor2d(
      Array.from({ length: 18 }, (_, i) => ((i % 5) - 2) / 10),
      [18, 1],
    ),
  );
  try {
    const { value, grads } = tf.variableGrads(() => {
      const y = tf.maxPool(tf.conv2d(x, k, 1, 'same'), 2, 2, 'valid');
      return tf.sum(tf.square(tf.matMul(tf.reshape(y, [1, 18]), w)));
    }, [k, w]);
    const problems = [];
    if (tf.getBackend() !== backend) problems.push(`active backend is ${tf.getBackend()}`);
    if (!Number.isFinite((await value.data())[0])) problems.push('loss is not finite');
    for (const [name, g] of Object.entries(grads)) {
      const data = await g.data();
      if (!data.every(Number.isFinite)) problems.push(`gradient of ${name} is not finite`);
      if (!data.some((v) => v !== 0)) problems.push(`gradient of ${name} is all zero`);
    }
    if (Object.keys(grads).length !== 2)
      problems.push(`expected 2 gradients, got ${Object.keys(grads).length}`);
    tf.dispose([value, ...Object.values(grads)]);
    return problems;
  } finally {
    tf.dispose([x, k, w]);
    const leaked = tf.memory().numTensors - before;
    if (leaked !== 0) console.error(`plain-node: ${leaked} tensor(s) leaked on ${backend}`);
  }
}

async function child(system) {
  const { ck, tf } = await load(system);
  for (const backend of backends) {
    let problems;
    try {
      const report = await ck.initBackend({ backend, strict: true });
      problems = await gradientCheck(tf, report.name);
    } catch (err) {
      problems = [err instanceof Error ? err.message : String(err)];
    }
    console.log(JSON.stringify({ system, backend, problems }));
  }
}

function parent() {
  if (base === undefined) fail('neither examples/mnist nor packages/core exists');
  if (!existsSync(join(root, 'packages/backend/dist/index.js'))) {
    fail('packages/backend/dist is missing: run `pnpm build` first');
  }
  let passed = 0;
  let failed = 0;
  for (const system of ['esm', 'cjs']) {
    const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--child', system], {
      encoding: 'utf8',
      timeout: 120_000,
    });
    const results = run.stdout
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l));
    for (const backend of backends) {
      const r = results.find((x) => x.backend === backend);
      const problems = r?.problems ?? [
        `child process gave no result (exit ${run.status ?? run.signal}): ${run.stderr.trim().slice(-500)}`,
      ];
      if (problems.length === 0) {
        passed++;
        console.log(`ok   ${system} ${backend}: gradients registered, finite and non-zero`);
      } else {
        failed++;
        console.log(`FAIL ${system} ${backend}: ${problems.join('; ')}`);
      }
    }
  }
  if (mixedParent()) passed++;
  else failed++;
  console.log(`plain-node: ${passed} passed, ${failed} failed`);
  process.exit(failed === 0 ? 0 : 1);
}

// Mixed builds: two dependencies may load convkit differently, one as ESM and one as CJS, and then two
// copies of every convkit class live side by side. Modules from one must work in the other: an ESM
// BatchNorm2d in a CJS Sequential, CJS freezeNorms on ESM norms, a CJS optimizer over an ESM model.
// bench/ depends on every package, so its node_modules resolve them all.
async function mixedChild() {
  const require = createRequire(join(root, 'bench/package.json'));
  const esm = async (name) => {
    const pkgJson = require.resolve(`${name}/package.json`);
    const entry = JSON.parse(readFileSync(pkgJson, 'utf8')).exports['.'].import.default;
    return import(pathToFileURL(join(dirname(pkgJson), entry)).href);
  };
  const tf = require('@tensorflow/tfjs-core');
  const problems = [];
  const check = (what, f) => {
    try {
      const why = f();
      if (why) problems.push(`${what}: ${why}`);
    } catch (err) {
      problems.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
    }
  };
  await require('@convkit/backend').initBackend({ backend: 'cpu', strict: true });
  const cjs = {
    core: require('@convkit/core'),
    models: require('@convkit/models'),
    trainer: require('@convkit/trainer'),
  };
  const mjs = { core: await esm('@convkit/core'), norms: await esm('@convkit/norms') };
  if (mjs.core.Module === cjs.core.Module)
    problems.push('the ESM and CJS builds share one Module class: nothing mixed');
  const bn = () => new mjs.norms.BatchNorm2d({ numFeatures: 2 });
  check('ESM BatchNorm2d instanceof CJS Module', () => (bn() instanceof cjs.core.Module ? '' : 'false'));
  check('ESM BatchNorm2d in a CJS Sequential', () => {
    const net = new cjs.core.Sequential(bn(), new cjs.core.ReLU());
    const y = tf.tidy(() => net.call(tf.ones([1, 2, 2, 2])));
    const shape = y.shape.join(',');
    y.dispose();
    net.dispose();
    return shape === '1,2,2,2' ? '' : `output shape [${shape}]`;
  });
  check('CJS freezeNorms on ESM norms', () => {
    const net = new cjs.core.Sequential(
      new cjs.core.Conv2d({ inChannels: 2, outChannels: 2, kernelSize: 1, rng: 1 }),
      bn(),
    );
    const frozen = cjs.models.freezeNorms(net);
    net.dispose();
    return frozen.join() === '1' ? '' : `froze [${frozen}], expected [1]`;
  });
  check('CJS SGD over an ESM model', () => {
    const net = new mjs.core.Sequential(
      new mjs.core.Linear({ inFeatures: 2, outFeatures: 1, rng: 1 }),
      bn1d(),
    );
    const opt = new cjs.trainer.SGD(net, { lr: 0.1 });
    const n = opt.paramGroups.reduce((k, g) => k + g.params.length, 0);
    opt.dispose();
    net.dispose();
    return n === 4 ? '' : `${n} parameters, expected 4`;
  });
  function bn1d() {
    return new mjs.norms.BatchNorm1d({ numFeatures: 1 });
  }
  console.log(JSON.stringify({ system: 'mixed', backend: 'cpu', problems }));
}

function mixedParent() {
  const run = spawnSync(process.execPath, [fileURLToPath(import.meta.url), '--mixed'], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const line = run.stdout.split('\n').find((l) => l.startsWith('{'));
  const problems = line
    ? JSON.parse(line).problems
    : [`child process gave no result (exit ${run.status ?? run.signal}): ${run.stderr.trim().slice(-500)}`];
  console.log(
    problems.length === 0
      ? 'ok   mixed ESM + CJS builds: modules of one build work in the other'
      : `FAIL mixed ESM + CJS builds: ${problems.join('; ')}`,
  );
  return problems.length === 0;
}

const i = process.argv.indexOf('--child');
if (i >= 0) await child(process.argv[i + 1]);
else if (process.argv.includes('--mixed')) await mixedChild();
else parent();
