import { ProblemError } from '../../errors.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { view } from './view.js';

/** `x.unflatten(dim, sizes)`: dim split into `sizes` (one may be -1), a view (ViewBackward0). */
export function unflatten(x: Tensor, dim: number, sizes: readonly number[]): Tensor {
  const d = normalizeDim(dim, x.ndim);
  const size = x.shape[d];
  const known = sizes.reduce((n, s) => (s === -1 ? n : n * s), 1);
  const free = sizes.filter((s) => s === -1).length;
  const resolved = sizes.map((s) => (s === -1 && known > 0 ? size / known : s));
  if (free > 1 || resolved.some((s) => !Number.isInteger(s)) || resolved.reduce((n, s) => n * s, 1) !== size) {
    throw new ProblemError('shape-error', `unflatten: Provided sizes [${sizes.join(', ')}] don't multiply up to the size of dim ${d} (${size}) in the input tensor`);
  }
  return view(x, [...x.shape.slice(0, d), ...resolved, ...x.shape.slice(d + 1)]);
}

export default defineOp({
  name: 'unflatten',
  summary: 'Splits dim `dim` into `sizes` (one of them may be -1), a view.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
    { name: 'sizes', kind: 'ints' },
  ],
  gradFns: ['ViewBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [6] }, 0, [2, 3]] }, { args: [{ tensor: [2, 6] }, -1, [-1, 2]] }],
  call: ({ input, dim, sizes }): Value => unflatten(input as Tensor, dim as number, sizes as number[]),
});
