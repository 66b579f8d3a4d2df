import { beforeAll, describe, it } from 'vitest';
import { initBackend } from '../init-backend';

const defaultTestBackends = ['cpu', 'wasm', 'webgpu'];

function list(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

/** Backends to test on: env `CONVKIT_TEST_BACKENDS` (comma list), default `cpu,wasm,webgpu`. */
export function testBackends(): string[] {
  const fromEnv = list(process.env.CONVKIT_TEST_BACKENDS);
  return fromEnv.length > 0 ? fromEnv : [...defaultTestBackends];
}

/** Backends that must be available (env `CONVKIT_REQUIRE_BACKENDS`, comma list; CI sets all three). */
export function requiredBackends(): string[] {
  return list(process.env.CONVKIT_REQUIRE_BACKENDS);
}

/** Starts `backend` strictly; resolves to the reason it cannot start, or `undefined` when it started. */
async function whyUnavailable(backend: string): Promise<string | undefined> {
  try {
    await initBackend({ backend, strict: true });
    return undefined;
  } catch (err) {
    return err instanceof Error ? err.message : String(err);
  }
}

/**
 * Runs a block of tests once per backend in `testBackends()`, as `describe('<name> [<backend>]')`,
 * each after `await initBackend({ backend, strict: true })`.
 *
 * A backend that cannot start here is skipped visibly (a `describe.skip` whose title holds the
 * reason), unless it is listed in `CONVKIT_REQUIRE_BACKENDS`: then the block fails with the reason.
 *
 * @example
 * describeEachBackend('Conv2d', (backend) => {
 *   it('matches PyTorch', () => { ... });
 * });
 */
export function describeEachBackend(name: string, fn: (backend: string) => void): void {
  for (const backend of testBackends()) {
    const title = `${name} [${backend}]`;
    // Probing is async, so it runs while vitest collects this (async) suite.
    describe(title, async () => {
      const reason = await whyUnavailable(backend);
      if (reason !== undefined && !requiredBackends().includes(backend)) {
        describe.skip(`skipped, ${backend} unavailable: ${reason}`, () => fn(backend));
        return;
      }
      if (reason !== undefined) {
        it(`${backend} starts (required by CONVKIT_REQUIRE_BACKENDS)`, () => {
          throw new Error(`backend ${backend} is required but unavailable: ${reason}`);
        });
      }
      // Several blocks in one file use different backends: select this one again before its tests.
      useBackend(backend);
      fn(backend);
    });
  }
}

/**
 * Runs the tests of the enclosing `describe` block (or file) on one backend: `await initBackend({ backend,
 * strict: true })` before them. For tests whose values do not depend on the backend (or that need cpu's
 * synchronous reads); `describeEachBackend` runs a block on every backend.
 *
 * @example
 * describe('gradients vs finite differences [cpu]', () => {
 *   useBackend('cpu');
 *   it('...', () => { ... });
 * });
 */
export function useBackend(backend: string): void {
  beforeAll(async () => {
    await initBackend({ backend, strict: true });
  });
}
