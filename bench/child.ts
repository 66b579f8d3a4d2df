// One (job, backend) of the benchmark, in its own process so that registrations never mix.
//   node --import tsx child.ts <job> <backend> <out.json>
import { writeFileSync } from 'node:fs';
import { augmentCases } from './src/augment-cases';
import { type Case, type ChildResult, JOBS, type Job, MODEL_ROUNDS } from './src/cases';
import { convkitCases } from './src/convkit-cases';
import { measure, measureRounds } from './src/measure';
import { modelCases } from './src/model-cases';
import { normCases } from './src/norm-cases';
import { optimizerCases } from './src/optimizer-cases';
import { tfjsLayersCases } from './src/tfjs-layers-cases';

const message = (err: unknown) => (err instanceof Error ? err.message : String(err)).split('\n')[0];

const SETUPS: Record<Job, (backend: string) => Promise<{ cases: Case[]; detail: string }>> = {
  convkit: convkitCases,
  'tfjs-layers': (backend) => tfjsLayersCases(backend, false),
  'tfjs-layers+kernels': (backend) => tfjsLayersCases(backend, true),
  norms: normCases,
  augment: augmentCases,
  optimizers: optimizerCases,
  models: modelCases,
};

async function main(): Promise<void> {
  const [job, backend, out] = process.argv.slice(2) as [Job, string, string];
  if (!JOBS.includes(job) || backend === undefined || out === undefined) {
    throw new Error(`usage: child.ts <${JOBS.join('|')}> <backend> <out.json>`);
  }
  const result: ChildResult = { job, backend, cases: [] };
  let cases: Case[] = [];
  try {
    const setup = await SETUPS[job](backend);
    cases = setup.cases;
    result.detail = setup.detail;
  } catch (err) {
    result.error = message(err);
  }
  for (const c of cases) {
    if (c.run === undefined) {
      result.cases.push({ name: c.name, skipped: c.skipped ?? 'not run' });
      continue;
    }
    try {
      if (c.reference?.run) {
        const { timing, reference, ratios } = await measureRounds(c.run, c.reference.run, {
          rounds: MODEL_ROUNDS,
        });
        const each = ratios.map((r) => r.toFixed(2)).join(', ');
        process.stderr.write(
          `  ${c.name}: ${timing.medianMs.toFixed(1)} ms, reference ${reference.medianMs.toFixed(1)} ms (${each})\n`,
        );
        result.cases.push({ name: c.name, timing, reference: { timing: reference, ratios } });
        continue;
      }
      // WebGPU's first run compiles shaders: always warm up there.
      const timing = await measure(c.run, { coldIfSlow: backend !== 'webgpu', ...c.measure });
      process.stderr.write(`  ${c.name}: ${timing.medianMs.toFixed(1)} ms (${timing.runs} runs)\n`);
      const reference =
        c.reference?.skipped === undefined ? {} : { reference: { skipped: c.reference.skipped } };
      result.cases.push({ name: c.name, timing, launches: c.launches, ...reference });
    } catch (err) {
      result.cases.push({ name: c.name, error: message(err) });
    }
  }
  writeFileSync(out, JSON.stringify(result, null, 2));
}

main().then(
  // Exit explicitly: Dawn (WebGPU in Node) keeps the event loop alive while its device lives.
  () => process.exit(0),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
