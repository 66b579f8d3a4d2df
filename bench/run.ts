// Runs every (job, backend) of the benchmark in its own child process, prints the markdown tables
// and writes them to RESULTS.md.
//   pnpm bench                                 # from the repository root
//   pnpm bench --jobs norms --backends wasm    # a subset: printed, RESULTS.md left alone
//   pnpm bench --help
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { backends as registry } from '@convkit/backend';
import { type ChildResult, JOB_TIMEOUT_S } from './src/cases';
import { parseBenchArgs } from './src/cli';
import { machineInfo, resultsMarkdown, withHandWritten } from './src/report';

const here = dirname(fileURLToPath(import.meta.url));
const parsed = parseBenchArgs(process.argv.slice(2), registry.names());
if ('help' in parsed) {
  console.log(parsed.help);
  process.exit(0);
}
if ('error' in parsed) {
  console.error(`bench: ${parsed.error}`);
  process.exit(2);
}
const { backends, jobs, timeoutMs: timeout, write, subset } = parsed.options;
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
if (write) {
  const file = join(here, 'RESULTS.md');
  const previous = existsSync(file) ? readFileSync(file, 'utf8') : undefined;
  writeFileSync(file, withHandWritten(markdown, previous));
  console.log('written to bench/RESULTS.md');
} else if (subset) {
  console.log('a subset run: bench/RESULTS.md (the full run) is left alone');
}
