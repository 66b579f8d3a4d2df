import type { Reporter, TestModule, Vitest } from 'vitest/node';

/** What `describeEachBackend` puts in a skipped block's `meta`: the backend and why it could not start. */
export interface SkippedBackendMeta {
  backend: string;
  reason: string;
}

/** The key of `SkippedBackendMeta` in a vitest suite's `meta`. */
export const SKIPPED_BACKEND_META = 'convkitSkippedBackend';

interface Skip {
  reasons: Map<string, number>;
  files: Set<string>;
  tests: number;
}

/**
 * One line per backend whose tests `describeEachBackend` skipped in these modules: how many tests and
 * files, the reason (which names the fix where convkit knows it), and how to change what runs.
 */
export function skippedBackendLines(modules: readonly TestModule[]): string[] {
  const byBackend = new Map<string, Skip>();
  for (const module of modules) {
    for (const suite of module.children.allSuites()) {
      const meta = (suite.meta() as Record<string, unknown>)[SKIPPED_BACKEND_META] as
        | SkippedBackendMeta
        | undefined;
      if (meta === undefined) continue;
      const skip = byBackend.get(meta.backend) ?? { reasons: new Map(), files: new Set(), tests: 0 };
      skip.reasons.set(meta.reason, (skip.reasons.get(meta.reason) ?? 0) + 1);
      skip.files.add(module.moduleId);
      skip.tests += [...suite.children.allTests()].length;
      byBackend.set(meta.backend, skip);
    }
  }
  return [...byBackend].map(([backend, skip]) => {
    const [reason] = [...skip.reasons].sort((a, b) => b[1] - a[1])[0] as [string, number];
    const others = skip.reasons.size > 1 ? ` (and ${skip.reasons.size - 1} other reasons)` : '';
    const files = `${skip.files.size} file${skip.files.size === 1 ? '' : 's'}`;
    return (
      `convkit: ${skip.tests} tests on ${backend} skipped (${files}): ${reason}${others}. ` +
      `Fix that to run them; CONVKIT_REQUIRE_BACKENDS=${backend} makes this a failure, ` +
      `CONVKIT_TEST_BACKENDS (default cpu,wasm,webgpu) chooses the backends.`
    );
  });
}

/**
 * A vitest reporter that ends the run with one line per backend whose tests were skipped because it
 * could not start, with the reason. Add it next to the default reporter:
 *
 * @example
 * // vitest.config.ts
 * import { SkippedBackendsReporter } from '@convkit/backend/testing';
 * export default defineConfig({ test: { reporters: ['default', new SkippedBackendsReporter()] } });
 */
export class SkippedBackendsReporter implements Reporter {
  private log: (line: string) => void = (line) => console.log(line);

  onInit(vitest: Vitest): void {
    this.log = (line) => vitest.logger.log(line);
  }

  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    const lines = skippedBackendLines(modules);
    if (lines.length > 0) this.log(lines.join('\n'));
  }
}
