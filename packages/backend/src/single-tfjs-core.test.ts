import { existsSync, readdirSync, readFileSync, realpathSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// Two copies of tfjs-core mean two engines and two kernel registries: kernels and gradients
// registered on one would be invisible to ops running on the other.
const root = join(dirname(fileURLToPath(import.meta.url)), '../../..');
const workspaceDirs = [
  ...['packages', 'examples'].flatMap((group) =>
    readdirSync(join(root, group)).map((name) => join(root, group, name)),
  ),
  join(root, 'bench'),
].filter((dir) => existsSync(join(dir, 'package.json')));

const readJson = (path: string) => JSON.parse(readFileSync(path, 'utf8'));
const coreFrom = (dir: string) =>
  realpathSync(createRequire(join(dir, 'package.json')).resolve('@tensorflow/tfjs-core/package.json'));

describe('one copy of @tensorflow/tfjs-core', () => {
  it('finds the workspace packages', () => {
    expect(workspaceDirs.map((d) => readJson(join(d, 'package.json')).name)).toEqual(
      expect.arrayContaining([
        '@convkit/backend',
        '@convkit/core',
        '@convkit/example-mnist',
        '@convkit/bench',
      ]),
    );
  });

  it('resolves to one realpath from every workspace package and every tfjs backend', () => {
    const seen = new Map<string, string>();
    for (const dir of workspaceDirs) seen.set(dir, coreFrom(dir));
    const require = createRequire(join(root, 'packages/backend/package.json'));
    for (const pkg of ['cpu', 'wasm', 'webgpu']) {
      const backendDir = dirname(
        realpathSync(require.resolve(`@tensorflow/tfjs-backend-${pkg}/package.json`)),
      );
      seen.set(backendDir, coreFrom(backendDir));
    }
    const copies = new Set(seen.values());
    expect(
      [...copies],
      `tfjs-core resolved from: ${JSON.stringify(Object.fromEntries(seen), null, 2)}`,
    ).toHaveLength(1);
    expect(readJson([...copies][0] as string).version).toBe('4.22.0');
  });

  it('is a peer (and dev) dependency of every published @convkit package, never a dependency', () => {
    const published = workspaceDirs
      .map((dir) => readJson(join(dir, 'package.json')))
      .filter((p) => p.name.startsWith('@convkit/') && p.private !== true);
    expect(published.length).toBeGreaterThanOrEqual(7);
    for (const p of published) {
      expect(p.peerDependencies?.['@tensorflow/tfjs-core'], p.name).toBeDefined();
      expect(p.devDependencies?.['@tensorflow/tfjs-core'], p.name).toBeDefined();
      expect(p.dependencies?.['@tensorflow/tfjs-core'], p.name).toBeUndefined();
      for (const name of Object.keys(p.dependencies ?? {})) {
        expect(name.startsWith('@tensorflow/'), `${p.name} depends on ${name}`).toBe(false);
      }
    }
  });
});
