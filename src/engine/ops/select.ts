import { ProblemError } from '../../errors.js';
import { selectView } from '../indexing.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

/** `x.select(dim, index)`: the slice at `index` along `dim`, that dim removed; a view (SelectBackward0). */
export function select(x: Tensor, dim: number, index: number): Tensor {
  if (x.ndim === 0) throw new ProblemError('invalid-argument', 'select() cannot be applied to a 0-dim tensor.', { pythonType: 'IndexError' });
  const d = normalizeDim(dim, x.ndim);
  const size = x.shape[d];
  if (index < -size || index >= size) {
    throw new ProblemError('invalid-argument', `select(): index ${index} out of range for tensor of size [${x.shape.join(', ')}] at dimension ${d}`, {
      pythonType: 'IndexError',
    });
  }
  return selectView(x, d, index < 0 ? index + size : index);
}

export default defineOp({
  name: 'select',
  summary: 'The slice at `index` along `dim`, with that dim removed (a view).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int' },
    { name: 'index', kind: 'int' },
  ],
  gradFns: ['SelectBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, 1, -1] }, { args: [{ tensor: [3] }, 0, 1] }],
  call: ({ input, dim, index }): Value => select(input as Tensor, dim as number, index as number),
});
