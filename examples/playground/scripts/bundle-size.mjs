// Page weight per backend (issue 13, item 7): what the built playground and two minimal apps — convkit
// and tfjs-layers training one Adam step of the same CNN — fetch in Chromium, JavaScript and wasm,
// gzip -9 per file. Writes its section of bench/RESULTS.md (in the hand-written part, which `pnpm bench`
// keeps); `--no-write` prints it only. Needs the playground built (`pnpm build`) and Debian's chromium.
//   pnpm --filter @convkit/example-playground bundle-size
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { gzipSync } from 'node:zlib';
import { chromium } from 'playwright-core';
import { build, preview } from 'vite';
import { formatSection, replaceSection } from './bundle-report.mjs';

const here = dirname(fileURLToPath(import.meta.url));
const playground = join(here, '..');
const appsDir = join(here, 'bundle-size');
const results = join(playground, '../../bench/RESULTS.md');
const { values: args } = parseArgs({ options: { 'no-write': { type: 'boolean' } } });
const isolation = {
  'Cross-Origin-Opener-Policy': 'same-origin',
  'Cross-Origin-Embedder-Policy': 'require-corp',
};

const out = mkdtempSync(join(tmpdir(), 'convkit-bundle-size-'));
const builds = join(out, 'site'); // served from `out`: Vite's preview wants its root outside outDir
const apps = ['convkit', 'tfjs-webgpu', 'tfjs-wasm'];
for (const app of apps) {
  await build({
    root: appsDir,
    configFile: join(appsDir, 'vite.config.ts'),
    build: {
      outDir: join(builds, app),
      emptyOutDir: true,
      rolldownOptions: { input: join(appsDir, `${app}.html`) },
    },
  });
}
const site = await preview({
  root: playground,
  configFile: join(playground, 'vite.config.ts'),
  preview: { port: 0, host: '127.0.0.1' },
  logLevel: 'warn',
});
const minimal = await preview({
  root: out,
  configFile: false,
  build: { outDir: builds },
  preview: { port: 0, host: '127.0.0.1', headers: isolation },
  logLevel: 'warn',
});
const siteUrl = site.resolvedUrls.local[0];
const minimalUrl = minimal.resolvedUrls.local[0];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM ?? '/usr/bin/chromium',
  args: ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--no-first-run'],
});

/** Opens `url` in a fresh context, waits for `ready`, and sums what it fetched (JS and wasm, not data). */
async function weigh(url, ready) {
  const context = await browser.newContext();
  const fetched = new Map();
  context.on('response', async (res) => {
    const path = new URL(res.url()).pathname;
    if (!/\.(js|wasm)$/.test(path) || path.includes('/data/')) return;
    fetched.set(
      path,
      res.body().catch(() => Buffer.alloc(0)),
    );
  });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(ready, null, { timeout: 180_000 });
  const result = await page.evaluate(() => window.__result ?? null);
  await page.waitForTimeout(500); // late responses (the wasm binary streams in)
  const files = await Promise.all([...fetched].map(async ([path, body]) => ({ path, body: await body })));
  await context.close();
  const size = (list) => ({
    files: list.length,
    raw: list.reduce((s, f) => s + f.body.length, 0),
    gzip: list.reduce((s, f) => s + gzipSync(f.body, { level: 9 }).length, 0),
  });
  const js = files.filter((f) => f.path.endsWith('.js'));
  const wasm = files.filter((f) => f.path.endsWith('.wasm'));
  if (wasm.length > 1) throw new Error(`${url} fetched ${wasm.length} wasm binaries`);
  const file = wasm[0]?.path.replace(/^.*\//, '').replace(/-[\w-]{8}\.wasm$/, '.wasm');
  return { js: size(js), wasm: wasm.length ? { file, ...size(wasm) } : null, result };
}

const rows = [];
try {
  for (const backend of ['webgpu', 'wasm']) {
    const page = await weigh(
      `${siteUrl}?backend=${backend}`,
      () => window.playground?.init != null || window.playground?.messages.length > 0,
    );
    rows.push({
      app: 'playground page (UI, charts, worker, models, trainer, augment, data)',
      backend,
      ...page,
    });
  }
  for (const backend of ['webgpu', 'wasm']) {
    const page = await weigh(
      `${minimalUrl}convkit/convkit.html?backend=${backend}`,
      () => window.__result != null,
    );
    rows.push({ app: 'convkit: mnist_cnn, one Adam step', backend, ...page, note: page.result?.error ?? '' });
  }
  for (const backend of ['webgpu', 'wasm']) {
    const page = await weigh(
      `${minimalUrl}tfjs-${backend}/tfjs-${backend}.html`,
      () => window.__result != null,
    );
    const error = page.result?.error;
    rows.push({
      app: 'tfjs-layers: the same CNN, one Adam step (trainOnBatch)',
      backend,
      ...page,
      note: error ? `the step fails: ${error.replace(/\|/g, '\\|').slice(0, 120)}` : '',
    });
  }
} finally {
  await browser.close();
  await site.close();
  await minimal.close();
  rmSync(out, { recursive: true, force: true });
}

const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
const section = formatSection({
  rows,
  machine: `Chromium ${browser.version()}, ${cpu}`,
  date: new Date().toISOString().slice(0, 10),
});
console.log(section);
if (!args['no-write']) {
  writeFileSync(results, replaceSection(readFileSync(results, 'utf8'), section));
  console.log(`written to bench/RESULTS.md`);
}
