import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { isContiguous, Tensor } from '../tensor.js';

// a copy: the gradient passes through unchanged
const Clone: Primitive = {
  gradFn: 'CloneBackward0',
  saves: 'nothing',
  forward: ([x]) => new Tensor(x.data.slice(), x.shape.slice()),
  backward: (g) => [g],
};

/** A contiguous copy of `x` with its own storage (CloneBackward0). */
export function cloneTensor(x: Tensor): Tensor {
  return apply(Clone, [x], undefined);
}

/** `x` itself when its elements are laid out row-major, else a contiguous copy (CloneBackward0). */
export function contiguous(x: Tensor): Tensor {
  return isContiguous(x.shape, x.strides) ? x : cloneTensor(x);
}

export default defineOp({
  name: 'contiguous',
  summary: 'The tensor itself if its elements are laid out row-major in memory, else a contiguous copy.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['CloneBackward0'],
  method: true,
  function: false,
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }): Value => contiguous(input as Tensor),
});
