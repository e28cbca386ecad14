import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { allocate, type DType, type TorchDType } from '../dtype.js';
import { linesAlong, normalizeDim } from '../kernels/reduce.js';
import { castTo, Tensor } from '../tensor.js';
import { toDtype } from './to.js';

interface ScanAttrs {
  dim: number;
  /** The dtype to compute and return in (the `dtype=` argument); null: the input's. */
  dtype?: DType | null;
}

/**
 * A running sum along `dim`, forwards or from the end, accumulated in double
 * as PyTorch's CPU kernel does (acc_type of float is double) and rounded to
 * the dtype as each element is stored.
 */
function scanSum(x: Tensor, dim: number, reverse: boolean): Tensor {
  const { outer, size, inner } = linesAlong(x.shape, dim);
  const src = x.data;
  const out = allocate(x.dtype, src.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * size * inner + i;
      let total = 0;
      for (let j = 0; j < size; j++) {
        const at = first + (reverse ? size - 1 - j : j) * inner;
        total += src[at];
        out[at] = total;
      }
    }
  }
  return new Tensor(out, x.shape.slice());
}

// The backward of cumsum, the sum from each element to the end (PyTorch: g.flip(dim).cumsum(dim).flip(dim)); linear, its own backward is cumsum
const ReversedCumsum: Primitive<ScanAttrs> = {
  gradFn: 'FlipBackward0',
  forward: ([g], { dim }) => scanSum(g, dim, true),
  backward: (gg, { attrs }) => [apply(Cumsum, [gg], attrs)],
};

/** PyTorch's reversed_cumsum(g, dim). */
export function reversedCumsum(g: Tensor, dim: number): Tensor {
  return apply(ReversedCumsum, [g], { dim });
}

// d cumsum(x)_j/dx_i = 1 for i <= j: the gradient is the reversed cumulative sum of g
const Cumsum: Primitive<ScanAttrs> = {
  gradFn: 'CumsumBackward0',
  forward: ([x], { dim, dtype }) => scanSum(dtype ? castTo(x, dtype) : x, dim, false),
  backward: (g, { inputs: [x], attrs: { dim } }) => {
    const grad = toDtype(g, x.dtype);
    return [grad.numel <= 1 || grad.ndim === 0 || grad.shape[dim] === 1 ? grad : reversedCumsum(grad, dim)];
  },
};

/** torch.cumsum(x, dim, dtype=None): running sums along `dim`, in `dtype` if given (one node either way). */
export function cumsum(x: Tensor, dim: number, dtype: DType | null = null): Tensor {
  return apply(Cumsum, [x], { dim: normalizeDim(dim, x.ndim), dtype: dtype ?? floatOrSame(x.dtype) });
}

/** Integer inputs sum in int64 (torch's cumsum of bool/int64 is int64). */
function floatOrSame(dtype: DType): DType | null {
  return dtype === 'bool' ? 'int64' : null;
}

export default defineOp({
  name: 'cumsum',
  summary: 'Running sums along `dim`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
  ],
  gradFns: ['CumsumBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [5] }, 0] }, { args: [{ tensor: [2, 3] }], kwargs: { dim: 1 } }, { args: [{ tensor: [3, 2] }, -2] }],
  call: ({ input, dim, dtype }): Value => cumsum(input as Tensor, dim as number, dtype === null ? null : (dtype as TorchDType).dtype),
});
