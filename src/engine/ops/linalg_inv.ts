import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { inverse } from './inverse.js';

/** torch.linalg.inv is torch.inverse under the linalg name (LinalgInvExBackward0). */
export default defineOp({
  name: 'linalg_inv',
  pythonName: 'inv',
  summary: 'torch.linalg.inv: inverse of a square matrix or of each of a batch.',
  params: [{ name: 'A', kind: 'tensor' }],
  gradFns: ['LinalgInvExBackward0'],
  method: false,
  function: false,
  modules: ['torch.linalg'],
  examples: [{ args: [{ tensor: [2, 2] }] }],
  call: ({ A }): Value => inverse(A as Tensor),
});
