// Browser check of the built playground (`pnpm build` first): serves dist/ with Vite's preview server
// (cross-origin isolated, as the dev server and public/_headers) and drives Debian's Chromium through
// playwright-core, as scripts/browser-check.mjs does.
//
//   WASM page (forced, 2 threads): the report says WASM with SIMD and 2 threads; a small run overfits
//   one batch; a 40-step run on 1,280 images lowers the loss while a main-thread heartbeat keeps
//   ticking; the batch preview is drawn; a drawn digit and a test image get predictions; the weights
//   download as safetensors that @convkit/models loads in Node to the same predictions; a corrupt file
//   and another architecture's file are refused with a clear message; save → reload → restore gives the
//   same predictions (the reloaded page picks its backend itself: the fallback report).
//   The same site from a plain static server without COOP/COEP: the report says threads are off and why.
//   WebGPU page (SwiftShader): the same one-batch overfit for 3 steps, agreeing with WASM; then the GPU
//   device is destroyed mid-training: the page says so and offers WASM, which continues from the kept state.
//
// Outside CI (CONVKIT_REQUIRE_BACKENDS unset) a missing Chromium skips the check, visibly; WebGPU must
// run when CONVKIT_REQUIRE_BACKENDS lists it. `--screenshot FILE` also trains longer and writes the
// picture the README shows (`--screenshot-only`: that alone):
//   node check.mjs --screenshot-only --screenshot ../../docs/playground.png
// Needs the packages and the site built:  pnpm build && node check.mjs
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { preview } from 'vite';
import { chromiumMissing, launchChromium } from '../../scripts/browser/chromium.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const { values: args } = parseArgs({
  options: { screenshot: { type: 'string' }, 'screenshot-only': { type: 'boolean' } },
});
const required = new Set((process.env.CONVKIT_REQUIRE_BACKENDS ?? '').split(',').filter(Boolean));
const started = performance.now();
const results = [];
let failed = 0;

function check(name, ok, detail = '') {
  results.push({ name, ok });
  if (!ok) failed++;
  const t = ((performance.now() - started) / 1000).toFixed(0).padStart(3);
  console.log(`${ok ? 'ok  ' : 'FAIL'} ${t} s  ${name}${detail ? `: ${detail}` : ''}`);
  return ok;
}

const mean = (xs) => xs.reduce((a, b) => a + b, 0) / xs.length;
const maxDiff = (a, b) => Math.max(...a.map((v, i) => Math.abs(v - b[i])));
const round = (xs) => xs.map((v) => v.toFixed(3)).join(' ');

if (!existsSync(join(here, 'dist/index.html')) || !existsSync(join(here, 'dist/data/datasets.json'))) {
  console.error(
    'playground: dist/ is missing: run `pnpm build` (or `pnpm --filter @convkit/example-playground build`) first',
  );
  process.exit(1);
}
const why = chromiumMissing();
if (why !== null) {
  if (process.env.CONVKIT_REQUIRE_BACKENDS) {
    console.error(`playground: ${why}`);
    process.exit(1);
  }
  console.log(`playground: SKIPPED, ${why}`);
  process.exit(0);
}

const server = await preview({
  root: here,
  configFile: join(here, 'vite.config.ts'),
  preview: { port: 0, host: '127.0.0.1', open: false },
  logLevel: 'warn',
});
const origin = server.resolvedUrls?.local[0]?.replace(/\/$/, '');
const browser = await launchChromium();
const log = [];
const context = await browser.newContext({ viewport: { width: 1280, height: 1000 }, acceptDownloads: true });
const page = await context.newPage();
page.on('console', (m) => {
  if (m.type() === 'error' || m.type() === 'warning') log.push(`console.${m.type()}: ${m.text()}`);
});
page.on('pageerror', (err) => log.push(`page error: ${err.message}`));
const out = mkdtempSync(join(tmpdir(), 'convkit-playground-'));

const status = () =>
  page.evaluate(() => JSON.parse(JSON.stringify({ ...window.playground, loseDevice: undefined })));

