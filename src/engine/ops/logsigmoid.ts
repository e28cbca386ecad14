import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map, zip } from '../kernels/elementwise.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';
import { sigmoid } from './sigmoid.js';
import { sub } from './sub.js';

/**
 * PyTorch's log_sigmoid_backward(g, x, buffer) with buffer = exp(-|x|):
 * (x < 0 ? 1 - z/(1 + z) : z/(1 + z)) * g, i.e. sigmoid(-x) * g. Differentiated
 * again (LogSigmoidBackwardBackward0): d/dg = log_sigmoid_backward(gg, x),
 * d/dx = gg * g * (s - 1) * s with s = sigmoid(x).
 */
const LogSigmoidBackward: Primitive = {
  gradFn: 'LogSigmoidBackwardBackward0',
  forward: ([g, x]) => {
    const round = rounder(x.dtype);
    return zip(g, x, resultDtype([g, x]), (gv, v) => {
      const z = round(Math.exp(-Math.abs(v)));
      const ratio = round(z / round(1 + z));
      return round(v < 0 ? 1 - ratio : 0 + ratio) * gv;
    });
  },
  backward: (gg, { inputs: [g, x] }) => {
    if (!x.requiresGrad) return [g.requiresGrad ? logSigmoidBackward(gg, x) : null, null];
    const s = sigmoid(x);
    return [g.requiresGrad ? logSigmoidBackward(gg, x) : null, mul(mul(mul(gg, g), sub(s, 1)), s)];
  },
};

function logSigmoidBackward(g: Tensor, x: Tensor): Tensor {
  return apply(LogSigmoidBackward, [g, x], undefined);
}

// d log(sigmoid(x))/dx = sigmoid(-x) = 1 - sigmoid(x)
const LogSigmoid: Primitive = {
  gradFn: 'LogSigmoidBackward0',
  // PyTorch's stable form: min(x, 0) - log1p(exp(-|x|)), one rounding per step
  forward: ([x]) => {
    const round = rounder(x.dtype);
    return map(x, (v) => (v < 0 ? v : Number.isNaN(v) ? v : 0) - round(Math.log1p(round(Math.exp(-Math.abs(v))))));
  },
  backward: (g, { inputs: [x] }) => [logSigmoidBackward(g, x)],
};

export function logsigmoid(x: Tensor): Tensor {
  return apply(LogSigmoid, [x], undefined);
}

export default defineOp({
  name: 'logsigmoid',
  summary: 'Elementwise log(sigmoid(x)), computed stably as min(x, 0) - log1p(exp(-|x|)).',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['LogSigmoidBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }],
  call: ({ input }): Value => logsigmoid(input as Tensor),
});
