import { ProblemError } from '../../errors.js';
import { normalizeDim } from '../kernels/reduce.js';
import { applyMulti, defineOp, type MultiPrimitive, type Value } from '../op.js';
import { selectLayout } from '../strided.js';
import { Tensor, zerosTensor } from '../tensor.js';
import { stack } from './stack.js';

interface UnbindAttrs {
  dim: number;
}

// each piece is one index along dim: the gradients stacked back (a missing one is zeros)
const Unbind: MultiPrimitive<UnbindAttrs> = {
  gradFn: 'UnbindBackward0',
  saves: 'nothing',
  forward: ([x], { dim }) =>
    Array.from({ length: x.shape[dim] }, (_, index) => {
      const { shape, strides, offset } = selectLayout({ shape: x.shape, strides: x.strides, offset: x.offset }, { dim, index });
      return Tensor.view(x, shape, strides, offset);
    }),
  backward: (grads, { inputs: [x], outputs, attrs: { dim } }) => [stack(grads.map((g, i) => g ?? zerosTensor(outputs[i].shape, x.dtype)), dim)],
};

/** `x.unbind(dim)`: the slices along dim as a tuple of views (one UnbindBackward0 node). */
export function unbind(x: Tensor, dim = 0): Tensor[] {
  if (x.ndim === 0) throw new ProblemError('invalid-argument', 'Dimension specified as 0 but tensor has no dimensions', { pythonType: 'IndexError' });
  return applyMulti(Unbind, [x], { dim: normalizeDim(dim, x.ndim) });
}

export default defineOp({
  name: 'unbind',
  summary: 'The slices along `dim` as a tuple (views); also what iterating over a tensor gives.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int', default: 0n },
  ],
  gradFns: ['UnbindBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [2, 3] }, 1] }],
  call: ({ input, dim }): Value => unbind(input as Tensor, dim as number),
});
