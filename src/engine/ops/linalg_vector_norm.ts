import { ProblemError } from '../../errors.js';
import { type DType, TorchDType } from '../dtype.js';
import { vectorNormData } from '../kernels/norm.js';
import { normalizeDim, reducedShape } from '../kernels/reduce.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { castTo, Tensor, zerosTensor } from '../tensor.js';
import { abs } from './abs.js';
import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { pow } from './pow.js';
import { sign } from './sign.js';
import { view } from './view.js';

interface NormAttrs {
  ord: number;
  dims: readonly number[];
  keepdim: boolean;
  dtype: DType;
}

/** A constant tensor: 1 where `t` is exactly 0, else 0. Adding it to a denominator makes 0/0 read 0/1. */
function zeroMask(t: Tensor): Tensor {
  return new Tensor(t.data.map((v) => (v === 0 ? 1 : 0)), t.shape.slice());
}

// torch's norm_backward with n = ‖x‖_p (g and n brought back to keepdim shape):
//   p = 0: 0;  p = 1: sgn(x) g;  p = 2: g x / n;  p = ±inf: sgn(x) g / k on the k elements where |x| = n
//   otherwise sgn(x) |x|^(p-1) g / n^(p-1) (p > 2 as x |x|^(p-2)), taken as 0 where n = 0 and,
//   for p < 1, where x = 0.
const LinalgVectorNorm: Primitive<NormAttrs> = {
  gradFn: 'LinalgVectorNormBackward0',
  forward: ([x], { ord, dims, keepdim, dtype }) => vectorNormData(x.dtype === dtype ? x : castTo(x, dtype), dims, keepdim, ord, dtype),
  backward: (gradOutput, { inputs: [input], output, attrs: { ord, dims, keepdim, dtype } }) => {
    const x = input.dtype === dtype ? input : castTo(input, dtype);
    const kept = reducedShape(x.shape, dims, true);
    const g = keepdim ? gradOutput : view(gradOutput, kept);
    const norm = keepdim ? output : view(output, kept);
    if (ord === 0) return [zerosTensor(x.shape, x.dtype)];
    if (ord === 1) return [mul(sign(x), g)];
    const safeNorm = add(norm, zeroMask(norm));
    if (ord === 2) return [mul(g, div(x, safeNorm))];
    if (ord === Infinity || ord === -Infinity) {
      const ties = tiesWithNorm(x, norm, dims);
      return [mul(sign(x), mul(div(g, ties.count), ties.mask))];
    }
    if (ord < 1) {
      const safeAbs = add(abs(x), zeroMask(x));
      return [mul(mul(mul(sign(x), pow(safeAbs, ord - 1)), g), pow(norm, 1 - ord))];
    }
    const scale = div(g, pow(safeNorm, ord - 1));
    if (ord < 2) return [mul(mul(sign(x), pow(abs(x), ord - 1)), scale)];
    return [mul(mul(x, pow(abs(x), ord - 2)), scale)];
  },
};

/** Where |x| equals the norm (or is NaN), and how many such elements each reduced group has. */
function tiesWithNorm(x: Tensor, norm: Tensor, dims: readonly number[]): { mask: Tensor; count: Tensor } {
  const counts = new Float64Array(norm.numel);
  const maskValues = x.data.slice();
  const n = norm.data;
  // norm has keepdim shape: walk x's elements with an odometer over the kept dims
  const strides = norm.shape.map((_, d) => (norm.shape[d] === 1 && dims.includes(d) ? 0 : norm.shape.slice(d + 1).reduce((a, b) => a * b, 1)));
  const index = new Array<number>(x.ndim).fill(0);
  let o = 0;
  for (let i = 0; i < maskValues.length; i++) {
    const a = Math.abs(x.data[i]);
    const tied = a === n[o] || Number.isNaN(a);
    maskValues[i] = tied ? 1 : 0;
    if (tied) counts[o] += 1;
    for (let d = x.ndim - 1; d >= 0; d--) {
      index[d]++;
      o += strides[d];
      if (index[d] < x.shape[d]) break;
      o -= strides[d] * x.shape[d];
      index[d] = 0;
    }
  }
  return { mask: new Tensor(maskValues, x.shape.slice()), count: castTo(new Tensor(counts, norm.shape.slice()), x.dtype) };
}

