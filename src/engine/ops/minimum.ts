import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

/** The smaller of two numbers; NaN if either is NaN. */
function minimumOf(x: number, y: number): number {
  if (x !== x) return x;
  if (y !== y) return y;
  return x < y ? x : y;
}

// d minimum(a, b)/da = 1 where a < b, 0 where a > b, 1/2 on ties (each side gets half), and likewise for b;
// PyTorch: where(a == b, g / 2, g).masked_fill_(a > b, 0). Where either is NaN both get g.
const Minimum: Primitive = {
  gradFn: 'MinimumBackward0',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), minimumOf),
  backward: (g, { inputs: [a, b] }) => {
    const share = (mine: number, theirs: number) => (mine === theirs ? 0.5 : mine > theirs ? 0 : 1);
    return [
      a.requiresGrad ? mul(g, zip(a, b, g.dtype, share)) : null,
      b.requiresGrad ? mul(g, zip(b, a, g.dtype, share)) : null,
    ];
  },
  kinks: ({ inputs: [a, b] }) => kinkWhere(zip(a, b, a.dtype, (x, y) => (x === y ? 1 : 0)), (v) => v === 1, 'minimum on a tie', 'each input gets half the gradient'),
};

/** torch.minimum(input, other): the elementwise smaller, with broadcasting; NaN propagates. */
export function minimum(a: Tensor, b: Tensor): Tensor {
  return apply(Minimum, [a, b], undefined);
}

export default defineOp({
  name: 'minimum',
  summary: 'Elementwise smaller of two tensors with broadcasting (NaN propagates); ties split the gradient.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['MinimumBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3] }] }, { args: [{ tensor: [4] }, { tensor: [] }] }],
  call: ({ input, other }): Value => minimum(input as Tensor, other as Tensor),
});
