import { ProblemError } from '../../errors.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { reshapeAlias } from './reshape_alias.js';

/** torch.outer(input, vec2) as torch 1.13 composes it: input.reshape(n, 1) * vec2 (MulBackward0 over ReshapeAliasBackward0). */
export function outer(input: Tensor, vec2: Tensor): Tensor {
  for (const [name, t] of [['self', input], ['vec2', vec2]] as const) {
    if (t.ndim !== 1) throw new ProblemError('shape-error', `outer: Expected 1-D argument ${name}, but got ${t.ndim}-D`);
  }
  return mul(reshapeAlias(input, [input.shape[0], 1]), vec2);
}

export default defineOp({
  name: 'outer',
  summary: 'Outer product of two vectors: [n] and [m] to [n, m] (input.reshape(n, 1) * vec2, as torch).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'vec2', kind: 'tensor' },
  ],
  gradFns: ['MulBackward0', 'ReshapeAliasBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [4] }, { tensor: [3] }] }],
  call: ({ input, vec2 }): Value => outer(input as Tensor, vec2 as Tensor),
});
