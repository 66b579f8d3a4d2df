// Browser check: an app that imports convkit by package name, bundled by esbuild for the browser,
// trains one step in headless Chromium on each backend the page has (webgpu, wasm, cpu), each
// started with `initBackend({ backend, strict: true })`, with convkit's gradients. The page and the
// tfjs-backend-wasm .wasm binaries are served from 127.0.0.1. cpu and wasm must pass; webgpu must
// pass when Chromium gives an adapter (SwiftShader without a GPU), and must be there when
// CONVKIT_REQUIRE_BACKENDS lists it. wasm and webgpu must agree with cpu. A second page, served
// cross-origin isolated (COOP/COEP headers), runs wasm with `wasmThreads: 2`: threads must switch on
// (SharedArrayBuffer, tfjs's threaded binary) and the step must agree with cpu.
// Needs Debian's chromium (`apt-get install -y chromium`; CHROMIUM overrides the path).
// Run after `pnpm exec turbo run build --filter=@convkit/norms...`:  node scripts/browser-check.mjs
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { bundle, makeOutDir, requireBuilt, wasmDir } from './browser/bundle.mjs';
import { chromiumMissing, launchChromium } from './browser/chromium.mjs';
import { disagreements } from './browser/train-step.js';

const backends = ['webgpu', 'wasm', 'cpu'];
const required = new Set(['cpu', 'wasm', ...(process.env.CONVKIT_REQUIRE_BACKENDS ?? '').split(',')]);
const pageTimeoutMs = 90_000;

const main = `
  try {
    const wasmPaths = new URL('/wasm/', location.href).href;
    const results = [];
    if (location.pathname === '/isolated/') {
      const r = await trainStep(lib, 'wasm', { wasmPaths, wasmThreads: 2 });
      results.push({ ...r, crossOriginIsolated: self.crossOriginIsolated });
    } else {
      for (const backend of ${JSON.stringify(backends)}) results.push(await trainStep(lib, backend, { wasmPaths }));
    }
    window.__results = results;
  } catch (err) {
    window.__results = { error: err instanceof Error ? (err.stack ?? err.message) : String(err) };
  }
`;

const html =
  '<!doctype html><meta charset="utf-8"><title>convkit</title><script type="module" src="/app.js"></script>';

