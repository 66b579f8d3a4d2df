import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

// A real vitest run (child process) of a fixture whose only backend cannot start.
it('a vitest run ends with one line per skipped backend: test count, reason and what to do', () => {
  const vitest = join(dirname(createRequire(import.meta.url).resolve('vitest/package.json')), 'vitest.mjs');
  const config = fileURLToPath(new URL('./fixtures/skipped-backend.config.ts', import.meta.url));
  const run = spawnSync(process.execPath, [vitest, 'run', '--config', config], {
    encoding: 'utf8',
    env: {
      ...process.env,
      CONVKIT_TEST_BACKENDS: 'nosuch,nothing',
      CONVKIT_REQUIRE_BACKENDS: '',
      NO_COLOR: '1',
    },
    timeout: 60_000,
  });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  const lines = run.stdout.split('\n').filter((l) => l.startsWith('convkit: '));
  expect(lines).toEqual([
    'convkit: 2 tests on nosuch skipped (1 file): convkit: unknown backend "nosuch"; known backends: ' +
      'webgpu, wasm, cpu. Fix that to run them; CONVKIT_REQUIRE_BACKENDS=nosuch makes this a failure, ' +
      'CONVKIT_TEST_BACKENDS (default cpu,wasm,webgpu) chooses the backends.',
    expect.stringMatching(/^convkit: 2 tests on nothing skipped \(1 file\): .*unknown backend "nothing"/),
  ]);
  // At the end of the run, after vitest's summary.
  expect(run.stdout.trimEnd().endsWith(lines[1] as string)).toBe(true);
});
