import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { moment, type MomentAttrs, momentAttrs, MOMENT_PARAMS, varBackward } from './var.js';

// d std/dx = d var/dx / (2 std), as PyTorch's std_backward: var_backward(g / (2 * out), x) with
// g / (2 * out) replaced by 0 where out == 0 (all elements equal: the gradient is 0, not NaN)
const Std: Primitive<MomentAttrs> = {
  gradFn: 'StdBackward0',
  forward: ([x], attrs) => moment(x, attrs, true),
  backward: (g, { inputs: [x], output, attrs }) => {
    const zero = map(output, (v) => (v === 0 ? 1 : 0));
    const safe = add(output, zero);
    const gradVar = mul(div(g, mul(safe, 2)), map(zero, (v) => 1 - v));
    return [varBackward(gradVar, x, attrs)];
  },
};

export function std(x: Tensor, attrs: MomentAttrs): Tensor {
  return apply(Std, [x], attrs);
}

export default defineOp({
  name: 'std',
  summary: 'Standard deviation over all elements or `dim` (an int or a tuple), with `correction` (default 1, unbiased=False is 0).',
  params: MOMENT_PARAMS,
  gradFns: ['StdBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [5] }] },
    { args: [{ tensor: [2, 3] }], kwargs: { dim: 1, unbiased: false } },
    { args: [{ tensor: [2, 3, 2] }, [0, 2]], kwargs: { correction: 0, keepdim: true } },
  ],
  call: (args): Value => std(args.input as Tensor, momentAttrs('std', args.input as Tensor, args)),
});
