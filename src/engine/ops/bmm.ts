import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { batchedMatmulData } from '../kernels/matmul.js';
import type { Tensor } from '../tensor.js';
import { dtypeMismatch } from './mm.js';
import { transpose } from './transpose.js';

// d(A B)/dA = g Bᵀ, d(A B)/dB = Aᵀ g, batch by batch
const Bmm: Primitive = {
  gradFn: 'BmmBackward0',
  forward: ([a, b]) => {
    const [batch, m, k] = a.shape;
    return batchedMatmulData(a.data, b.data, batch, m, k, b.shape[2], a.dtype);
  },
  backward: (g, { inputs: [a, b] }) => [
    a.requiresGrad ? bmm(g, transpose(b, 1, 2)) : null,
    b.requiresGrad ? bmm(transpose(a, 1, 2), g) : null,
  ],
};

/** Batched matrix product of two 3-D tensors, [B, n, m] @ [B, m, p] -> [B, n, p], with PyTorch's checks in its order. */
export function bmm(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 3) throw new ProblemError('shape-error', 'batch1 must be a 3D tensor');
  if (b.ndim !== 3) throw new ProblemError('shape-error', 'batch2 must be a 3D tensor');
  if (b.shape[0] !== a.shape[0] || b.shape[1] !== a.shape[2]) {
    throw new ProblemError(
      'shape-error',
      `Expected size for first two dimensions of batch2 tensor to be: [${a.shape[0]}, ${a.shape[2]}] but got: [${b.shape[0]}, ${b.shape[1]}].`,
    );
  }
  if (a.dtype !== b.dtype) throw dtypeMismatch(a, b);
  return apply(Bmm, [a, b], undefined);
}

export default defineOp({
  name: 'bmm',
  summary: 'Batched matrix product of two 3-D tensors with the same batch size.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'mat2', kind: 'tensor' },
  ],
  gradFns: ['BmmBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 2, 3] }, { tensor: [2, 3, 4] }] }],
  call: ({ input, mat2 }): Value => bmm(input as Tensor, mat2 as Tensor),
});
