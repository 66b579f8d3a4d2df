// Runs every (job, backend) of the benchmark in its own child process, prints the markdown tables
// and writes them to RESULTS.md.
//   pnpm bench                                                # from the repository root
//   tsx run.ts --backends cpu,wasm --jobs norms --no-write    # a subset, without touching RESULTS.md
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { backends as registry } from '@convkit/backend';
import { BACKENDS, type ChildResult, JOB_TIMEOUT_S, JOBS, type Job } from './src/cases';
import { machineInfo, resultsMarkdown, withHandWritten } from './src/report';

const here = dirname(fileURLToPath(import.meta.url));
const { values } = parseArgs({
  options: {
    backends: { type: 'string', default: BACKENDS.join(',') },
    jobs: { type: 'string', default: JOBS.join(',') },
    'no-write': { type: 'boolean', default: false },
    'timeout-s': { type: 'string', default: '240' },
  },
});
const backends = values.backends.split(',').filter((b) => b !== '');
const jobs = values.jobs.split(',').filter((j) => j !== '') as Job[];
const unknown = jobs.filter((j) => !JOBS.includes(j));
if (unknown.length > 0) throw new Error(`unknown job(s) ${unknown.join(', ')}; known: ${JOBS.join(', ')}`);
const timeout = 1000 * Number(values['timeout-s']);
const loadAtStart = loadavg()[0];
const started = performance.now();
const tmp = mkdtempSync(join(tmpdir(), 'convkit-bench-'));
const results: ChildResult[] = [];

for (const backend of backends) {
  for (const job of jobs) {
    if (job === 'tfjs-layers+kernels' && registry.get(backend).kernels.length === 0) continue;
    const out = join(tmp, `${job}-${backend}.json`);
    const t0 = performance.now();
    process.stderr.write(`bench: ${job} on ${backend} ... `);
    const child = spawnSync(process.execPath, ['--import', 'tsx', 'child.ts', job, backend, out], {
      cwd: here,
      encoding: 'utf8',
      timeout: Math.max(timeout, 1000 * (JOB_TIMEOUT_S[job] ?? 0)),
      maxBuffer: 16 << 20,
    });
    const seconds = ((performance.now() - t0) / 1000).toFixed(1);
    let result: ChildResult;
    try {
      result = JSON.parse(readFileSync(out, 'utf8')) as ChildResult;
    } catch {
      const why = child.error?.message ?? `exit code ${child.status}`;
      const tail = `${child.stdout ?? ''}${child.stderr ?? ''}`.trim().split('\n').slice(-5).join('\n');
      result = { job, backend, error: `child process failed (${why})`, cases: [] };
      process.stderr.write(`failed after ${seconds} s\n${tail}\n`);
      results.push(result);
      continue;
    }
    process.stderr.write(
      `${result.error === undefined ? 'done' : `error: ${result.error}`} (${seconds} s)\n`,
    );
    results.push(result);
  }
}
rmSync(tmp, { recursive: true, force: true });

const machine = { ...machineInfo(loadAtStart), seconds: (performance.now() - started) / 1000 };
const markdown = resultsMarkdown(results, backends, machine);
console.log(`\n${markdown}`);
if (!values['no-write']) {
  const file = join(here, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  writeFileSync(file, withHandWritten(markdown, previous));
  console.log('written to bench/RESULTS.md');
}
