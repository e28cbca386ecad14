import { broadcastShapes } from '../broadcast.js';
import { layoutIndices, take } from '../flat_index.js';
import { defineOp, type Value } from '../op.js';
import { broadcastStrides } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { valuesIn } from './where.js';

/**
 * `input.masked_select(mask)`: the elements where the mask holds (nonzero), in
 * row-major order of the broadcast shape, as a 1-D tensor; d/dinput puts the
 * gradient back where each came from (summed where broadcasting repeated one).
 */
export function maskedSelect(input: Tensor, mask: Tensor): Tensor {
  const shape = broadcastShapes(input.shape, mask.shape);
  const m = valuesIn(mask, shape);
  // Flat indices into input of each broadcast position (stride 0 along broadcast dims).
  const positions = layoutIndices(shape, broadcastStrides(input.shape, shape), 0);
  const picked: number[] = [];
  for (let i = 0; i < m.length; i++) if (m[i] !== 0) picked.push(positions[i]);
  return take(input, Int32Array.from(picked), [picked.length], 'MaskedSelectBackward0');
}

export default defineOp({
  name: 'masked_select',
  summary: 'The elements where the bool `mask` (broadcast with `input`) is True, as a 1-D tensor.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'mask', kind: 'tensor' },
  ],
  gradFns: ['MaskedSelectBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3], dtype: 'bool', values: [1, 0, 1] }] }, { args: [{ tensor: [4] }, { tensor: [4], dtype: 'bool', values: [0, 1, 1, 0] }] }],
  call: ({ input, mask }): Value => maskedSelect(input as Tensor, mask as Tensor),
});
