import { describe, expect, it } from 'vitest';
import { statsToSvg } from './svg-plot';

const paths = (svg: string) => [...svg.matchAll(/<path d="([^"]*)"/g)].map((m) => m[1]);
const yTicks = (svg: string) =>
  [...svg.matchAll(/<text x="64" y="[\d.]+" text-anchor="end">([^<]*)<\/text>/g)].map((m) => m[1]);

describe('statsToSvg', () => {
  it('draws one line per series with a legend, on a log scale by decades', () => {
    const svg = statsToSvg(
      [
        { label: 'kaiming & relu', stds: [1, 1.2, 0.9, 1.1] },
        { label: 'std 0.01 <relu>', stds: [0.1, 1e-3, 1e-5, 1e-7] },
      ],
      { title: 'std vs depth' },
    );
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"')).toBe(true);
    expect(svg.trimEnd().endsWith('</svg>')).toBe(true);
    expect(paths(svg)).toHaveLength(2);
    expect(paths(svg)[0].match(/[ML]/g)).toEqual(['M', 'L', 'L', 'L']);
    expect(svg).toContain('kaiming &#38; relu');
    expect(svg).toContain('std 0.01 &#60;relu&#62;');
    expect(svg).toContain('std vs depth');
    expect(svg).toContain('(log scale)');
    expect(yTicks(svg)).toEqual(['1e-7', '1e-6', '1e-5', '1e-4', '0.001', '0.01', '0.1', '1', '10']);
  });

  it('puts larger values higher and breaks the line at values it cannot draw', () => {
    const svg = statsToSvg([
      { label: 'a', stds: [1, 100, Number.NaN, 0, 10, Number.POSITIVE_INFINITY, 1000] },
    ]);
    const [d] = paths(svg);
    const points = [...d.matchAll(/([ML])([\d.]+) ([\d.]+)/g)].map((m) => ({ cmd: m[1], y: Number(m[3]) }));
    expect(points.map((p) => p.cmd)).toEqual(['M', 'L', 'M', 'M']);
    expect(points[1].y).toBeLessThan(points[0].y);
    expect(points[3].y).toBeLessThan(points[1].y);
  });

  it('takes a color and a dash per series, and labels layers 1, then multiples of the step', () => {
    const svg = statsToSvg([
      { label: 'a', stds: Array.from({ length: 30 }, () => 1), color: '#123456', dashed: true },
      { label: 'b', stds: [1e5, 1e6] },
    ]);
    expect(svg).toMatch(
      /<path d="[^"]*" fill="none" stroke="#123456" stroke-width="2" stroke-dasharray="6 4"\/>/,
    );
    expect(svg).toContain('stroke="#f28e2b" stroke-width="2"/>');
    const xTicks = [...svg.matchAll(/text-anchor="middle">(\d+)<\/text>/g)].map((m) => Number(m[1]));
    expect(xTicks).toEqual([1, 5, 10, 15, 20, 25, 30]);
    expect(svg).toContain('>1e6<');
  });

  it('draws zeros and negatives on a linear scale', () => {
    const svg = statsToSvg([{ label: 'a', stds: [0, -1, 2] }], { yScale: 'linear' });
    expect(paths(svg)[0].match(/[ML]/g)).toEqual(['M', 'L', 'L']);
    expect(svg).not.toContain('(log scale)');
  });

  it('rejects bad input', () => {
    expect(() => statsToSvg([])).toThrow(/at least one series/);
    expect(() => statsToSvg([{ label: 'a', stds: [1] }], { yScale: 'log2' as never })).toThrow(/yScale/);
    expect(() => statsToSvg([{ label: 'a', stds: [1] }], { logY: true } as never)).toThrow(
      /unknown option 'logY'/,
    );
  });
});
