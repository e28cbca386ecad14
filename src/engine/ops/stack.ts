import { ProblemError } from '../../errors.js';
import { selectView } from '../indexing.js';
import { normalizeDim } from '../kernels/reduce.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { sameShape, Tensor } from '../tensor.js';
import { concatenate } from './cat.js';

interface StackAttrs {
  dim: number;
}

// each input's gradient is its index along the new dim of the output gradient
const Stack: Primitive<StackAttrs> = {
  gradFn: 'StackBackward0',
  saves: 'nothing',
  forward: (inputs, { dim }) => {
    const shape = [...inputs[0].shape.slice(0, dim), 1, ...inputs[0].shape.slice(dim)];
    return concatenate(
      inputs.map((t) => Tensor.view(t, shape, [...t.strides.slice(0, dim), 1, ...t.strides.slice(dim)], t.offset)),
      dim,
    );
  },
  backward: (g, { inputs, attrs: { dim } }) => inputs.map((t, i) => (t.requiresGrad ? selectView(g, dim, i) : null)),
};

/** torch.stack(tensors, dim): equal-shaped tensors joined along a new dim. */
export function stack(tensors: readonly Tensor[], dim = 0): Tensor {
  if (tensors.length === 0) throw new ProblemError('invalid-argument', 'stack expects a non-empty TensorList');
  tensors.forEach((t, i) => {
    if (!sameShape(t.shape, tensors[0].shape)) {
      throw new ProblemError(
        'shape-error',
        `stack expects each tensor to be equal size, but got [${tensors[0].shape.join(', ')}] at entry 0 and [${t.shape.join(', ')}] at entry ${i}`,
      );
    }
  });
  return apply(Stack, tensors, { dim: normalizeDim(dim, tensors[0].ndim + 1) });
}

export default defineOp({
  name: 'stack',
  summary: 'Equal-shaped tensors joined along a new dim `dim`.',
  params: [
    { name: 'tensors', kind: 'tensors' },
    { name: 'dim', kind: 'int', default: 0n },
  ],
  gradFns: ['StackBackward0'],
  method: false,
  function: true,
  modules: ['torch'],
  examples: [{ args: [[{ tensor: [4] }, { tensor: [4] }]] }, { args: [[{ tensor: [2, 3] }, { tensor: [2, 3] }, { tensor: [2, 3] }], -1] }],
  call: ({ tensors, dim }): Value => stack(tensors as Tensor[], dim as number),
});
