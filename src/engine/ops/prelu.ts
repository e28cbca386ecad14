import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { sum } from './sum.js';
import { view } from './view.js';

/** The shape that lines the weight up with the channel dim (dim 1) of `x`: [C, 1, ..., 1], or [1] for one weight. */
function weightShape(x: Tensor, weight: Tensor): number[] {
  if (weight.numel === 1 || x.ndim < 2) return [weight.numel];
  return [weight.numel, ...new Array<number>(x.ndim - 2).fill(1)];
}

/** The weight's data in that shape, outside any graph (for the kernels). */
function weightData(x: Tensor, weight: Tensor): Tensor {
  return new Tensor(weight.data, weightShape(x, weight));
}

// d prelu(x, w)/dx = 1 for x > 0, w for x <= 0 (w at 0); d/dw = x where x <= 0, summed over all but the channel dim.
// Written with engine ops (second derivatives work; torch names the double backward PreluBackwardBackward0).
const Prelu: Primitive = {
  gradFn: 'PreluBackward0',
  forward: ([x, weight]) => zip(x, weightData(x, weight), resultDtype([x, weight]), (v, w) => (v > 0 ? v : w * v)),
  backward: (g, { inputs: [x, weight] }) => {
    const negative = map(x, (v) => (v > 0 ? 0 : 1));
    const gx = x.requiresGrad ? add(mul(g, map(x, (v) => (v > 0 ? 1 : 0))), mul(mul(g, negative), view(weight, weightShape(x, weight)))) : null;
    let gw: Tensor | null = null;
    if (weight.requiresGrad) {
      const full = mul(mul(g, x), negative);
      const channelDim = weight.numel === 1 || x.ndim < 2 ? -1 : 1;
      const reduced = [...full.shape.keys()].filter((d) => d !== channelDim);
      gw = view(reduced.length > 0 ? sum(full, reduced) : full, weight.shape);
    }
    return [gx, gw];
  },
  kinks: ({ inputs: [x] }) => kinkWhere(x, (v) => v === 0, 'prelu at 0', 'the gradient at 0 is the weight (the negative side)'),
};

/** F.prelu(x, weight): x where x > 0, weight * x elsewhere; one weight, or one per channel (dim 1). */
export function prelu(x: Tensor, weight: Tensor): Tensor {
  if (weight.numel !== 1) {
    if (x.ndim === 0) throw new ProblemError('invalid-argument', 'Not allow zero-dim input tensor.');
    const channels = x.ndim > 1 ? x.shape[1] : 1;
    if (channels !== weight.numel) {
      throw new ProblemError(
        'shape-error',
        `Mismatch of parameter numbers and input channel size. Found parameter numbers = ${weight.numel} and channel size = ${channels}.`,
      );
    }
  }
  if (weight.ndim > 1) throw new ProblemError('shape-error', `prelu: Expected \`weight\` to be a scalar or 1D tensor, but got ndim = ${weight.ndim}`);
  return apply(Prelu, [x, weight], undefined);
}

export default defineOp({
  name: 'prelu',
  summary: 'Elementwise x for x > 0, weight * x otherwise, with one learnable weight or one per channel (dim 1).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'weight', kind: 'tensor' },
  ],
  gradFns: ['PreluBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.nn.functional'],
  examples: [
    { args: [{ tensor: [5] }, { tensor: [1] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }] },
    { args: [{ tensor: [2, 3, 2] }, { tensor: [3] }] },
  ],
  call: ({ input, weight }): Value => prelu(input as Tensor, weight as Tensor),
});
