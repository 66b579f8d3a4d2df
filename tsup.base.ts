import { defineConfig, type Options } from 'tsup';

/**
 * The build every package shares (each package's `tsup.config.ts` names its entries): ESM and CJS,
 * type declarations, source maps, ES2022. `shims` defines `import.meta.url` in the CJS build, for
 * packages that resolve files next to their own (backend's wasm threads, data's `resolve.ts`).
 */
export function packageConfig(entry: string[], options: Pick<Options, 'shims'> = {}) {
  return defineConfig({
    entry,
    format: ['esm', 'cjs'],
    dts: true,
    clean: true,
    sourcemap: true,
    target: 'es2022',
    ...options,
  });
}
