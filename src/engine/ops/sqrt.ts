import { apply, defineOp, type Primitive } from '../op.js';
import { floatingOf } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

// d sqrt(x)/dx = 1 / (2 sqrt(x)), from the saved result: g / (2 * out); sqrt'(0) = +inf
const Sqrt: Primitive = {
  gradFn: 'SqrtBackward0',
  forward: ([x]) => map(x, Math.sqrt, floatingOf(x.dtype)),
  backward: (g, { output }) => [div(g, mul(output, 2))],
  kinks: ({ inputs: [x] }) =>
    kinkWhere(x, (v) => v === 0, 'sqrt at 0', "sqrt'(0) = 1 / (2 * sqrt(0)) = inf: the gradient is inf there (nan where the incoming gradient is 0)"),
};

export function sqrt(x: Tensor): Tensor {
  return apply(Sqrt, [x], undefined);
}

export default defineOp({
  name: 'sqrt',
  summary: 'Elementwise square root.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['SqrtBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], domain: 'positive' }] }, { args: [{ tensor: [], domain: 'positive' }] }],
  call: ({ input }) => sqrt(input as Tensor),
});
