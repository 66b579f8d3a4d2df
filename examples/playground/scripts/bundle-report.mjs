// The bundle-size table of bench/RESULTS.md (written by bundle-size.mjs), kept apart so that a test can
// check it without a browser.

export const START = '<!-- playground-bundle:start -->';
export const END = '<!-- playground-bundle:end -->';

const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;

/**
 * The section: one row per (app, backend) with the JavaScript and wasm the page fetched, gzip -9 each.
 * `rows`: `{ app, backend, js: { files, raw, gzip }, wasm: { file, raw, gzip } | null, note }`.
 */
export function formatSection({ rows, machine, date }) {
  const out = [
    START,
    '## Page weight: the playground and one training step, convkit next to tfjs-layers',
    '',
    `Written by \`pnpm --filter @convkit/example-playground bundle-size\` (examples/playground/scripts/bundle-size.mjs), ${date}, ${machine}.`,
    'Each app is built by Vite 8 for production (minified; the packages from their dist/, as an app that installed them),',
    'served cross-origin isolated, and opened in Chromium; the table counts what the page fetched — its JavaScript',
    "(the worker's included) and the tfjs-backend-wasm binary — each file compressed with gzip -9. The data files are",
    'not counted. The minimal apps train one Adam step of the same CNN (mnist_cnn: conv 5×5 ×8, ReLU, max-pool,',
    'conv 5×5 ×16, ReLU, max-pool, linear 784→10) on 8 random images, importing only what they use:',
    '`examples/playground/scripts/bundle-size/`.',
    '',
    '| app | backend | JS files | JS (gzip) | wasm (gzip) | total (gzip) | JS (raw) | note |',
    '| --- | --- | ---: | ---: | ---: | ---: | ---: | --- |',
  ];
  for (const r of rows) {
    const total = r.js.gzip + (r.wasm?.gzip ?? 0);
    out.push(
      `| ${r.app} | ${r.backend} | ${r.js.files} | ${kb(r.js.gzip)} | ${r.wasm ? `${kb(r.wasm.gzip)} (${r.wasm.file})` : '–'} | ${kb(total)} | ${kb(r.js.raw)} | ${r.note ?? ''} |`,
    );
  }
  out.push('', END);
  return out.join('\n');
}

/** `markdown` with its START…END section replaced by `section`, or `section` appended at the end (the hand-written part). */
export function replaceSection(markdown, section) {
  const a = markdown.indexOf(START);
  const b = markdown.indexOf(END);
  if (a < 0 || b < a) return `${markdown.trimEnd()}\n\n${section}\n`;
  return `${markdown.slice(0, a)}${section}${markdown.slice(b + END.length)}`;
}
