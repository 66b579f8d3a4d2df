/**
 * Plain-loop reference implementations (float64, NHWC) used by tests to check the composed ops.
 * Slow by design: for shapes of a few hundred elements.
 */

/** Pads `[[top, bottom], [left, right]]`. */
export type RefPads = [[number, number], [number, number]];

/** Grouped, dilated, strided conv: x [n,h,w,c], w HWIO [kh,kw,c/g,o]. */
export function refConv2d(
  x: Float32Array,
  [n, h, w, c]: number[],
  f: Float32Array,
  [kh, kw, cg, o]: number[],
  s: [number, number],
  d: [number, number],
  p: RefPads,
  groups: number,
): { data: Float64Array; shape: number[] } {
  const ho = Math.floor((h + p[0][0] + p[0][1] - d[0] * (kh - 1) - 1) / s[0]) + 1;
  const wo = Math.floor((w + p[1][0] + p[1][1] - d[1] * (kw - 1) - 1) / s[1]) + 1;
  const og = o / groups;
  const out = new Float64Array(n * ho * wo * o);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let oc = 0; oc < o; oc++) {
          const g = Math.floor(oc / og);
          let acc = 0;
          for (let a = 0; a < kh; a++)
            for (let e = 0; e < kw; e++) {
              const r = i * s[0] + a * d[0] - p[0][0];
              const q = j * s[1] + e * d[1] - p[1][0];
              if (r < 0 || r >= h || q < 0 || q >= w) continue;
              for (let ci = 0; ci < cg; ci++) {
                acc += x[((b * h + r) * w + q) * c + g * cg + ci] * f[((a * kw + e) * cg + ci) * o + oc];
              }
            }
          out[((b * ho + i) * wo + j) * o + oc] = acc;
        }
  return { data: out, shape: [n, ho, wo, o] };
}

/** Max or average pool with explicit pads; `countIncludePad` as PyTorch. */
export function refPool2d(
  x: Float32Array,
  [n, h, w, c]: number[],
  k: [number, number],
  s: [number, number],
  p: RefPads,
  mode: 'max' | 'avg',
  countIncludePad = true,
): { data: Float64Array; shape: number[] } {
  const ho = Math.floor((h + p[0][0] + p[0][1] - k[0]) / s[0]) + 1;
  const wo = Math.floor((w + p[1][0] + p[1][1] - k[1]) / s[1]) + 1;
  const out = new Float64Array(n * ho * wo * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < ho; i++)
      for (let j = 0; j < wo; j++)
        for (let ch = 0; ch < c; ch++) {
          let acc = mode === 'max' ? Number.NEGATIVE_INFINITY : 0;
          let count = 0;
          for (let a = 0; a < k[0]; a++)
            for (let e = 0; e < k[1]; e++) {
              const r = i * s[0] + a - p[0][0];
              const q = j * s[1] + e - p[1][0];
              if (r < 0 || r >= h || q < 0 || q >= w) continue;
              const v = x[((b * h + r) * w + q) * c + ch];
              acc = mode === 'max' ? Math.max(acc, v) : acc + v;
              count++;
            }
          const div = mode === 'max' ? 1 : countIncludePad ? k[0] * k[1] : count;
          out[((b * ho + i) * wo + j) * c + ch] = acc / div;
        }
  return { data: out, shape: [n, ho, wo, c] };
}

/** PyTorch's adaptive average pool bins. */
export function refAdaptiveAvg(
  x: Float32Array,
  [n, h, w, c]: number[],
  [oh, ow]: [number, number],
): { data: Float64Array; shape: number[] } {
  const out = new Float64Array(n * oh * ow * c);
  for (let b = 0; b < n; b++)
    for (let i = 0; i < oh; i++)
      for (let j = 0; j < ow; j++) {
        const r0 = Math.floor((i * h) / oh);
        const r1 = Math.ceil(((i + 1) * h) / oh);
        const q0 = Math.floor((j * w) / ow);
        const q1 = Math.ceil(((j + 1) * w) / ow);
        for (let ch = 0; ch < c; ch++) {
          let acc = 0;
          for (let r = r0; r < r1; r++)
            for (let q = q0; q < q1; q++) acc += x[((b * h + r) * w + q) * c + ch];
          out[((b * oh + i) * ow + j) * c + ch] = acc / ((r1 - r0) * (q1 - q0));
        }
      }
  return { data: out, shape: [n, oh, ow, c] };
}