/** Waits until `status()` satisfies `predicate` (a string of JS over `s`), or fails after `ms`. */
async function until(predicate, ms, what) {
  try {
    await page.waitForFunction(
      `(() => { const s = window.playground; return s && (${predicate}); })()`,
      null,
      {
        timeout: ms,
        polling: 100,
      },
    );
    return true;
  } catch {
    const s = await status().catch(() => ({}));
    check(
      what,
      false,
      `timed out after ${ms / 1000} s (state ${s.state}, messages: ${JSON.stringify(s.messages)})`,
    );
    return false;
  }
}

async function open(query) {
  await page.goto(`${origin}/${query}`);
  return until('s.data !== null', 60_000, `page ${query} loads its data`);
}

async function setForm(values) {
  for (const [name, v] of Object.entries(values)) {
    if (name === 'augment') await page.setChecked('input[name=augment]', v);
    else if (name === 'model' || name === 'optimizer') await page.selectOption(`[name=${name}]`, String(v));
    else await page.fill(`[name=${name}]`, String(v));
  }
}

/** Starts a run with `values` and waits until it is done. */
async function train(values, ms, what) {
  await setForm(values);
  // A marker the page overwrites when the worker reports: a short run may be over before a poll sees it run.
  await page.evaluate(() => {
    window.playground.state = 'starting';
  });
  await page.click('#start');
  return until("s.state === 'done' || s.state === 'failed'", ms, `${what} finishes`);
}

// One batch of 8 trained 8 times: a loss that must fall near zero (the recipe's overfit check), cheap
// enough for SwiftShader. Validation on the same 8 held-out images after each step.
const OVERFIT = { trainImages: 8, batchSize: 8, epochs: 8, lr: 0.005, valImages: 8, augment: false };

async function overfit(backend) {
  if (!(await train(OVERFIT, 180_000, `${backend}: one-batch overfit`))) return undefined;
  const s = await status();
  const losses = s.history.train.map((p) => p.loss);
  check(
    `${backend}: overfitting one batch of 8 lowers the loss`,
    losses.length > 0 && losses.at(-1) < 0.5 * losses[0],
    round(losses),
  );
  return s.history.val;
}

async function drawDigit() {
  const box = await page.locator('#pad').boundingBox();
  const at = (x, y) => [box.x + x * box.width, box.y + y * box.height];
  // A 7: a bar, then a stroke down to the left.
  await page.mouse.move(...at(0.25, 0.25));
  await page.mouse.down();
  for (const [x, y] of [
    [0.5, 0.25],
    [0.75, 0.25],
    [0.6, 0.5],
    [0.45, 0.8],
  ])
    await page.mouse.move(...at(x, y), { steps: 6 });
  await page.mouse.up();
}

async function predictionOf(action) {
  await page.evaluate(() => {
    window.playground.prediction = null;
  });
  await action();
  // The last one asked for: a drawing asks again while the pen moves.
  await until('s.prediction !== null && s.predicting === 0', 20_000, 'a prediction appears');
  return (await status()).prediction;
}

const classifyTest = (index) =>
  predictionOf(async () => {
    await page.fill('#test-index', String(index));
    await page.click('#pick');
  });

/** Node's verdict on a downloaded file: @convkit/models loads it into mnist_cnn; its prediction for `pixels`. */
async function nodePrediction(bytes, pixels) {
  const { initBackend } = await import('@convkit/backend');
  const { createModel, loadTorchWeights, parseSafetensors, torchKeyNames } = await import('@convkit/models');
  const { MNIST_STATS } = await import('@convkit/augment');
  const tf = await import('@tensorflow/tfjs-core');
  await initBackend({ backend: 'cpu', strict: true, warn: () => {} });
  const model = createModel('mnist_cnn', { numClasses: 10 });
  const file = parseSafetensors(bytes);
  const keys = Object.values(torchKeyNames(model)).sort().join();
  loadTorchWeights(model, file);
  model.eval();
  const probs = tf.tidy(() => {
    const x = tf.tensor4d(
      Float32Array.from(pixels, (p) => (p / 255 - MNIST_STATS.mean[0]) / MNIST_STATS.std[0]),
      [1, 28, 28, 1],
    );
    return tf.softmax(model.call(x));
  });
  const out = Array.from(await probs.data());
  tf.dispose(probs);
  model.dispose();
  return { probs: out, sameKeys: [...file.names].sort().join() === keys, metadata: file.metadata };
}

