import { apply, defineOp, type Primitive } from '../op.js';
import { map, zip } from '../kernels/elementwise.js';
import { floatingOf, rounder } from '../dtype.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';

// PyTorch's sigmoid_backward(g, out) = (g * (1 - out)) * out, one rounding per step;
// differentiated again it is SigmoidBackwardBackward0:
// d/dg = sigmoid_backward(gg, out), d/dout = gg * g * (1 - 2 out)
const SigmoidBackward: Primitive = {
  gradFn: 'SigmoidBackwardBackward0',
  forward: ([g, out]) => {
    const round = rounder(out.dtype);
    return zip(g, out, out.dtype, (gv, o) => round(gv * round(1 - o)) * o);
  },
  backward: (gg, { inputs: [g, out] }) => [
    g.requiresGrad ? sigmoidBackward(gg, out) : null,
    out.requiresGrad ? mul(mul(gg, g), add(mul(out, -2), 1)) : null,
  ],
};

function sigmoidBackward(g: Tensor, out: Tensor): Tensor {
  return apply(SigmoidBackward, [g, out], undefined);
}

// d sigmoid(x)/dx = s(1 - s), from the saved result
const Sigmoid: Primitive = {
  gradFn: 'SigmoidBackward0',
  saves: 'output',
  forward: ([x]) => {
    const dtype = floatingOf(x.dtype);
    const round = rounder(dtype);
    return map(x, (v) => 1 / round(1 + round(Math.exp(-v))), dtype);
  },
  backward: (g, { output }) => [sigmoidBackward(g, output)],
};

export function sigmoid(x: Tensor): Tensor {
  return apply(Sigmoid, [x], undefined);
}

export default defineOp({
  name: 'sigmoid',
  summary: 'Elementwise logistic function 1 / (1 + e ** -x).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['SigmoidBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => sigmoid(input as Tensor),
});
