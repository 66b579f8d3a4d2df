import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { expect, it } from 'vitest';

const script = fileURLToPath(new URL('./filter-stderr.mjs', import.meta.url));

it("drops Dawn's two native limit notices from stderr, passes everything else and the exit code", () => {
  const program = `
    const w = (s) => process.stderr.write(s + '\\n');
    w('Warning: maxDynamicUniformBuffersPerPipelineLayout artificially reduced from 1000000 to 16 to fit dynamic offset allocation limit.');
    w('a real error');
    w('Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced from 500000 to 16 to fit dynamic offset allocation limit.');
    w('Warning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced, or something else');
    process.stdout.write('out\\n');
    process.exit(3);`;
  const run = spawnSync(process.execPath, [script, process.execPath, '-e', program], { encoding: 'utf8' });
  expect(run.status).toBe(3);
  expect(run.stdout).toBe('out\n');
  expect(run.stderr).toBe(
    'a real error\nWarning: maxDynamicStorageBuffersPerPipelineLayout artificially reduced, or something else\n',
  );
});

it('fails clearly when the command cannot start', () => {
  const run = spawnSync(process.execPath, [script, 'no-such-command-convkit'], { encoding: 'utf8' });
  expect(run.status).toBe(127);
  expect(run.stderr).toMatch(/^filter-stderr: cannot run no-such-command-convkit: /);
});