/** The dims a norm reduces: all for None or (), else each normalized, with torch's message for repeats. */
export function normDims(dim: number | readonly number[] | null, ndim: number): number[] {
  const given = dim === null ? [] : typeof dim === 'number' ? [dim] : [...dim];
  if (given.length === 0) return Array.from({ length: ndim }, (_, i) => i);
  const dims = given.map((d) => normalizeDim(d, ndim));
  dims.forEach((d, i) => {
    if (dims.indexOf(d) !== i) throw new ProblemError('invalid-argument', `dim ${d} appears multiple times in the list of dims`);
  });
  return ndim === 0 ? [] : dims.sort((a, b) => a - b);
}

/** A Scalar as c10 prints it in messages: 2, -1.5, inf, -inf. */
function formatOrd(ord: number): string {
  if (ord === Infinity) return 'inf';
  if (ord === -Infinity) return '-inf';
  return String(ord);
}

/** torch.linalg.vector_norm(x, ord=2, dim=None, keepdim=False, *, dtype=None). */
export function vectorNorm(x: Tensor, ord = 2, dim: number | readonly number[] | null = null, keepdim = false, dtype: DType | null = null): Tensor {
  if (x.dtype !== 'float32' && x.dtype !== 'float64') {
    throw new ProblemError('invalid-argument', `linalg.vector_norm: Expected a floating point or complex tensor as input. Got ${x.dtype === 'int64' ? 'Long' : 'Bool'}`);
  }
  const dims = normDims(dim, x.ndim);
  if (x.numel === 0 && (ord < 0 || ord === Infinity)) {
    const everything = dim === null || (Array.isArray(dim) && dim.length === 0);
    if (everything) {
      throw new ProblemError('invalid-argument', `linalg.vector_norm cannot compute the ${formatOrd(ord)} norm on an empty tensor because the operation does not have an identity`);
    }
    for (const d of dims) {
      if (x.shape[d] === 0) {
        throw new ProblemError(
          'invalid-argument',
          `linalg.vector_norm cannot compute the ${formatOrd(ord)} norm on the dimension ${d}because this dimension is empty and the operation does not have an identity`,
        );
      }
    }
  }
  return apply(LinalgVectorNorm, [x], { ord, dims, keepdim, dtype: dtype ?? x.dtype });
}

export default defineOp({
  name: 'linalg_vector_norm',
  pythonName: 'vector_norm',
  summary: 'torch.linalg.vector_norm: the ord-norm of the elements over `dim` (all by default); ord may be any number or ±inf.',
  params: [
    { name: 'x', kind: 'tensor' },
    { name: 'ord', kind: 'number', default: 2 },
    { name: 'dim', kind: 'int|tuple?', default: null },
    { name: 'keepdim', kind: 'bool', default: false },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
  ],
  gradFns: ['LinalgVectorNormBackward0'],
  method: false,
  function: false,
  modules: ['torch.linalg'],
  examples: [
    { args: [{ tensor: [2, 3] }] },
    { args: [{ tensor: [2, 3] }, 1, 0] },
    { args: [{ tensor: [2, 3] }, 3, [1], true] },
    { args: [{ tensor: [4] }, 1.5] },
    { args: [{ tensor: [4] }, 0.5] },
    { args: [{ tensor: [2, 3] }], kwargs: { ord: -1, dim: 1 } },
    { args: [{ tensor: [3, 2] }, Infinity, 0] },
  ],
  call: ({ x, ord, dim, keepdim, dtype }): Value =>
    vectorNorm(x as Tensor, ord as number, dim as number | number[] | null, keepdim as boolean, dtype === null ? null : (dtype as TorchDType).dtype),
});
