import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

/** The larger of two numbers; NaN if either is NaN. */
function maximumOf(x: number, y: number): number {
  if (x !== x) return x;
  if (y !== y) return y;
  return x > y ? x : y;
}

// d maximum(a, b)/da = 1 where a > b, 0 where a < b, 1/2 on ties (each side gets half), and likewise for b;
// PyTorch: where(a == b, g / 2, g).masked_fill_(a < b, 0). Where either is NaN both get g.
const Maximum: Primitive = {
  gradFn: 'MaximumBackward0',
  forward: ([a, b]) => zip(a, b, resultDtype([a, b]), maximumOf),
  backward: (g, { inputs: [a, b] }) => {
    const share = (mine: number, theirs: number) => (mine === theirs ? 0.5 : mine < theirs ? 0 : 1);
    return [
      a.requiresGrad ? mul(g, zip(a, b, g.dtype, share)) : null,
      b.requiresGrad ? mul(g, zip(b, a, g.dtype, share)) : null,
    ];
  },
  kinks: ({ inputs: [a, b] }) => kinkWhere(zip(a, b, a.dtype, (x, y) => (x === y ? 1 : 0)), (v) => v === 1, 'maximum on a tie', 'each input gets half the gradient'),
};

/** torch.maximum(input, other): the elementwise larger, with broadcasting; NaN propagates. */
export function maximum(a: Tensor, b: Tensor): Tensor {
  return apply(Maximum, [a, b], undefined);
}

export default defineOp({
  name: 'maximum',
  summary: 'Elementwise larger of two tensors with broadcasting (NaN propagates); ties split the gradient.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'other', kind: 'tensor' },
  ],
  gradFns: ['MaximumBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3] }] }, { args: [{ tensor: [4] }, { tensor: [] }] }],
  call: ({ input, other }): Value => maximum(input as Tensor, other as Tensor),
});
