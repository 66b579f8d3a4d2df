import { parseArgs } from 'node:util';
import { BACKENDS, JOBS, type Job } from './cases';

/** What `pnpm bench` was asked to do. */
export interface BenchOptions {
  backends: string[];
  jobs: Job[];
  /** Write RESULTS.md (never for a subset: the file holds the full run). */
  write: boolean;
  timeoutMs: number;
  /** A subset of the jobs or backends was asked for. */
  subset: boolean;
}

export const USAGE = `Usage: pnpm bench [options]        (from the repository root; in bench/: tsx run.ts [options])

Times convkit next to @tensorflow/tfjs-layers on each backend, each (job, backend) in its own child
process, prints the markdown tables and writes them to bench/RESULTS.md.

Options:
  --backends <list>   comma list of backends (default ${BACKENDS.join(',')})
  --jobs <list>       comma list of jobs (default ${JOBS.join(',')})
  --no-write          print only; leave bench/RESULTS.md alone (a subset run never writes it)
  --timeout-s <s>     seconds per child process (default 240)
  -h, --help          this text

A run of every job takes ~6 minutes on 2 busy cores. Examples:
  pnpm bench --jobs norms --backends wasm
  pnpm bench --jobs convkit,tfjs-layers --backends cpu,wasm`;

const list = (s: string) =>
  s
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '');

/**
 * Parses the command line of bench/run.ts: `{ help }` for -h/--help, `{ error }` (with the usage) for
 * an unknown option, job or backend or a bad timeout, otherwise the options.
 */
export function parseBenchArgs(
  args: readonly string[],
  knownBackends: readonly string[] = BACKENDS,
): { help: string } | { error: string } | { options: BenchOptions } {
  let values: {
    backends?: string;
    jobs?: string;
    'no-write'?: boolean;
    'timeout-s'?: string;
    help?: boolean;
  };
  try {
    ({ values } = parseArgs({
      args: [...args],
      options: {
        backends: { type: 'string' },
        jobs: { type: 'string' },
        'no-write': { type: 'boolean' },
        'timeout-s': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (err) {
    return { error: `${err instanceof Error ? err.message : String(err)}\n\n${USAGE}` };
  }
  if (values.help) return { help: USAGE };
  const backends = list(values.backends ?? BACKENDS.join(','));
  const jobs = list(values.jobs ?? JOBS.join(','));
  const badJobs = jobs.filter((j) => !(JOBS as readonly string[]).includes(j));
  if (badJobs.length > 0) {
    return { error: `unknown job(s) ${badJobs.join(', ')}; known: ${JOBS.join(', ')}\n\n${USAGE}` };
  }
  const badBackends = backends.filter((b) => !knownBackends.includes(b));
  if (badBackends.length > 0) {
    return {
      error: `unknown backend(s) ${badBackends.join(', ')}; known: ${knownBackends.join(', ')}\n\n${USAGE}`,
    };
  }
  if (jobs.length === 0 || backends.length === 0) return { error: `nothing to run\n\n${USAGE}` };
  const seconds = Number(values['timeout-s'] ?? '240');
  if (!(seconds > 0)) return { error: `--timeout-s must be a positive number, got ${values['timeout-s']}` };
  const subset = jobs.length < JOBS.length || backends.length < BACKENDS.length;
  return {
    options: {
      backends,
      jobs: jobs as Job[],
      write: !values['no-write'] && !subset,
      timeoutMs: 1000 * seconds,
      subset,
    },
  };
}
