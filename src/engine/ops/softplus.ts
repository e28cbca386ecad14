import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sigmoid } from './sigmoid.js';
import { sub } from './sub.js';

interface SoftplusAttrs {
  beta: number;
  threshold: number;
}

/**
 * PyTorch's softplus_backward(g, x): z = exp(x * beta); g where x * beta > threshold
 * (the linear part), else g * z / (z + 1). Differentiated again
 * (SoftplusBackwardBackward0): d/dg = softplus_backward(gg, x), d/dx = gg * g * beta * s (1 - s)
 * with s = sigmoid(x * beta), 0 where x * beta >= threshold.
 */
const SoftplusBackward: Primitive<SoftplusAttrs> = {
  gradFn: 'SoftplusBackwardBackward0',
  forward: ([g, x], { beta, threshold }) => {
    const round = rounder(x.dtype);
    const [b, t] = [scalarIn(x.dtype, beta), scalarIn(x.dtype, threshold)];
    return zip(g, x, resultDtype([g, x]), (gv, v) => {
      const scaled = round(v * b);
      if (scaled > t) return gv;
      const z = round(Math.exp(scaled));
      return round(gv * z) / round(z + 1);
    });
  },
  backward: (gg, { inputs: [g, x], attrs }) => {
    if (!x.requiresGrad) return [g.requiresGrad ? softplusBackward(gg, x, attrs) : null, null];
    const round = rounder(x.dtype);
    const [b, t] = [scalarIn(x.dtype, attrs.beta), scalarIn(x.dtype, attrs.threshold)];
    const s = sigmoid(mul(x, attrs.beta));
    const curvature = mul(mul(mul(s, sub(1, s)), map(x, (v) => (round(v * b) < t ? 1 : 0))), attrs.beta);
    return [g.requiresGrad ? softplusBackward(gg, x, attrs) : null, mul(mul(gg, g), curvature)];
  },
};

function softplusBackward(g: Tensor, x: Tensor, attrs: SoftplusAttrs): Tensor {
  return apply(SoftplusBackward, [g, x], attrs);
}

// d softplus(x)/dx = sigmoid(beta x), 1 on the linear part (beta x > threshold)
const Softplus: Primitive<SoftplusAttrs> = {
  gradFn: 'SoftplusBackward0',
  // x where x * beta > threshold, else log1p(exp(x * beta)) / beta, one rounding per step
  forward: ([x], { beta, threshold }) => {
    const round = rounder(x.dtype);
    const [b, t] = [scalarIn(x.dtype, beta), scalarIn(x.dtype, threshold)];
    return map(x, (v) => {
      const scaled = round(v * b);
      return scaled > t ? v : round(Math.log1p(round(Math.exp(scaled)))) / b;
    });
  },
  backward: (g, { inputs: [x], attrs }) => [softplusBackward(g, x, attrs)],
};

export function softplus(x: Tensor, beta = 1, threshold = 20): Tensor {
  return apply(Softplus, [x], { beta, threshold });
}

export default defineOp({
  name: 'softplus',
  summary: 'Elementwise log(1 + exp(beta * x)) / beta, and x itself where beta * x > threshold.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'beta', kind: 'number', default: 1 },
    { name: 'threshold', kind: 'number', default: 20 },
  ],
  gradFns: ['SoftplusBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [6], range: [-3, 4] }], kwargs: { beta: 2, threshold: 5 } }],
  call: ({ input, beta, threshold }): Value => softplus(input as Tensor, beta as number, threshold as number),
});
