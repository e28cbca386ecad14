import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { broadcastShapes } from '../broadcast.js';
import { rounder } from '../dtype.js';
import { zip } from '../kernels/elementwise.js';
import { sumAll } from '../kernels/sum.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { expand } from './expand.js';
import { mul } from './mul.js';
import { sub } from './sub.js';

// d mean((x - t)²)/dx = 2 (x - t) / n and d/dt = 2 (t - x) / n, computed as PyTorch's
// mse_loss_backward does: (norm * (a - b)) * g with norm = 2 / n
const MseLoss: Primitive = {
  gradFn: 'MseLossBackward0',
  // reduction='mean': the squared differences, their cascade sum, one division by n
  forward: ([x, t]) => {
    const dtype = resultDtype([x, t]);
    const round = rounder(dtype);
    const squares = zip(x, t, dtype, (a, b) => {
      const d = round(a - b);
      return d * d;
    });
    const loss = sumAll(squares);
    loss.data[0] /= round(squares.numel);
    return loss;
  },
  backward: (g, { inputs: [x, t] }) => [
    x.requiresGrad ? mul(mul(2 / x.numel, sub(x, t)), g) : null,
    t.requiresGrad ? mul(mul(2 / x.numel, sub(t, x)), g) : null,
  ],
};

/**
 * torch.nn.functional.mse_loss(input, target) with the default reduction='mean'.
 * Like the Python function, it first broadcasts both operands (broadcast_tensors:
 * an ExpandBackward0 node for each one whose shape changes).
 */
export function mseLoss(input: Tensor, target: Tensor): Tensor {
  const shape = broadcastShapes(input.shape, target.shape);
  return apply(MseLoss, [expand(input, shape), expand(target, shape)], undefined);
}

export default defineOp({
  name: 'mse_loss',
  summary: "Mean squared error between `input` and `target` (reduction='mean').",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'target', kind: 'tensor' },
  ],
  gradFns: ['MseLossBackward0'],
  method: false,
  function: true,
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [2, 3] }] }, { args: [{ tensor: [4] }, { tensor: [] }] }],
  call: ({ input, target }): Value => mseLoss(input as Tensor, target as Tensor),
});
