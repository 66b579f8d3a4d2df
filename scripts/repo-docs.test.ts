import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

// What the documentation claims about the repository, checked against the repository.
const root = fileURLToPath(new URL('..', import.meta.url));
const read = (path: string) => readFileSync(join(root, path), 'utf8');

const packages = readdirSync(join(root, 'packages'))
  .filter((dir) => existsSync(join(root, 'packages', dir, 'package.json')))
  .map((dir) => ({ dir, manifest: JSON.parse(read(`packages/${dir}/package.json`)) }))
  .filter((p) => !p.manifest.private);

const readmes = [
  'README.md',
  'DEVELOPERS.md',
  'bench/README.md',
  ...readdirSync(join(root, 'packages')).map((d) => `packages/${d}/README.md`),
  ...readdirSync(join(root, 'examples')).map((d) => `examples/${d}/README.md`),
].filter((p) => existsSync(join(root, p)));

describe('license', () => {
  it('the root LICENSE is MIT', () => {
    expect(read('LICENSE')).toMatch(/^MIT License\n\nCopyright \(c\) \d{4} /);
  });

  for (const { dir, manifest } of packages) {
    it(`${manifest.name} says MIT and ships the LICENSE file`, () => {
      expect(manifest.license).toBe('MIT');
      expect(manifest.files).toContain('LICENSE');
      expect(read(`packages/${dir}/LICENSE`)).toBe(read('LICENSE'));
    });
  }
});

describe('README numbers come from the measured run', () => {
  const result = JSON.parse(read('examples/mnist/result.json')) as {
    backend: string;
    epochs: number;
    accuracyPercent: number;
    correct: number;
    testImages: number;
    trainSeconds: number;
    msPerStep: number;
    cores: number;
  };
  const accuracy = `${result.accuracyPercent.toFixed(2)} %`;
  const seconds = `${Math.round(result.trainSeconds)} s`;

  it('examples/mnist/result.json is a full default run', () => {
    expect(result.testImages).toBe(10_000);
    expect(result.correct / result.testImages).toBeCloseTo(result.accuracyPercent / 100, 6);
    // The default epochs, as the example's TRAIN_DEFAULTS declares them.
    const defaults = read('examples/mnist/src/train-mnist.ts').match(/^ {2}epochs: (\d+),$/m);
    expect(defaults).not.toBeNull();
    expect(result.epochs).toBe(Number(defaults?.[1]));
  });

  it('the root README quotes it', () => {
    const text = read('README.md').replace(/\s+/g, ' ');
    expect(text).toContain(
      `${accuracy} after ${result.epochs} epochs, in ${seconds} of training on ${result.backend} on a ${result.cores}-core machine`,
    );
  });

  it('the example README quotes it', () => {
    const text = read('examples/mnist/README.md').replace(/\s+/g, ' ');
    expect(text).toContain(`**${accuracy}** test accuracy (${result.correct}/${result.testImages})`);
    expect(text).toContain(`in ${seconds} of training (${result.msPerStep} ms/step) on ${result.backend}`);
  });

  it('no README quotes another MNIST accuracy', () => {
    // examples/transfer and examples/fashion-mnist quote their own runs, checked below.
    const own = ['examples/transfer/README.md', 'examples/fashion-mnist/README.md'];
    for (const path of readmes.filter((p) => !own.includes(p))) {
      const quoted = read(path).match(/\b9\d\.\d\d ?%/g) ?? [];
      for (const q of quoted) expect(q.replace(' ', ''), path).toBe(accuracy.replace(' ', ''));
    }
  });
});

describe('the transfer example README quotes its measured run', () => {
  const result = JSON.parse(read('examples/transfer/result.json')) as {
    accuracyPercent: Record<string, number>;
    fineTuneImages: number;
    testImages: number;
    backend: string;
  };

  it('examples/transfer/result.json is a default run: 1,000 fine-tuning images, three variants', () => {
    expect(result.fineTuneImages).toBe(1000);
    expect(result.testImages).toBe(2000);
    expect(Object.keys(result.accuracyPercent)).toEqual(['scratch', 'frozen', 'discriminative']);
  });

  it("the README's table and text have its accuracies", () => {
    const text = read('examples/transfer/README.md');
    for (const acc of Object.values(result.accuracyPercent)) expect(text).toContain(`${acc.toFixed(2)} %`);
  });
});

describe('the Fashion-MNIST README quotes its measured run', () => {
  const result = JSON.parse(read('examples/fashion-mnist/result.json')) as {
    testAccuracyPercent: number;
    correct: number;
    testImages: number;
    trainSeconds: number;
    msPerStep: number;
  };
  it('examples/fashion-mnist/result.json evaluates all 10,000 test images; its README quotes it', () => {
    expect(result.testImages).toBe(10_000);
    expect(result.correct / result.testImages).toBeCloseTo(result.testAccuracyPercent / 100, 6);
    const text = read('examples/fashion-mnist/README.md').replace(/\s+/g, ' ');
    expect(text).toContain(
      `**${result.testAccuracyPercent.toFixed(2)} %** test accuracy (${result.correct}/${result.testImages})`,
    );
    expect(text).toContain(`in ${result.trainSeconds} s of training`);
    expect(text).toContain(`${result.msPerStep} ms/step`);
  });
});

describe('README tables', () => {
  for (const path of readmes) {
    it(`${path}: every row has the header's cells, none broken by an unescaped |`, () => {
      const lines = read(path).split('\n');
      let header: number | undefined;
      lines.forEach((line, i) => {
        if (!line.startsWith('|')) {
          header = undefined;
          return;
        }
        // Cells split on | that is not escaped; a cell ending in a lone backslash lost its escape.
        const cells = line.slice(1, line.trimEnd().endsWith('|') ? line.trimEnd().length - 1 : undefined);
        const parts = cells.split(/(?<!\\)\|/);
        header ??= parts.length;
        expect(parts.length, `${path}:${i + 1}`).toBe(header);
        for (const cell of parts)
          expect(cell.trimEnd().endsWith('\\'), `${path}:${i + 1}: ${cell}`).toBe(false);
      });
    });
  }
});

describe('package READMEs', () => {
  it('the init README documents the diagnostics the package exports', () => {
    const index = read('packages/init/src/diagnostics/index.ts');
    const names = [...index.matchAll(/export \{([^}]*)\}/g)]
      .flatMap((m) => (m[1] as string).split(','))
      .map((n) => n.trim())
      .filter((n) => n !== '' && !n.startsWith('type '));
    expect(names).toContain('activationStats');
    const readme = read('packages/init/README.md');
    for (const name of names) expect(readme, name).toContain(`\`${name}(`);
    expect(readme).not.toMatch(/will join later/);
  });
});

describe('install instructions', () => {
  it('the README does not send users to npm for packages that are not published yet', () => {
    // When the first release is out (pnpm changeset publish), restore `npm i @convkit/...` and drop this.
    const text = read('README.md');
    expect(text).not.toMatch(/^npm (i|install) @convkit\//m);
    expect(text).toContain('## Using the packages today');
  });
});
