// Parameter counts and MACs of every registered model at its defaults, without building the 140 M-parameter
// VGGs on every run:
// - the declared figures of torchvision architectures equal torchvision 0.14's, counted on its own modules
//   by fixtures/make_fixtures.py (fixtures/torchvision.json);
// - our modules have the declared figures. Small models and resnet18 are built at full size and counted
//   (`numParameters`, `summary`). For the others, both counts are quadratic polynomials of the width
//   multiplier m whenever every layer width is an exact multiple of m (conv weights scale with m², biases,
//   norms and the first conv with m, the classifier's bias not at all): they are counted on real modules at
//   m = u, 2u, 3u (widths 1, 2, 3 × the narrowest), checked on a 4th point, and extrapolated to m = 1 exactly.
//   The narrowest exact widths are the entry's `test.widthUnit` (default 1/64). ResNeXt-50 32×4d needs 32
//   groups of 4 channels, so its unit is 1/4: it is built at full size for the parameter count, and its MACs
//   are checked through torchvision.json and the grouped bottleneck's MAC count on the torchvision fixture
//   (torchvision.test.ts).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { initBackend } from '@convkit/backend';
import { beforeAll, describe, expect, it } from 'vitest';
import { createModel, listModels, modelInfo, modelRegistry } from './index';
import { summary } from './summary';

const torchvision: Record<string, { params: number; macs: number }> = JSON.parse(
  readFileSync(join(__dirname, '..', 'fixtures', 'torchvision.json'), 'utf8'),
);

/** Parameters and MACs (one image at the default input size) of `name` built with `options`. */
function count(name: string, options: Record<string, unknown> = {}): [number, number] {
  const model = createModel(name, { ...options, rng: 0 });
  try {
    const s = summary(model, [1, ...modelInfo(name).inputSize]);
    return [s.params, s.macs];
  } finally {
    model.dispose();
  }
}

/** The value at `x` of the quadratic through (1, a), (2, b), (3, c). */
function quadratic(a: number, b: number, c: number, x: number): number {
  // Lagrange form on the nodes 1, 2, 3.
  return (a * (x - 2) * (x - 3)) / 2 - b * (x - 1) * (x - 3) + (c * (x - 1) * (x - 2)) / 2;
}

/** The narrowest width multiplier that keeps every width of `name` a whole number. */
const unit = (name: string) => modelRegistry.get(name).test?.widthUnit ?? 1 / 64;

const SMALL = listModels().filter((n) => modelInfo(n).params < 1_000_000);
const BUILT = [...SMALL, 'resnet18'];
/** Models whose narrowest exact widths are still wide (ResNeXt's 32 groups): counted at full size. */
const WIDE = listModels().filter((n) => !BUILT.includes(n) && unit(n) > 1 / 16);
const EXTRAPOLATED = listModels().filter((n) => !BUILT.includes(n) && !WIDE.includes(n));

describe('parameter counts and MACs', () => {
  beforeAll(async () => {
    // Backend-independent counts: the fastest backend here runs the summaries' forward passes.
    await initBackend({ preference: ['wasm', 'cpu'] });
  });

  it('torchvision architectures declare torchvision 0.14’s parameter counts and MACs', () => {
    const names = listModels().filter((n) => modelInfo(n).torchvision !== undefined);
    expect(names.sort()).toEqual(Object.keys(torchvision).sort());
    for (const name of names) {
      const info = modelInfo(name);
      expect([info.params, info.macs], name).toEqual([
        torchvision[info.torchvision as string].params,
        torchvision[info.torchvision as string].macs,
      ]);
    }
    // Known figures: resnet18 11,689,512 parameters and 1.81 GMACs at 224×224; vgg16_bn 138,365,992.
    expect(modelInfo('resnet18').macs / 1e9).toBeCloseTo(1.814, 3);
    expect(modelInfo('vgg16_bn').params).toBe(138_365_992);
    expect(modelInfo('alexnet').params).toBe(61_100_840);
  });

  for (const name of BUILT) {
    it(`${name}: the full-size module has the declared parameters and MACs`, () => {
      const info = modelInfo(name);
      expect(count(name)).toEqual([info.params, info.macs]);
    });
  }

  for (const name of WIDE) {
    it(`${name}: the full-size module has the declared parameter count`, () => {
      const model = createModel(name, { rng: 0 });
      expect(model.numParameters()).toBe(modelInfo(name).params);
      model.dispose();
    });
  }

  for (const name of EXTRAPOLATED) {
    it(`${name}: the declared parameters and MACs, extrapolated exactly from modules at widths ×1, ×2, ×3 of the narrowest`, () => {
      const u = unit(name);
      const points = [1, 2, 3, 4].map((k) => count(name, { widthMultiplier: k * u }));
      for (const i of [0, 1]) {
        const [a, b, c, d] = points.map((p) => p[i]);
        expect(quadratic(a, b, c, 4), `${name}: a 4th point on the quadratic`).toBe(d);
      }
      const info = modelInfo(name);
      const full = 1 / u;
      expect([
        quadratic(points[0][0], points[1][0], points[2][0], full),
        quadratic(points[0][1], points[1][1], points[2][1], full),
      ]).toEqual([info.params, info.macs]);
    });
  }
});
