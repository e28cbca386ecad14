import { apply, defineOp, type Primitive } from '../op.js';
import { map, zip } from '../kernels/elementwise.js';
import { floatingOf } from '../dtype.js';
import { fusedMultiplyAdd } from '../kernels/fma.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

// PyTorch's tanh_backward(g, out) = g * (1 - out * out), 1 - out * out fused into one rounding
// (the compiler contracts it to an FMA) and one for the product;
// differentiated again it is TanhBackwardBackward0:
// d/dg = tanh_backward(gg, out), d/dout = gg * (-2 * out * g)
const TanhBackward: Primitive = {
  gradFn: 'TanhBackwardBackward0',
  forward: ([g, out]) => {
    const fma = fusedMultiplyAdd(out.dtype);
    return zip(g, out, out.dtype, (gv, o) => gv * fma(-o, o, 1));
  },
  backward: (gg, { inputs: [g, out] }) => [
    g.requiresGrad ? tanhBackward(gg, out) : null,
    out.requiresGrad ? mul(gg, mul(mul(out, -2), g)) : null,
  ],
};

function tanhBackward(g: Tensor, out: Tensor): Tensor {
  return apply(TanhBackward, [g, out], undefined);
}

// d tanh(x)/dx = 1 - tanh²(x), from the saved result
const Tanh: Primitive = {
  gradFn: 'TanhBackward0',
  saves: 'output',
  forward: ([x]) => map(x, Math.tanh, floatingOf(x.dtype)),
  backward: (g, { output }) => [tanhBackward(g, output)],
};

export function tanh(x: Tensor): Tensor {
  return apply(Tanh, [x], undefined);
}

export default defineOp({
  name: 'tanh',
  summary: 'Elementwise hyperbolic tangent.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['TanhBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 3] }] }, { args: [{ tensor: [] }] }],
  call: ({ input }) => tanh(input as Tensor),
});
