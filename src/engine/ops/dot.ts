import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { matmulData } from '../kernels/matmul.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

// d(a · b)/da = g b, d(a · b)/db = g a
const Dot: Primitive = {
  gradFn: 'DotBackward0',
  forward: ([a, b]) => matmulData(a.data, b.data, 1, a.numel, 1, a.dtype, []),
  backward: (g, { inputs: [a, b] }) => [a.requiresGrad ? mul(g, b) : null, b.requiresGrad ? mul(g, a) : null],
};

/** Inner product of two 1-D tensors of the same length, with PyTorch's checks in its order. */
export function dot(a: Tensor, b: Tensor): Tensor {
  if (a.ndim !== 1 || b.ndim !== 1) {
    throw new ProblemError('shape-error', `1D tensors expected, but got ${a.ndim}D and ${b.ndim}D tensors`);
  }
  if (a.dtype !== b.dtype) {
    const name = (x: Tensor) => (x.dtype === 'float32' ? 'Float' : 'Double');
    throw new ProblemError('invalid-argument', `dot : expected both vectors to have same dtype, but found ${name(a)} and ${name(b)}`);
  }
  if (a.numel !== b.numel) {
    throw new ProblemError(
      'shape-error',
      `inconsistent tensor size, expected tensor [${a.numel}] and src [${b.numel}] to have the same number of elements, but got ${a.numel} and ${b.numel} elements respectively`,
    );
  }
  return apply(Dot, [a, b], undefined);
}

export default defineOp({
  name: 'dot',
  summary: 'Inner product of two 1-D tensors.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'tensor', kind: 'tensor' },
  ],
  gradFns: ['DotBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [4] }, { tensor: [4] }] }],
  call: ({ input, tensor }): Value => dot(input as Tensor, tensor as Tensor),
});
