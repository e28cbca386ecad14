import { ProblemError } from '../../errors.js';
import { layoutIndices, take } from '../flat_index.js';
import { defineOp, type Value } from '../op.js';
import { rowMajorLayout } from '../strided.js';
import type { Tensor } from '../tensor.js';

/**
 * `x.repeat(*sizes)`: x tiled sizes[i] times along each dim (new leading dims
 * for extra sizes); d/dx adds up the gradient of every copy (RepeatBackward0).
 */
export function repeat(x: Tensor, sizes: readonly number[]): Tensor {
  if (sizes.length < x.ndim) {
    throw new ProblemError('invalid-argument', 'Number of dimensions of repeat dims can not be smaller than number of dimensions of tensor');
  }
  if (sizes.some((s) => s < 0)) throw new ProblemError('invalid-argument', `Trying to create tensor with negative dimension ${Math.min(...sizes)}: [${sizes.join(', ')}]`);
  const lead = sizes.length - x.ndim;
  const own = [...new Array<number>(lead).fill(1), ...x.shape];
  const strides = rowMajorLayout(own).strides;
  // Output dims as (copy, index) pairs: the copy steps 0, the index steps through x.
  const pairedShape = own.flatMap((d, i) => [sizes[i], d]);
  const pairedStrides = own.flatMap((_, i) => [0, strides[i]]);
  const indices = layoutIndices(pairedShape, pairedStrides, 0);
  return take(x, indices, own.map((d, i) => d * sizes[i]), 'RepeatBackward0');
}

export default defineOp({
  name: 'repeat',
  summary: 'The tensor tiled `sizes[i]` times along each dim (more sizes than dims add leading dims).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'sizes', kind: 'ints', variadic: true },
  ],
  gradFns: ['RepeatBackward0'],
  method: true,
  function: false,
  examples: [{ args: [{ tensor: [3] }, [2]] }, { args: [{ tensor: [2, 3] }, [2, 1, 2]] }],
  call: ({ input, sizes }): Value => repeat(input as Tensor, sizes as number[]),
});
