import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { allocate, type DType, type TorchDType } from '../dtype.js';
import { linesAlong, normalizeDim } from '../kernels/reduce.js';
import { castTo, Tensor } from '../tensor.js';
import { toDtype } from './to.js';
import { reversedCumsum } from './cumsum.js';
import { div } from './div.js';
import { mul } from './mul.js';

interface ScanAttrs {
  dim: number;
  /** The dtype to compute and return in (the `dtype=` argument); null: the input's. */
  dtype?: DType | null;
}

/** Running products along `dim`, accumulated in double as PyTorch's CPU kernel does, rounded as stored. */
function scanProduct(x: Tensor, dim: number): Tensor {
  const { outer, size, inner } = linesAlong(x.shape, dim);
  const src = x.data;
  const out = allocate(x.dtype, src.length);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * size * inner + i;
      let total = 1;
      for (let j = 0, at = first; j < size; j++, at += inner) {
        total *= src[at];
        out[at] = total;
      }
    }
  }
  return new Tensor(out, x.shape.slice());
}

/**
 * The gradient of cumprod where an input is exactly 0 (then out / x is 0/0):
 * grad_k = Σ_{j >= k} g_j Π_{i <= j, i != k} x_i along each line, directly.
 */
const CumprodWithZerosBackward: Primitive<ScanAttrs> = {
  gradFn: 'CumprodBackwardBackward0',
  forward: ([g, x], { dim }) => {
    const { outer, size, inner } = linesAlong(x.shape, dim);
    const [gd, xd] = [g.data, x.data];
    const out = allocate(x.dtype, xd.length);
    for (let o = 0; o < outer; o++) {
      for (let i = 0; i < inner; i++) {
        const first = o * size * inner + i;
        let prefix = 1;
        for (let k = 0; k < size; k++) {
          let running = prefix;
          let total = 0;
          for (let j = k; j < size; j++) {
            if (j > k) running *= xd[first + j * inner];
            total += gd[first + j * inner] * running;
          }
          out[first + k * inner] = total;
          prefix *= xd[first + k * inner];
        }
      }
    }
    return new Tensor(out, x.shape.slice());
  },
  backward: () => {
    throw new ProblemError('invalid-argument', 'the second derivative of cumprod where an input is exactly 0 is not supported here');
  },
};

// d cumprod(x)_j/dx_k = Π_{i <= j, i != k} x_i for k <= j. Without zeros PyTorch takes
// reversed_cumsum(out * g) / x; with a zero input the products are formed directly.
const Cumprod: Primitive<ScanAttrs> = {
  gradFn: 'CumprodBackward0',
  forward: ([x], { dim, dtype }) => scanProduct(dtype ? castTo(x, dtype) : x, dim),
  backward: (g, { inputs: [x], output, attrs }) => {
    const grad = toDtype(g, x.dtype);
    const out = toDtype(output, x.dtype);
    if (x.numel <= 1 || x.ndim === 0 || x.shape[attrs.dim] === 1) return [grad];
    if (x.data.some((v) => v === 0)) return [apply(CumprodWithZerosBackward, [grad, x], attrs)];
    return [div(reversedCumsum(mul(out, grad), attrs.dim), x)];
  },
};

/** torch.cumprod(x, dim, dtype=None): running products along `dim`, in `dtype` if given (one node either way). */
export function cumprod(x: Tensor, dim: number, dtype: DType | null = null): Tensor {
  return apply(Cumprod, [x], { dim: normalizeDim(dim, x.ndim), dtype });
}

export default defineOp({
  name: 'cumprod',
  summary: 'Running products along `dim`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
  ],
  gradFns: ['CumprodBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [5] }, 0] }, { args: [{ tensor: [2, 3] }], kwargs: { dim: 1 } }, { args: [{ tensor: [3, 2] }, 0] }],
  call: ({ input, dim, dtype }): Value => cumprod(input as Tensor, dim as number, dtype === null ? null : (dtype as TorchDType).dtype),
});
