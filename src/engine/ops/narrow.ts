import { ProblemError } from '../../errors.js';
import { sliceView } from '../indexing.js';
import { dimensionOutOfRange, normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

/** `x.narrow(dim, start, length)`: `length` elements from `start` along `dim`; a view (SliceBackward0). */
export function narrow(x: Tensor, dim: number, start: number, length: number): Tensor {
  if (x.ndim === 0) throw new ProblemError('invalid-argument', 'narrow() cannot be applied to a 0-dim tensor.');
  const d = normalizeDim(dim, x.ndim);
  const size = x.shape[d];
  if (start < -size || start > size) throw dimensionOutOfRange(start, size);
  const from = start < 0 ? start + size : start;
  if (from + length > size) throw new ProblemError('invalid-argument', `start (${from}) + length (${length}) exceeds dimension size (${size}).`);
  if (length < 0) throw new ProblemError('invalid-argument', 'narrow(): length must be non-negative.');
  return sliceView(x, d, from, length);
}

export default defineOp({
  name: 'narrow',
  summary: '`length` elements from `start` along `dim` (a view).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
    { name: 'start', kind: 'int' },
    { name: 'length', kind: 'int' },
  ],
  gradFns: ['SliceBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [6] }, 0, 1, 3] }, { args: [{ tensor: [2, 3] }, 1, -2, 2] }],
  call: ({ input, dim, start, length }): Value => narrow(input as Tensor, dim as number, start as number, length as number),
});
