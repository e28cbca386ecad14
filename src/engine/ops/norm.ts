import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, pythonTypeName, type Value } from '../op.js';
import { allocate, type DType, rounder, type TorchDType } from '../dtype.js';
import { map, zip } from '../kernels/elementwise.js';
import { fusedMultiplyAdd } from '../kernels/fma.js';
import { reducedShape, reduceDims } from '../kernels/reduce.js';
import { castTo, Tensor } from '../tensor.js';
import { toDtype } from './to.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { pow } from './pow.js';
import { sign } from './sign.js';
import { sqrt } from './sqrt.js';
import { normalizeDims, sum } from './sum.js';
import { unsqueezeReduced } from './var.js';

interface NormAttrs {
  p: number;
  /** Reduced dims, sorted. */
  dims: readonly number[];
  keepdim: boolean;
  /** The dtype to compute and return in (`dtype=`: NormBackward3); null: the input's. */
  dtype?: DType | null;
}

/** Whether the reduced dims are the innermost ones (PyTorch's vectorised last-dim path for p = 2). */
function innermost(x: Tensor, dims: readonly number[]): boolean {
  return dims.length > 0 && dims.every((d, i) => d === x.ndim - dims.length + i);
}

/**
 * The vector p-norm as PyTorch 1.13's CPU kernels compute it, accumulating in
 * the dtype: p = 2 over the innermost dims in eight lanes of x*x (lanes
 * combined in order, then the tail, then sqrt; each x*x + acc fused, as the
 * compiled kernel does); otherwise one accumulator per
 * output: Σ|x| (p = 1), the count of non-zeros (p = 0), max/min |x| (±inf,
 * NaN propagates), else (Σ|x|^p)^(1/p).
 */
function vectorNorm(x: Tensor, { p, dims, keepdim }: NormAttrs): Tensor {
  const round = rounder(x.dtype);
  const fma = fusedMultiplyAdd(x.dtype);
  if (p === 2 && innermost(x, dims)) {
    const size = dims.reduce((n, d) => n * x.shape[d], 1);
    const rows = x.numel / Math.max(size, 1);
    const out = allocate(x.dtype, rows);
    const lanes = new Float64Array(8);
    const data = x.data;
    for (let r = 0; r < rows; r++) {
      const start = r * size;
      const vectorEnd = size - (size % 8);
      lanes.fill(0);
      for (let d = 0; d < vectorEnd; d += 8) {
        for (let k = 0; k < 8; k++) {
          const v = data[start + d + k];
          lanes[k] = fma(v, v, lanes[k]);
        }
      }
      let total = lanes[0];
      for (let k = 1; k < 8; k++) total = round(total + lanes[k]);
      for (let d = vectorEnd; d < size; d++) {
        const v = data[start + d];
        total = fma(v, v, total);
      }
      out[r] = Math.sqrt(total);
    }
    return new Tensor(out, reducedShape(x.shape, dims, keepdim));
  }
  if (p === 0) return reduceDims(x, dims, keepdim, 0, (acc, v) => acc + (v !== 0 ? 1 : 0));
  if (p === 1) return reduceDims(x, dims, keepdim, 0, (acc, v) => acc + Math.abs(v));
  if (p === 2) return map(reduceDims(x, dims, keepdim, 0, (acc, v) => fma(v, v, acc)), Math.sqrt);
  if (p === Infinity) return reduceDims(x, dims, keepdim, 0, (acc, v) => (acc !== acc || v !== v ? NaN : Math.abs(v) > acc ? Math.abs(v) : acc));
  if (p === -Infinity) return reduceDims(x, dims, keepdim, Infinity, (acc, v) => (acc !== acc || v !== v ? NaN : Math.abs(v) < acc ? Math.abs(v) : acc));
  const inverse = round(1 / round(p));
  const pp = round(p);
  return map(
    reduceDims(x, dims, keepdim, 0, (acc, v) => acc + round(Math.abs(v) ** pp)),
    (total) => total ** inverse,
  );
}

/** `value` where `keep` holds for the mask element, else 0, without 0 * inf: the masked entries are moved to 1 first. */
function safeDiv(numerator: Tensor, denominator: Tensor): Tensor {
  const zero = map(denominator, (v) => (v === 0 ? 1 : 0));
  return mul(div(numerator, add(denominator, zero)), map(zero, (v) => 1 - v));
}

/** PyTorch's norm_backward for the vector p-norm (see the cases below); p = 0 gives no gradient. */
function normBackward(g: Tensor, x: Tensor, output: Tensor, attrs: NormAttrs): Tensor | null {
  const moment = { dims: attrs.dims, keepdim: attrs.keepdim, correction: 0 };
  const grad = unsqueezeReduced(g, x, moment);
  const norm = unsqueezeReduced(output, x, moment);
  const p = attrs.p;
  if (p === 0) return null;
  // p = 1: sign(x) * g
  if (p === 1) return mul(sign(x), grad);
  // p = 2: g * x / norm, 0 where the norm is 0
  if (p === 2) return mul(grad, safeDiv(x, norm));
  // ±inf: the gradient of max|x| (min|x|), shared among ties, NaN entries counted as ties
  if (!Number.isFinite(p)) {
    const mask = zip(x, norm, x.dtype, (v, n) => (Math.abs(v) === n || v !== v ? 1 : 0));
    const count = x.ndim === 0 ? mask : sum(mask, attrs.dims, true);
    return mul(sign(x), mul(div(grad, count), mask));
  }
  const absolute = abs(x);
  // p < 1: sign(x) |x|^(p-1) (0 where x = 0) * g * norm^(1-p)
  if (p < 1) {
    const isZero = map(x, (v) => (v === 0 ? 1 : 0));
    const scaled = mul(mul(sign(x), pow(add(absolute, isZero), p - 1)), map(isZero, (v) => 1 - v));
    return mul(mul(scaled, grad), pow(norm, 1 - p));
  }
  // 1 < p < 2: sign(x) |x|^(p-1) * g / norm^(p-1); p > 2: x |x|^(p-2) * g / norm^(p-1) (0 where the norm is 0)
  const scaled = p < 2 ? mul(sign(x), pow(absolute, p - 1)) : mul(x, pow(absolute, p - 2));
  return mul(scaled, safeDiv(grad, pow(norm, p - 1)));
}

