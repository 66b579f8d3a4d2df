import { readFileSync } from 'node:fs';
import { useBackend } from '@convkit/backend/testing';
import { describe, expect, it } from 'vitest';
import { computeFans, fanInBiasBound } from './fans';
import { calculateGain, type Nonlinearity } from './gain';
import type { Initializer } from './initializers/types';
import { getInitializer } from './registry';
import { draw, sampleStats } from './test-helpers';

// Made by fixtures/make_fixtures.py with PyTorch (torch.nn.init).
interface Golden {
  gains: { torch: string; name: Nonlinearity; param: number | null; gain: number }[];
  fans: { layer: string; shape: number[]; fanIn: number; fanOut: number; biasBound: number }[];
  draws: { name: string; options: object; shape: number[]; mean: number; std: number; maxAbs: number }[];
}
const golden: Golden = JSON.parse(readFileSync(new URL('../fixtures/golden.json', import.meta.url), 'utf8'));

// Values are drawn in JavaScript, so the backend does not change them.
useBackend('cpu');

describe('golden values from PyTorch', () => {
  it('calculateGain equals torch.nn.init.calculate_gain', () => {
    expect(golden.gains.length).toBeGreaterThan(10);
    for (const g of golden.gains) {
      expect(calculateGain(g.name, g.param ?? undefined), `${g.torch}(${g.param})`).toBeCloseTo(g.gain, 14);
    }
  });

  it('computeFans on convkit layouts equals torch fans on PyTorch layouts', () => {
    for (const f of golden.fans) {
      const { fanIn, fanOut } = computeFans(f.shape);
      expect({ fanIn, fanOut }, f.layer).toEqual({ fanIn: f.fanIn, fanOut: f.fanOut });
      expect(fanInBiasBound(f.shape), f.layer).toBeCloseTo(f.biasBound, 14);
    }
  });

  for (const d of golden.draws) {
    it(`${d.name} ${JSON.stringify(d.options)} [${d.shape}] has PyTorch's statistics`, () => {
      const init = getInitializer(d.name) as Initializer;
      const m = sampleStats(draw(() => init(d.shape, 123, d.options)).data);
      // Two independent draws of >= 50k values: their std agree to well under 2%.
      expect(Math.abs(m.std / d.std - 1)).toBeLessThan(0.02);
      expect(Math.abs(m.mean - d.mean)).toBeLessThan(0.03 * d.std);
      // A uniform draw's max |w| sits at its bound, so the bounds agree too.
      if (d.name.endsWith('Uniform')) expect(Math.abs(m.max / d.maxAbs - 1)).toBeLessThan(0.01);
    });
  }
});
