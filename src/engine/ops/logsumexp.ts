import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map, zip } from '../kernels/elementwise.js';
import { reducedShape, reduceDims, sumDims } from '../kernels/reduce.js';
import { Tensor } from '../tensor.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { normalizeDims } from './sum.js';
import { unsqueezeReduced } from './var.js';

interface LogsumexpAttrs {
  dims: readonly number[];
  keepdim: boolean;
}

/**
 * PyTorch's logsumexp: m = amax over dims (±inf replaced by 0), then
 * log(sum(exp(x - m))) + m, each step rounded to the dtype (the sum is torch's sum).
 */
function logsumexpOf(x: Tensor, { dims, keepdim }: LogsumexpAttrs): Tensor {
  const round = rounder(x.dtype);
  const maxes = reduceDims(x, dims, true, -Infinity, (best, v) => (best !== best || v !== v ? NaN : v > best ? v : best));
  const shifts = map(maxes, (m) => (Math.abs(m) === Infinity ? 0 : m));
  const exps = zip(x, shifts, x.dtype, (v, m) => Math.exp(round(v - m)));
  const total = dims.length === 0 ? exps : sumDims(exps, dims, true);
  const result = zip(total, shifts, x.dtype, (s, m) => round(Math.log(s)) + m);
  return keepdim ? result : new Tensor(result.data, reducedShape(x.shape, dims, false));
}

// d logsumexp/dx_i = exp(x_i - out) (softmax), from the saved result: g * exp(x - out)
const Logsumexp: Primitive<LogsumexpAttrs> = {
  gradFn: 'LogsumexpBackward0',
  forward: ([x], attrs) => logsumexpOf(x, attrs),
  backward: (g, { inputs: [x], output, attrs }) => {
    const moment = { dims: attrs.dims, keepdim: attrs.keepdim, correction: 0 };
    return [mul(unsqueezeReduced(g, x, moment), exp(sub(x, unsqueezeReduced(output, x, moment))))];
  },
};

/** torch.logsumexp(x, dim, keepdim): log(sum(exp(x))) over `dim` (an int or a tuple), computed stably. */
export function logsumexp(x: Tensor, dim: number | readonly number[], keepdim = false): Tensor {
  return apply(Logsumexp, [x], { dims: normalizeDims(dim, x.ndim), keepdim });
}

export default defineOp({
  name: 'logsumexp',
  summary: 'log(sum(exp(x))) over `dim` (an int or a tuple), computed stably.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int|tuple' },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: ['LogsumexpBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.special'],
  examples: [{ args: [{ tensor: [5] }, 0] }, { args: [{ tensor: [2, 3] }, 1] }, { args: [{ tensor: [2, 3, 2] }, [1, 2]], kwargs: { keepdim: true } }],
  call: ({ input, dim, keepdim }): Value => logsumexp(input as Tensor, dim as number | number[], keepdim as boolean),
});