// d ||x||_p/dx_i = sign(x_i) |x_i|^(p-1) / ||x||_p^(p-1) (p = 2: x_i / ||x||; p = inf: the largest |x_i|, shared among ties)
const Norm: Primitive<NormAttrs> = {
  gradFn: 'NormBackward1',
  forward: ([x], attrs) => vectorNorm(attrs.dtype ? castTo(x, attrs.dtype) : x, attrs),
  backward: (g, { inputs: [x], output, attrs }) => [normBackward(toDtype(g, x.dtype), x, toDtype(output, x.dtype), attrs)],
};

/** The overload with a dtype (ATen norm.ScalarOpt_dim_dtype). */
const NormDtype: Primitive<NormAttrs> = { ...Norm, gradFn: 'NormBackward3' };

/** ATen's norm(x, p, dims, keepdim) (NormBackward1): the vector p-norm over `dims` (all when empty). */
export function vectorNormOver(x: Tensor, p: number, dims: readonly number[] | null, keepdim: boolean, dtype: DType | null = null): Tensor {
  const reduced = dims === null || dims.length === 0 ? x.shape.map((_, d) => d) : [...dims];
  return apply(dtype === null ? Norm : NormDtype, [x], { p, dims: reduced, keepdim, dtype });
}

/**
 * torch.norm(input, p='fro', dim=None, keepdim=False) as torch 1.13's Python
 * function dispatches it: a number p (None is 2) or 'fro' over at most one dim
 * is the vector norm (NormBackward1); 'fro' over two dims is
 * sqrt(sum(x * x, dims)) (SqrtBackward0); 'nuc' needs an SVD and is not available.
 */
export function norm(x: Tensor, p: Value = 'fro', dim: number | readonly number[] | null = null, keepdim = false, dtype: DType | null = null): Tensor {
  const dims = dim === null ? null : normalizeDims(dim, x.ndim);
  if (typeof p === 'string') {
    if (dtype !== null && (p === 'fro' || p === 'nuc')) {
      throw new ProblemError('invalid-argument', `dtype argument is not supported in ${p === 'fro' ? 'frobenius' : 'nuclear'} norm`, { pythonType: 'ValueError' });
    }
    if (p === 'fro') {
      if (dims === null || dims.length <= 1) return vectorNormOver(x, 2, dims, keepdim);
      if (dims.length > 2) throw new ProblemError('invalid-argument', `Expected at most 2 dimensions, but got ${dims.length} dimensions instead.`);
      return sqrt(sum(mul(x, x), dims, keepdim));
    }
    if (p === 'nuc') throw new ProblemError('invalid-argument', "torch.norm(p='nuc') (the nuclear norm) is not available here");
    throw new ProblemError('invalid-argument', `only valid string values are 'fro' and 'nuc', found ${p}`);
  }
  if (p === null) return vectorNormOver(x, 2, dims, keepdim, dtype);
  if (typeof p === 'number' || typeof p === 'bigint' || typeof p === 'boolean') return vectorNormOver(x, Number(p), dims, keepdim, dtype);
  throw new ProblemError('invalid-argument', `norm(): argument 'p' must be Number or str, not ${pythonTypeName(p)}`, { pythonType: 'TypeError' });
}

export default defineOp({
  name: 'norm',
  summary: "Vector p-norm over all elements or `dim` (p a number, inf, or 'fro'); 'fro' over two dims is sqrt(sum(x²)).",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'p', kind: 'any', default: 'fro' },
    { name: 'dim', kind: 'int|tuple?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
  ],
  gradFns: ['NormBackward1', 'NormBackward3', 'SqrtBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [5] }] },
    { args: [{ tensor: [2, 3] }], kwargs: { p: 1, dim: 1 } },
    { args: [{ tensor: [2, 3] }], kwargs: { p: 3, dim: 0, keepdim: true } },
    { args: [{ tensor: [2, 3] }], kwargs: { p: 1.5 } },
    { args: [{ tensor: [2, 3] }], kwargs: { p: 0.5, dim: 1 } },
    { args: [{ tensor: [4] }], kwargs: { p: Infinity } },
    { args: [{ tensor: [2, 3] }], kwargs: { dim: [0, 1] } },
    { args: [{ tensor: [2, 9] }], kwargs: { p: 2, dim: 1 } },
  ],
  call: ({ input, p, dim, keepdim, dtype }): Value =>
    norm(input as Tensor, p, dim as number | number[] | null, keepdim as boolean, dtype === null ? null : (dtype as TorchDType).dtype),
});
