import { apply, defineOp, type Primitive } from '../op.js';
import { floatingOf } from '../dtype.js';
import { map } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';

// d ln(x)/dx = 1/x, as g / x; at x = 0 that is +inf (for g > 0)
const Log: Primitive = {
  gradFn: 'LogBackward0',
  forward: ([x]) => map(x, Math.log, floatingOf(x.dtype)),
  backward: (g, { inputs: [x] }) => [div(g, x)],
  kinks: ({ inputs: [x] }) =>
    kinkWhere(x, (v) => v === 0, 'log at 0', "log'(0) = 1 / 0 = inf: the gradient is inf there (nan where the incoming gradient is 0)"),
};

export function log(x: Tensor): Tensor {
  return apply(Log, [x], undefined);
}

export default defineOp({
  name: 'log',
  summary: 'Elementwise natural logarithm.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['LogBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3], domain: 'positive' }] }, { args: [{ tensor: [], domain: 'positive' }] }],
  call: ({ input }) => log(input as Tensor),
});
