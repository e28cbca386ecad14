import { ProblemError } from '../../errors.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { split } from './split.js';

/** `x.chunk(chunks, dim)`: split into pieces of ceil(size / chunks) (SplitBackward0), so maybe fewer than `chunks`. */
export function chunk(x: Tensor, chunks: number, dim = 0): Tensor[] {
  if (chunks <= 0) throw new ProblemError('invalid-argument', `chunk expects \`chunks\` to be greater than 0, got: ${chunks}`);
  if (x.ndim === 0) throw new ProblemError('invalid-argument', 'chunk expects at least a 1-dimensional tensor');
  const size = x.shape[normalizeDim(dim, x.ndim)];
  return split(x, Math.max(1, Math.ceil(size / chunks)), dim);
}

export default defineOp({
  name: 'chunk',
  summary: 'Splits into `chunks` pieces of ceil(size / chunks) along `dim` (views; the last may be shorter).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'chunks', kind: 'int' },
    { name: 'dim', kind: 'int', default: 0n },
  ],
  gradFns: ['SplitBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [6] }, 2] }, { args: [{ tensor: [2, 3] }, 3, 1] }],
  call: ({ input, chunks, dim }): Value => chunk(input as Tensor, chunks as number, dim as number),
});
