import { createRequire } from 'node:module';
import { dirname } from 'node:path';

/**
 * The directory of an installed npm package, resolved from this module.
 *
 * `import.meta.url` also works in the CJS build: tsup's `shims` option (tsup.config.ts) turns it
 * into a file URL built from `__filename` there.
 */
export function packageDir(name: string): string {
  try {
    return dirname(createRequire(import.meta.url).resolve(`${name}/package.json`));
  } catch (cause) {
    throw new Error(`@convkit/data: cannot find the '${name}' package (is it installed?)`, { cause });
  }
}
