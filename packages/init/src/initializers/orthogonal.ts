import { checkNumber, type Rng, toRng } from '@convkit/backend';
import { fill, type Tensor, tensor } from '@tensorflow/tfjs-core';
import { checkOptions, checkShape } from '../check';

/** Options of `orthogonal`. */
export interface OrthogonalOptions {
  /** Scale factor (default 1). */
  gain?: number;
}

/**
 * A (semi-)orthogonal matrix, as `torch.nn.init.orthogonal_`, scaled by `gain`.
 *
 * The weight is viewed as W of shape [rows, cols] = [product of all but the last dim, last dim]
 * (HWIO `[kh, kw, in, out]` → `[kh·kw·in, out]`, Linear `[in, out]` as is). W = gain·Q where Q comes
 * from the QR decomposition of a standard-normal matrix, with signs fixed so that diag(R) > 0 (which
 * makes Q uniformly (Haar) distributed). Tall W (rows >= cols) has orthonormal columns, WᵀW = gain²·I;
 * wide W has orthonormal rows, WWᵀ = gain²·I. This is PyTorch's matrix transposed (it flattens
 * `[out, in·kh·kw]`), which keeps the same property.
 *
 * Runs in JavaScript in float64 (Gram–Schmidt, O(rows·cols·min(rows, cols)): seconds for a
 * 3×3×512×512 kernel).
 *
 * Saxe et al. 2013, "Exact solutions to the nonlinear dynamics of learning in deep linear neural networks".
 *
 * @example
 * const w = orthogonal([256, 256], 42, { gain: calculateGain('relu') });
 */
export function orthogonal(
  shape: readonly number[],
  rng: number | Rng,
  options: OrthogonalOptions = {},
): Tensor {
  const size = checkShape(shape, 'orthogonal');
  checkOptions('orthogonal', options, ['gain']);
  const gain = checkNumber('orthogonal', 'gain', options.gain ?? 1);
  if (shape.length < 2) {
    throw new Error(`orthogonal: needs a shape of rank >= 2, got [${shape.join(', ')}]`);
  }
  if (size === 0) return fill([...shape], 0, 'float32');
  const cols = shape[shape.length - 1];
  const rows = size / cols;
  const r = toRng(rng);
  // G is [rows, cols], row-major. QR needs a tall matrix, so a wide G is factored as Gᵀ (as PyTorch does).
  const g = new Float64Array(size);
  for (let i = 0; i < size; i++) g[i] = r.normal();
  const tall = rows >= cols;
  const m = tall ? rows : cols;
  const n = tall ? cols : rows;
  // A is m×n column-major: column j is contiguous at [j·m, (j+1)·m).
  const q = new Float64Array(size);
  for (let j = 0; j < n; j++) {
    for (let i = 0; i < m; i++) q[j * m + i] = tall ? g[i * cols + j] : g[j * cols + i];
  }
  orthonormalizeColumns(q, m, n);
  const out = new Float32Array(size);
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      // Tall: W = Q (W[i][j] = Q[i][j] = q[j·m + i]). Wide: W = Qᵀ (W[i][j] = Q[j][i] = q[i·m + j]).
      out[i * cols + j] = gain * (tall ? q[j * m + i] : q[i * m + j]);
    }
  }
  return tensor(out, [...shape], 'float32');
}

/**
 * In place, replaces the columns of the m×n (m >= n) column-major matrix `a` by the Q of its thin QR
 * decomposition with positive diag(R). Modified Gram–Schmidt with selective re-orthogonalization
 * (Daniel, Gragg, Kaufman & Stewart 1976): a second pass runs only when projecting a column removed more
 * than half its squared norm, where one pass would lose orthogonality to cancellation. Two passes are
 * always enough ("twice is enough", Giraud et al. 2005).
 */
function orthonormalizeColumns(a: Float64Array, m: number, n: number): void {
  for (let j = 0; j < n; j++) {
    const vj = j * m;
    let norm2 = squaredNorm(a, vj, m);
    for (let pass = 0; pass < 2; pass++) {
      for (let k = 0; k < j; k++) {
        const qk = k * m;
        let dot = 0;
        for (let i = 0; i < m; i++) dot += a[qk + i] * a[vj + i];
        for (let i = 0; i < m; i++) a[vj + i] -= dot * a[qk + i];
      }
      const before = norm2;
      norm2 = squaredNorm(a, vj, m);
      if (norm2 > 0.5 * before) break;
    }
    const norm = Math.sqrt(norm2);
    // A Gaussian matrix is full rank with probability 1; a zero column means something is badly wrong.
    if (!(norm > 0 && Number.isFinite(norm))) throw new Error('orthogonal: rank-deficient random matrix');
    // Dividing by the positive norm makes R's diagonal positive: the sign fix of PyTorch's Q·sign(diag R).
    for (let i = 0; i < m; i++) a[vj + i] /= norm;
  }
}

function squaredNorm(a: Float64Array, offset: number, m: number): number {
  let s = 0;
  for (let i = 0; i < m; i++) s += a[offset + i] * a[offset + i];
  return s;
}
