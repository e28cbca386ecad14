import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { swapDims } from '../kernels/transpose.js';
import { Tensor } from '../tensor.js';

// t swaps rows and columns: the gradient is the output gradient transposed back
const T: Primitive = {
  gradFn: 'TBackward0',
  forward: ([x]) => (x.ndim < 2 ? new Tensor(x.data.slice(), x.shape.slice()) : swapDims(x, 0, 1)),
  backward: (g) => [t(g)],
};

/** The transpose of a matrix; 0-D and 1-D tensors come back as they are. */
export function t(x: Tensor): Tensor {
  if (x.ndim > 2) throw new ProblemError('invalid-argument', `t() expects a tensor with <= 2 dimensions, but self is ${x.ndim}D`);
  return apply(T, [x], undefined);
}

export default defineOp({
  name: 't',
  summary: 'Transpose of a tensor with at most 2 dimensions.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['TBackward0'],
  method: true,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [3] }] }],
  call: ({ input }): Value => t(input as Tensor),
});
