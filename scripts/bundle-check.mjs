// Bundler check: an app that imports convkit by package name, bundled by esbuild for Node (ESM and
// CJS output, resolved through the packages' `module` field and `import` condition), trains one step
// on each backend with convkit's gradients. Everything is bundled except the .wasm binaries, which
// the app points at with `wasmPaths`, and the native `webgpu` addon, as a user would do. Each bundle
// runs in its own node process. cpu and wasm must pass; webgpu must pass where it starts, and must
// start when CONVKIT_REQUIRE_BACKENDS lists it. wasm and webgpu must agree with cpu.
// Run after `pnpm exec turbo run build --filter=@convkit/norms...`:  node scripts/bundle-check.mjs
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { bundle, makeOutDir, requireBuilt, wasmDir } from './browser/bundle.mjs';
import { disagreements } from './browser/train-step.js';

const backends = ['cpu', 'wasm', 'webgpu'];
const required = new Set(['cpu', 'wasm', ...(process.env.CONVKIT_REQUIRE_BACKENDS ?? '').split(',')]);
const formats = ['esm', 'cjs'];

const main = `
  const [wasmPaths, ...backends] = process.argv.slice(2);
  for (const backend of backends) console.log(JSON.stringify(await trainStep(lib, backend, { wasmPaths })));
`;

const counts = { passed: 0, failed: 0, skipped: 0 };
function report(status, line) {
  counts[status]++;
  console.log(`${{ passed: 'ok  ', failed: 'FAIL', skipped: 'skip' }[status]} ${line}`);
}

/** Bundles the app as `format`, runs it, and returns its results (one per backend) or why there are none. */
async function bundleAndRun(format, out) {
  const outfile = join(out, `app.${format === 'esm' ? 'mjs' : 'cjs'}`);
  try {
    const { warnings, problems } = await bundle({ main, outfile, platform: 'node', format });
    for (const w of warnings) console.log(`warning (${format}): ${w}`);
    if (problems.length === 0) {
      report('passed', `${format} bundle: one copy each of tfjs-core and the convkit packages, from dist/`);
    } else {
      report('failed', `${format} bundle: ${problems.join('; ')}`);
    }
  } catch (err) {
    report('failed', `${format} bundle: esbuild failed: ${err instanceof Error ? err.message : String(err)}`);
    return { results: [], why: 'not run: the bundle failed' };
  }
  const run = spawnSync(process.execPath, [outfile, `${wasmDir}/`, ...backends], {
    encoding: 'utf8',
    timeout: 120_000,
  });
  const results = run.stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l));
  return { results, why: `no result (exit ${run.status ?? run.signal}): ${run.stderr.trim().slice(-800)}` };
}

requireBuilt('bundle');
const started = performance.now();
const out = makeOutDir('bundle-check');
try {
  for (const format of formats) {
    const { results, why } = await bundleAndRun(format, out);
    const reference = results.find((x) => x.backend === 'cpu' && x.available && x.problems.length === 0);
    for (const backend of backends) {
      const r = results.find((x) => x.backend === backend);
      if (r === undefined) report('failed', `${format} ${backend}: ${why}`);
      else if (!r.available) {
        report(
          required.has(backend) ? 'failed' : 'skipped',
          `${format} ${backend}: could not start: ${r.error}`,
        );
      } else {
        const problems = [...r.problems];
        if (problems.length === 0 && reference !== undefined && r !== reference) {
          problems.push(...disagreements(r, reference));
        }
        const norms = Object.entries(r.grads)
          .map(([n, v]) => `${n} ${v.toExponential(2)}`)
          .join(', ');
        if (problems.length === 0) {
          report(
            'passed',
            `${format} ${backend}: loss ${r.loss.toFixed(5)} -> ${r.lossAfter.toFixed(5)}; |grad| ${norms}`,
          );
        } else {
          report('failed', `${format} ${backend}: ${problems.join('; ')}`);
        }
      }
    }
  }
} finally {
  rmSync(out, { recursive: true, force: true });
}
const { passed, failed, skipped } = counts;
console.log(`bundle: ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`bundle: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
