import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { normalizeDim } from '../kernels/reduce.js';
import { softmaxAlong } from '../kernels/softmax.js';
import type { TorchDType } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { toDtype } from './to.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { sub } from './sub.js';
import { implicitSoftmaxDim } from './softmax.js';
import { sum } from './sum.js';

interface LogSoftmaxAttrs {
  dim: number;
}

// d log_softmax(x)_i/dx_j = δ_ij - softmax(x)_j: grad_input = g - exp(y) * sum(g, dim, keepdim=True), from the saved result
const LogSoftmax: Primitive<LogSoftmaxAttrs> = {
  gradFn: 'LogSoftmaxBackward0',
  forward: ([x], { dim }) => softmaxAlong(x, dim, true),
  backward: (g, { output, attrs: { dim } }) => [sub(g, mul(exp(output), sum(g, dim, true)))],
};

/** x - log(sum(exp(x))) along `dim`, computed as (x - max) - log(sum(exp(x - max))). */
export function logSoftmax(x: Tensor, dim: number): Tensor {
  return apply(LogSoftmax, [x], { dim: normalizeDim(dim, x.ndim) });
}

export default defineOp({
  name: 'log_softmax',
  summary: 'The logarithm of softmax along `dim`, computed stably.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int?', default: null },
    // the input is converted to this dtype first (a ToCopyBackward0 node when it changes)
    { name: 'dtype', kind: 'dtype?', default: null },
  ],
  gradFns: ['LogSoftmaxBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.nn.functional', 'torch.special'],
  examples: [{ args: [{ tensor: [5] }, 0] }, { args: [{ tensor: [2, 3] }, 1] }, { args: [{ tensor: [3, 2] }], kwargs: { dim: 0 } }],
  call: ({ input, dim, dtype }): Value => {
    const x = dtype === null ? (input as Tensor) : toDtype(input as Tensor, (dtype as TorchDType).dtype);
    return logSoftmax(x, (dim as number | null) ?? implicitSoftmaxDim(x.ndim));
  },
});