/** A resnet20_mnist weights file, as another page would download it. */
async function resnetFile() {
  const { createModel } = await import('@convkit/models');
  const { saveSafetensors, exportTorchWeights } = await import('@convkit/models');
  const tf = await import('@tensorflow/tfjs-core');
  const model = createModel('resnet20_mnist', { numClasses: 10, rng: 0 });
  const tensors = exportTorchWeights(model);
  const bytes = await saveSafetensors(tensors);
  tf.dispose(Object.values(tensors));
  model.dispose();
  return Buffer.from(bytes);
}

async function upload(name, buffer) {
  await page.evaluate(() => {
    window.playground.messages = [];
  });
  await page.setInputFiles('#load-weights', { name, mimeType: 'application/octet-stream', buffer });
  await page.waitForFunction((n) => window.playground.messages.some((m) => m.includes(n)), name, {
    timeout: 20_000,
  });
  return page.evaluate(() => ({
    alert: document.getElementById('alert').hidden ? '' : document.getElementById('alert-text').textContent,
  }));
}

/** Serves `dir` as a static host that sends no COOP/COEP headers would. */
async function servePlain(dir) {
  const types = {
    '.html': 'text/html',
    '.js': 'text/javascript',
    '.css': 'text/css',
    '.json': 'application/json',
    '.wasm': 'application/wasm',
  };
  const server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = join(dir, path.endsWith('/') ? `${path}index.html` : path);
    if (!file.startsWith(dir) || !existsSync(file)) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, {
      'content-type': types[file.slice(file.lastIndexOf('.'))] ?? 'application/octet-stream',
    });
    res.end(readFileSync(file));
  });
  await new Promise((r) => server.listen(0, '127.0.0.1', r));
  return { server, url: `http://127.0.0.1:${server.address().port}` };
}

