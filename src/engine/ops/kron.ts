import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { unsafeView } from './reshape_alias.js';

/**
 * torch.kron(a, b) as torch 1.13 composes it (KronImpl): both viewed with
 * their dims interleaved with 1s, a as [a0, 1, a1, 1, ...] and b as
 * [1, b0, 1, b1, ...] (the shorter padded with leading 1s), multiplied, and
 * the product viewed as [a0 b0, a1 b1, ...]; every view is an
 * UnsafeViewBackward0.
 */
export function kron(a: Tensor, b: Tensor): Tensor {
  const dims = Math.max(a.ndim, b.ndim);
  const sizeOf = (t: Tensor, i: number) => (i >= dims - t.ndim ? t.shape[i - (dims - t.ndim)] : 1);
  const aShape: number[] = [];
  const bShape: number[] = [];
  const resultShape: number[] = [];
  for (let i = 0; i < dims; i++) {
    aShape.push(sizeOf(a, i), 1);
    bShape.push(1, sizeOf(b, i));
    resultShape.push(sizeOf(a, i) * sizeOf(b, i));
  }
  return unsafeView(mul(unsafeView(a, aShape), unsafeView(b, bShape)), resultShape);
}

export default defineOp({
  name: 'kron',
  summary: 'Kronecker product: every element of input times the whole of other, blocks laid out in input’s shape.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['UnsafeViewBackward0', 'MulBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [2, 2] }] }, { args: [{ tensor: [3] }, { tensor: [2, 2] }] }],
  call: ({ input, other }): Value => kron(input as Tensor, other as Tensor),
});
