import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { permutedView } from '../strided.js';
import { Tensor } from '../tensor.js';

// t swaps rows and columns: the gradient is the output gradient transposed back
const T: Primitive = {
  gradFn: 'TBackward0',
  saves: 'nothing',
  forward: ([x]) => (x.ndim < 2 ? Tensor.view(x, x.shape, x.strides, x.offset) : permutedView(x, [1, 0])),
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
