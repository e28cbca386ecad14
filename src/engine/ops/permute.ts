import { ProblemError } from '../../errors.js';
import { normalizeDim } from '../kernels/reduce.js';
import { apply, defineOp, type Value } from '../op.js';
import { permuteLayout, viewPrimitive } from '../strided.js';
import type { Tensor } from '../tensor.js';

// a reordering of dims (a view): the gradient is put back where each element came from
const Permute = viewPrimitive('PermuteBackward0', permuteLayout);

/** `x.permute(*dims)`: dim i of the result is dim dims[i] of x (a view). */
export function permute(x: Tensor, dims: readonly number[]): Tensor {
  if (dims.length !== x.ndim) {
    throw new ProblemError(
      'invalid-argument',
      `permute(sparse_coo): number of dimensions in the tensor input does not match the length of the desired ordering of dimensions i.e. input.dim() = ${x.ndim} is not equal to len(dims) = ${dims.length}`,
    );
  }
  const order = dims.map((d) => normalizeDim(d, x.ndim));
  if (new Set(order).size !== order.length) throw new ProblemError('invalid-argument', 'permute(): duplicate dims are not allowed.');
  return apply(Permute, [x], { order });
}

export default defineOp({
  name: 'permute',
  summary: 'The same elements with the dims reordered (a view).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dims', kind: 'ints', variadic: true },
  ],
  gradFns: ['PermuteBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3, 4] }, [2, 0, 1]] }, { args: [{ tensor: [2, 3] }, [1, 0]] }],
  call: ({ input, dims }): Value => permute(input as Tensor, dims as number[]),
});

/** `x.T`: the dims reversed, for every rank (PermuteBackward0, as torch 1.13 gives it even for a vector). */
export function reversedDims(x: Tensor): Tensor {
  return permute(
    x,
    x.shape.map((_, i) => x.ndim - 1 - i),
  );
}
