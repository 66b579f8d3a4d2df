// The long soak: 10,000 training steps and 1,000 loadStateDict calls on one backend, the tensor count
// and bytes sampled as they go, one PASS/FAIL line at the end (exit code 1 on FAIL).
//   pnpm bench:soak                        # from the repository root
//   pnpm bench:soak --backend cpu --size tiny
//   pnpm bench:soak --help
import { formatReport, initBackend } from '@convkit/backend';
import { parseSoakArgs, sampleRows, soakLoadStateDict, soakTraining, soakVerdict } from './src/soak';

const parsed = parseSoakArgs(process.argv.slice(2));
if ('help' in parsed) {
  console.log(parsed.help);
  process.exit(0);
}
if ('error' in parsed) {
  console.error(`bench:soak: ${parsed.error}`);
  process.exit(2);
}
const o = parsed.options;
const report = await initBackend({ backend: o.backend, strict: true });
console.log(formatReport(report));
const every = (n: number) => Math.max(1, Math.floor(n / 10));
const started = performance.now();
const progress = (what: string, total: number) => (s: { step: number; numTensors: number }) =>
  process.stderr.write(
    `bench:soak: ${what} ${s.step}/${total}: ${s.numTensors} tensors ` +
      `(${((performance.now() - started) / 1000).toFixed(0)} s)\n`,
  );

process.stderr.write(`bench:soak: ${o.steps} training steps (${o.size}) on ${o.backend} ...\n`);
const training = await soakTraining({
  steps: o.steps,
  every: every(o.steps),
  size: o.size,
  onSample: progress('step', o.steps),
});
console.log(['', ...sampleRows('step', training)].join('\n'));
process.stderr.write(`bench:soak: ${o.loads} loadStateDict calls ...\n`);
const loading = await soakLoadStateDict({
  loads: o.loads,
  every: every(o.loads),
  size: o.size,
  onSample: progress('load', o.loads),
});
console.log(['', ...sampleRows('load', loading), ''].join('\n'));

const verdict = soakVerdict(o, training, loading);
console.log(verdict.line);
process.exit(verdict.pass ? 0 : 1);