let wasmVal;
try {
  // ---------------- WASM, forced, 2 threads ----------------
  if (!args['screenshot-only'] && (await open('?backend=wasm&threads=2'))) {
    const s = await status();
    check(
      'wasm: the report names WASM with SIMD and 2 threads',
      /backend: wasm \(SIMD on, 2 threads\)/.test(s.init?.text ?? ''),
      s.init?.text.split('\n')[0],
    );
    check(
      'wasm: the page is cross-origin isolated (COOP/COEP)',
      await page.evaluate(() => self.crossOriginIsolated),
    );
    // tfjs-core keeps its engine in a global of the realm that loads it: the page's stays empty.
    check(
      'wasm: the page itself runs no tfjs (the worker does)',
      await page.evaluate(() => !('_tfengine' in window)),
    );
    wasmVal = await overfit('wasm');

    await page.evaluate(() => {
      window.playground.heartbeat = { ticks: 0, maxGapMs: 0, runningMs: 0, longTasks: [] };
    });
    const runStarted = performance.now();
    if (
      await train(
        { trainImages: 1280, batchSize: 32, epochs: 1, lr: 0.002, valImages: 500, augment: true },
        120_000,
        'wasm: 40-step run',
      )
    ) {
      const r = await status();
      const losses = r.history.train.map((p) => p.loss);
      const steps = r.progress?.position.step;
      check(
        'wasm: 40 steps, 4 validation points',
        steps === 40 && r.history.val.length === 4,
        `step ${steps}, ${r.history.val.length} validations`,
      );
      check(
        'wasm: the training loss falls',
        mean(losses.slice(-3)) < 0.75 * mean(losses.slice(0, 3)),
        `${round(losses.slice(0, 3))} … ${round(losses.slice(-3))}; validation accuracy ${r.history.val.map((p) => p.accuracy.toFixed(2)).join(' ')}`,
      );
      const hb = r.heartbeat;
      const expected = hb.runningMs / 50;
      // Training on the main thread would block it a whole step at a time: few ticks, a long task per
      // step. The longest gap may reach 1 s: on a loaded 2-core CI machine the OS alone delays a timer
      // by half a second now and then (seen at load average 25), with no long task of the page's.
      check(
        'wasm: the page stayed responsive while training',
        hb.maxGapMs < 1000 && hb.ticks > 0.5 * expected && hb.longTasks.every((t) => t < 500),
        `heartbeat: ${hb.ticks} ticks of 50 ms in ${(hb.runningMs / 1000).toFixed(1)} s, longest gap ${hb.maxGapMs.toFixed(0)} ms, long tasks [${hb.longTasks}] ms; run took ${((performance.now() - runStarted) / 1000).toFixed(1)} s`,
      );
      const speed = await page.textContent('#speed');
      check(
        'wasm: steps/s and images/s are shown',
        /[\d.]+ steps\/s · \d+ images\/s/.test(speed ?? ''),
        speed,
      );
      const previewInk = await page.evaluate(() => {
        const c = document.getElementById('preview');
        const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
        const half = d.length / 2;
        let top = 0;
        let bottom = 0;
        for (let i = 0; i < d.length; i += 4) if (d[i] > 128) i < half ? top++ : bottom++;
        return { top, bottom };
      });
      check(
        'wasm: the augmentation preview shows the batch',
        previewInk.top > 500 && previewInk.bottom > 500,
        JSON.stringify(previewInk),
      );
      // The curves (Chart.js, redrawn at most 4 times a second): each chart's canvas holds the ink of
      // its per-step training line, the training means and the validation line, in the report's colours.
      const curveInk = () => {
        const colors = { perStep: [174, 199, 232], train: [31, 119, 180], val: [255, 127, 14] };
        const ink = {};
        for (const id of ['loss', 'accuracy']) {
          const c = document.querySelector(`#chart-${id} canvas`);
          ink[id] = Object.fromEntries(Object.keys(colors).map((k) => [k, 0]));
          if (c === null || c.width === 0) continue;
          const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
          for (let i = 0; i < d.length; i += 4) {
            for (const [k, [r, g, b]] of Object.entries(colors)) {
              if (d[i + 3] > 200 && Math.abs(d[i] - r) + Math.abs(d[i + 1] - g) + Math.abs(d[i + 2] - b) < 24)
                ink[id][k]++;
            }
          }
        }
        return ink;
      };
      const inked = (ink) => ['loss', 'accuracy'].every((id) => Object.values(ink[id]).every((n) => n > 20));
      await page
        .waitForFunction(`(${inked})((${curveInk})())`, null, { timeout: 5000 })
        .catch(() => undefined);
      const ink = await page.evaluate(curveInk);
      check('wasm: the loss and accuracy charts show every curve', inked(ink), JSON.stringify(ink));
    }

    const drawn = await predictionOf(drawDigit);
    const drawnSum = drawn.probabilities.reduce((a, b) => a + b, 0);
    const best = drawn.probabilities.indexOf(Math.max(...drawn.probabilities));
    check(
      'wasm: a drawn digit gets class probabilities',
      Math.abs(drawnSum - 1) < 1e-4 && Object.keys(drawn.pixels).length === 784,
      `a drawn 7 reads as ${best} (${(100 * drawn.probabilities[best]).toFixed(0)} %)`,
    );
    const test0 = await classifyTest(0);
    check(
      'wasm: test image 0 gets a prediction and its label',
      test0.label === 7 && test0.probabilities.length === 10,
      `label ${test0.label}, p(7) ${test0.probabilities[7].toFixed(3)}`,
    );

    // Download, and check the file in Node with @convkit/models.
    const [download] = await Promise.all([page.waitForEvent('download'), page.click('#download')]);
    const file = join(out, download.suggestedFilename());
    await download.saveAs(file);
    const bytes = readFileSync(file);
    const node = await nodePrediction(new Uint8Array(bytes), Uint8Array.from(Object.values(test0.pixels)));
    check(
      'wasm: the downloaded safetensors has PyTorch keys and loads in Node to the same prediction',
      node.sameKeys &&
        node.metadata['convkit.model'] === 'mnist_cnn' &&
        maxDiff(node.probs, test0.probabilities) < 1e-4,
      `${download.suggestedFilename()}, ${bytes.length} bytes, max |Δp| ${maxDiff(node.probs, test0.probabilities).toExponential(1)}`,
    );

    // Bad input: a corrupt file and another architecture's weights.
    const corrupt = await upload('corrupt.safetensors', Buffer.from('this is not a safetensors file at all'));
    check(
      'wasm: a corrupt file is refused with a clear message',
      /corrupt\.safetensors is not a readable safetensors file/.test(corrupt.alert),
      corrupt.alert,
    );
    const other = await upload('resnet20.safetensors', await resnetFile());
    check(
      "wasm: another architecture's file is refused, naming the model it fits",
      /resnet20\.safetensors does not fit mnist_cnn: .*it fits resnet20_mnist.*Nothing was loaded/.test(
        other.alert,
      ),
      other.alert,
    );
    const afterBad = await classifyTest(0);
    check(
      'wasm: the refused files changed nothing',
      maxDiff(afterBad.probabilities, test0.probabilities) === 0,
    );

    // Save, reload (the page picks its backend itself), restore.
    await page.click('#save');
    await until(
      "s.messages.some((m) => m.startsWith('saved at step'))",
      20_000,
      'wasm: the checkpoint is saved',
    );
    if (await open('?threads=2')) {
      const auto = (await status()).init?.text ?? '';
      check(
        'auto: the fallback report says what runs and why WebGPU was skipped',
        /^backend: (wasm|webgpu)/.test(auto) &&
          (auto.startsWith('backend: webgpu') || /skipped: webgpu: /.test(auto)),
        auto.split('\n').slice(0, 2).join(' | '),
      );
      await page.waitForFunction(() => !document.getElementById('restore').disabled, null, {
        timeout: 10_000,
      });
      await page.click('#restore');
      await until(
        "s.messages.some((m) => m.startsWith('restored step'))",
        20_000,
        'the checkpoint is restored after a reload',
      );
      const restored = await classifyTest(0);
      const redrawn = await predictionOf(drawDigit);
      check(
        'save → reload → restore gives the same predictions',
        maxDiff(restored.probabilities, test0.probabilities) < 1e-5 &&
          maxDiff(redrawn.probabilities, drawn.probabilities) < 1e-5,
        `max |Δp| ${maxDiff(restored.probabilities, test0.probabilities).toExponential(1)} (test image), ${maxDiff(redrawn.probabilities, drawn.probabilities).toExponential(1)} (drawing)`,
      );
      const reloaded = await upload(download.suggestedFilename(), bytes);
      const fromFile = await classifyTest(0);
      check(
        'loading the downloaded file gives the same predictions',
        reloaded.alert === '' && maxDiff(fromFile.probabilities, test0.probabilities) < 1e-5,
        (await status()).messages.at(-1),
      );
    }
  }

  // ---------------- not cross-origin isolated: a static host without the headers ----------------
  await page.goto('about:blank');
  const plain = args['screenshot-only'] ? undefined : await servePlain(join(here, 'dist'));
  if (plain)
    try {
      await page.goto(`${plain.url}/?backend=wasm`);
      if (await until('s.init !== null', 60_000, 'plain host: the page starts WASM')) {
        const text = (await status()).init.text;
        const report = await page.textContent('#report');
        check(
          'plain host (no COOP/COEP): the report says WASM threads are off and why',
          /threads off: threads need SharedArrayBuffer: serve the page cross-origin isolated/.test(text) &&
            /page cross-origin isolated: no/.test(report ?? ''),
          text.split('\n')[0],
        );
      }
    } finally {
      await new Promise((r) => plain.server.close(r));
    }

  // ---------------- WebGPU (SwiftShader) ----------------
  await page.goto('about:blank');
  if (!args['screenshot-only'] && (await open('?backend=webgpu'))) {
    const s = await status();
    if (s.init === null) {
      const why = s.messages.join('; ');
      if (required.has('webgpu')) check('webgpu: starts in Chromium', false, why);
      else console.log(`skip webgpu: not available in this Chromium: ${why}`);
    } else {
      check(
        'webgpu: the report names the adapter',
        /^backend: webgpu \(.+\)/.test(s.init.text),
        s.init.text.split('\n')[0],
      );
      // One run, cheap enough for SwiftShader (its first step compiles every shader): the one-batch
      // overfit of the WASM page, longer; after 3 steps (a snapshot each) the GPU device is destroyed.
      await setForm({ ...OVERFIT, epochs: 30 });
      await page.click('#start');
      await until(
        "s.state === 'running' && s.snapshotStep !== null && s.snapshotStep >= 3 && s.history.val.length >= 3",
        180_000,
        'webgpu: training runs and keeps snapshots',
      );
      const lostAt = (await status()).progress?.position.step;
      await page.evaluate(() => window.playground.loseDevice());
      await until("s.state === 'lost'", 20_000, 'webgpu: the lost device is noticed');
      const gpu = await status();
      const gpuLosses = gpu.history.train.map((p) => p.loss);
      check(
        'webgpu: overfitting one batch of 8 lowers the loss',
        gpuLosses.length >= 2 && gpuLosses.at(-1) < 0.75 * gpuLosses[0],
        round(gpuLosses),
      );
      if (wasmVal) {
        const a = gpu.history.val.map((p) => p.loss);
        const b = wasmVal.slice(0, a.length).map((p) => p.loss);
        check(
          'webgpu and wasm agree step by step (validation loss)',
          a.length === b.length && maxDiff(a, b) < 0.05,
          `webgpu ${round(a)} | wasm ${round(b)}`,
        );
      }
      const alert = await page.textContent('#alert-text');
      const offer = await page.isVisible('#continue-wasm');
      check(
        'webgpu: a lost device is reported, the state kept, WASM offered',
        /WebGPU stopped working .*Training state is kept: the snapshot of step \d+/.test(alert ?? '') &&
          offer,
        alert,
      );
      const kept = (await status()).snapshotStep;
      await page.click('#continue-wasm');
      await until(
        "s.init !== null && s.init.report.name === 'wasm' && s.state === 'done'",
        60_000,
        'webgpu → wasm: training continues and finishes',
      );
      const after = await status();
      const steps = after.history.train.map((p) => p.step);
      check(
        'webgpu → wasm: continued from the kept step to the end',
        after.progress?.position.step === 30 &&
          steps[0] <= kept &&
          steps.every((x, i) => i === 0 || x > steps[i - 1]),
        `lost at step ≥ ${lostAt}, continued from step ${kept} to ${after.progress?.position.step} on ${after.init.report.name}`,
      );
    }
  }

  if (args.screenshot) {
    // The README's picture: a longer run (100 steps), a drawn digit and its probabilities.
    await page.goto('about:blank');
    if (await open('?backend=wasm&threads=2')) {
      await train(
        {
          trainImages: 3200,
          batchSize: 64,
          epochs: 2,
          lr: 0.002,
          valImages: 1000,
          augment: true,
          model: 'mnist_cnn',
        },
        600_000,
        'screenshot run',
      );
      await predictionOf(drawDigit);
      await page.waitForTimeout(500); // the charts' last redraw (at most 4 a second)
      await page.screenshot({ path: resolve(args.screenshot), fullPage: true });
      console.log(`wrote ${args.screenshot}`);
    }
  }
} catch (err) {
  check('the check ran to the end', false, err instanceof Error ? (err.stack ?? err.message) : String(err));
} finally {
  await browser.close();
  await server.close();
  rmSync(out, { recursive: true, force: true });
}

if (failed > 0) for (const line of log) console.log(`  ${line}`);
console.log(
  `playground: ${((performance.now() - started) / 1000).toFixed(1)} s, ${results.length - failed} passed, ${failed} failed`,
);
process.exit(failed === 0 ? 0 : 1);
