// Runs a command with its stderr passed through line by line, minus the notices that need no action
// and that nothing in JavaScript can silence: Dawn (the `webgpu` package) prints two lines from native
// code every time a process first asks for a WebGPU adapter, and `pnpm test` starts ~70 such processes.
// stdout is untouched (a terminal stays a terminal); the exit code is the command's.
//   node scripts/filter-stderr.mjs vitest run
import { spawn } from 'node:child_process';
import { createInterface } from 'node:readline';

const NOISE = [
  /^Warning: maxDynamic(Uniform|Storage)BuffersPerPipelineLayout artificially reduced from \d+ to \d+ to fit dynamic offset allocation limit\.$/,
];

const [command, ...args] = process.argv.slice(2);
if (command === undefined) {
  console.error('usage: node scripts/filter-stderr.mjs <command> [args...]');
  process.exit(2);
}
const child = spawn(command, args, { stdio: ['inherit', 'inherit', 'pipe'] });
child.on('error', (err) => {
  console.error(`filter-stderr: cannot run ${command}: ${err.message}`);
  process.exit(127);
});
const lines = createInterface({ input: child.stderr, crlfDelay: Number.POSITIVE_INFINITY });
lines.on('line', (line) => {
  if (!NOISE.some((re) => re.test(line))) process.stderr.write(`${line}\n`);
});
// Ctrl-C reaches the child through the terminal's process group; wait for it to finish.
const wait = () => {};
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, wait);
child.on('close', (code, signal) => {
  if (signal === null) process.exit(code ?? 1);
  process.off(signal, wait);
  process.kill(process.pid, signal);
});