/** Serves the page, the bundle and the .wasm binaries (as application/wasm, for streaming compile). */
function serve(appFile) {
  const server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://localhost').pathname;
    const wasm = path.match(/^\/wasm\/([\w.-]+\.wasm)$/)?.[1];
    let body;
    let type;
    // The isolated page gets SharedArrayBuffer (and so WASM threads); its resources are same-origin.
    if (path === '/isolated/') {
      res.setHeader('cross-origin-opener-policy', 'same-origin');
      res.setHeader('cross-origin-embedder-policy', 'require-corp');
    }
    if (path === '/' || path === '/isolated/') [body, type] = [html, 'text/html'];
    else if (path === '/app.js') [body, type] = [readFileSync(appFile), 'text/javascript'];
    else if (wasm !== undefined && existsSync(join(wasmDir, wasm))) {
      [body, type] = [readFileSync(join(wasmDir, wasm)), 'application/wasm'];
    }
    res.writeHead(body === undefined ? 404 : 200, { 'content-type': type ?? 'text/plain' });
    res.end(body ?? 'not found');
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

async function runPages(urls, log) {
  const browser = await launchChromium();
  try {
    log.push(`chromium ${browser.version()}`);
    const all = [];
    for (const url of urls) {
      const page = await browser.newPage();
      page.on('console', (m) => {
        if (m.type() === 'error' || m.type() === 'warning') log.push(`console.${m.type()}: ${m.text()}`);
      });
      page.on('pageerror', (err) => log.push(`page error: ${err.message}`));
      await page.goto(url);
      await page.waitForFunction(() => window.__results !== undefined, null, { timeout: pageTimeoutMs });
      all.push(await page.evaluate(() => window.__results));
      await page.close();
    }
    return all;
  } finally {
    await browser.close();
  }
}

requireBuilt('browser');
const why = chromiumMissing();
if (why !== null) {
  // A newcomer's `pnpm test` without Chromium says so and goes on; CI (which requires every
  // backend) installs Chromium and fails here if it is missing.
  if (process.env.CONVKIT_REQUIRE_BACKENDS) {
    console.error(`browser: ${why}`);
    process.exit(1);
  }
  console.log(`browser: SKIPPED, ${why}`);
  process.exit(0);
}
const started = performance.now();
const out = makeOutDir('browser-check');
const appFile = join(out, 'app.js');
const log = [];
let passed = 0;
let failed = 0;
let skipped = 0;
let results;
let isolated;
let error;
let server;
try {
  let built;
  try {
    built = await bundle({ main, outfile: appFile, platform: 'browser', format: 'esm' });
  } catch (err) {
    const message = err instanceof Error ? err.message : String(err);
    // Dawn's Node-only entry, reached through @convkit/backend's `import('webgpu')`.
    const hint = /webgpu@[^/]*\/node_modules\/webgpu\/index\.js.*Could not resolve "node:/s.test(message)
      ? ' (a browser bundler must not follow import(\'webgpu\'): @convkit/backend\'s package.json needs "browser": { "webgpu": false })'
      : '';
    failed++;
    console.log(`FAIL browser bundle: esbuild failed${hint}: ${message}`);
    throw new Error('not run: the bundle failed');
  }
  for (const w of built.warnings) console.log(`warning: ${w}`);
  if (built.problems.length === 0) {
    passed++;
    console.log('ok   browser bundle: one copy each of tfjs-core and the convkit packages, from dist/');
  } else {
    failed++;
    console.log(`FAIL browser bundle: ${built.problems.join('; ')}`);
  }
  server = await serve(appFile);
  const origin = `http://127.0.0.1:${server.address().port}`;
  [results, isolated] = await runPages([`${origin}/`, `${origin}/isolated/`], log);
  if (!Array.isArray(results)) error = `the page threw: ${results?.error}`;
} catch (err) {
  error = err instanceof Error ? err.message : String(err);
} finally {
  server?.close();
  rmSync(out, { recursive: true, force: true });
}

const reference = Array.isArray(results)
  ? results.find((x) => x.backend === 'cpu' && x.available && x.problems.length === 0)
  : undefined;
for (const backend of backends) {
  const r = Array.isArray(results) ? results.find((x) => x.backend === backend) : undefined;
  if (r === undefined) {
    failed++;
    console.log(`FAIL ${backend}: ${error ?? 'no result from the page'}`);
    continue;
  }
  if (!r.available) {
    if (required.has(backend)) {
      failed++;
      console.log(`FAIL ${backend}: not available: ${r.error}`);
    } else {
      skipped++;
      console.log(`skip ${backend}: not available in this Chromium: ${r.error}`);
    }
    continue;
  }
  const problems = [...r.problems];
  if (problems.length === 0 && reference !== undefined && r !== reference) {
    problems.push(...disagreements(r, reference));
  }
  const norms = Object.entries(r.grads)
    .map(([n, v]) => `${n} ${v.toExponential(2)}`)
    .join(', ');
  if (problems.length === 0) {
    passed++;
    console.log(`ok   ${backend}: loss ${r.loss.toFixed(5)} -> ${r.lossAfter.toFixed(5)}; |grad| ${norms}`);
  } else {
    failed++;
    console.log(`FAIL ${backend}: ${problems.join('; ')}`);
  }
  console.log(r.report.replace(/^/gm, '     '));
}
// The cross-origin isolated page: wasm on 2 threads, the same step as cpu.
const threaded = Array.isArray(isolated) ? isolated[0] : undefined;
if (threaded === undefined || !threaded.available) {
  failed++;
  console.log(
    `FAIL wasm threads (cross-origin isolated page): ${threaded?.error ?? isolated?.error ?? error ?? 'no result'}`,
  );
} else {
  const problems = [...threaded.problems];
  if (!threaded.crossOriginIsolated) problems.push('the page is not cross-origin isolated');
  if (!/SIMD on, 2 threads/.test(threaded.report))
    problems.push(`threads did not switch on: ${threaded.report}`);
  if (problems.length === 0 && reference !== undefined) problems.push(...disagreements(threaded, reference));
  if (problems.length === 0) {
    passed++;
    console.log(
      `ok   wasm threads (cross-origin isolated page): loss ${threaded.loss.toFixed(5)}, agrees with cpu`,
    );
  } else {
    failed++;
    console.log(`FAIL wasm threads (cross-origin isolated page): ${problems.join('; ')}`);
  }
  console.log(threaded.report.replace(/^/gm, '     '));
}
if (failed > 0 || error !== undefined) for (const line of log) console.log(`  ${line}`);
else if (log.length > 0) console.log(log[0]);
console.log(`browser: ${((performance.now() - started) / 1000).toFixed(1)} s`);
console.log(`browser: ${passed} passed, ${failed} failed${skipped > 0 ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
