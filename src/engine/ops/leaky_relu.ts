import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';

interface LeakyAttrs {
  negativeSlope: number;
}

/**
 * PyTorch's leaky_relu_backward(g, x): g where x > 0, g * negative_slope
 * elsewhere (at 0 too). Linear in g: differentiated again
 * (LeakyReluBackwardBackward0) it is leaky_relu_backward of the incoming gradient, nothing for x.
 */
const LeakyReluBackward: Primitive<LeakyAttrs> = {
  gradFn: 'LeakyReluBackwardBackward0',
  forward: ([g, x], { negativeSlope }) => {
    const slope = scalarIn(x.dtype, negativeSlope);
    return zip(g, x, resultDtype([g, x]), (gv, v) => (v > 0 ? gv : gv * slope));
  },
  backward: (gg, { inputs: [g, x], attrs }) => [g.requiresGrad ? leakyReluBackward(gg, x, attrs) : null, null],
};

function leakyReluBackward(g: Tensor, x: Tensor, attrs: LeakyAttrs): Tensor {
  return apply(LeakyReluBackward, [g, x], attrs);
}

// d leaky_relu(x)/dx = 1 for x > 0, negative_slope for x <= 0 (the slope at 0)
const LeakyRelu: Primitive<LeakyAttrs> = {
  gradFn: 'LeakyReluBackward0',
  forward: ([x], { negativeSlope }) => {
    const slope = scalarIn(x.dtype, negativeSlope);
    return map(x, (v) => (v > 0 ? v : v * slope));
  },
  backward: (g, { inputs: [x], attrs }) => [leakyReluBackward(g, x, attrs)],
  kinks: ({ inputs: [x] }) => kinkWhere(x, (v) => v === 0, 'leaky_relu at 0', 'the gradient at 0 is negative_slope'),
};

export function leakyRelu(x: Tensor, negativeSlope = 0.01): Tensor {
  return apply(LeakyRelu, [x], { negativeSlope });
}

export default defineOp({
  name: 'leaky_relu',
  summary: 'Elementwise x for x > 0, negative_slope * x otherwise.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'negative_slope', kind: 'number', default: 0.01 },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['LeakyReluBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [5] }], kwargs: { negative_slope: 0.2 } }],
  call: ({ input, negative_slope, inplace }): Value => (inplace ? inplaceUnsupported('leaky_relu', input as Tensor) : leakyRelu(input as Tensor, negative_slope as number)),
});
