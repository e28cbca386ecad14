import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';

interface ThresholdAttrs {
  threshold: number;
  value: number;
}

/**
 * PyTorch's threshold_backward(g, x, threshold): 0 where x <= threshold, g
 * above. Linear in g: differentiated again (ThresholdBackwardBackward0) it is
 * threshold_backward of the incoming gradient, nothing for x.
 */
const ThresholdBackward: Primitive<ThresholdAttrs> = {
  gradFn: 'ThresholdBackwardBackward0',
  forward: ([g, x], { threshold }) => {
    const t = scalarIn(x.dtype, threshold);
    return zip(g, x, resultDtype([g, x]), (gv, v) => (v <= t ? 0 : gv));
  },
  backward: (gg, { inputs: [g, x], attrs }) => [g.requiresGrad ? apply(ThresholdBackward, [gg, x], attrs) : null, null],
};

// d threshold(x)/dx = 1 above the threshold, 0 at and below it (where the output is the constant value)
const Threshold: Primitive<ThresholdAttrs> = {
  gradFn: 'ThresholdBackward0',
  forward: ([x], { threshold, value }) => {
    const [t, replacement] = [scalarIn(x.dtype, threshold), scalarIn(x.dtype, value)];
    return map(x, (v) => (v <= t ? replacement : v));
  },
  backward: (g, { inputs: [x], attrs }) => [apply(ThresholdBackward, [g, x], attrs)],
  kinks: ({ inputs: [x], attrs: { threshold } }) => {
    const t = scalarIn(x.dtype, threshold);
    return kinkWhere(x, (v) => v === t, 'threshold at the threshold', 'the input is replaced there, so no gradient passes');
  },
};

/** F.threshold(x, threshold, value): x where x > threshold, else value. */
export function threshold(x: Tensor, thresholdValue: number, value: number): Tensor {
  return apply(Threshold, [x], { threshold: thresholdValue, value });
}

export default defineOp({
  name: 'threshold',
  summary: 'Elementwise x where x > threshold, else value.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'threshold', kind: 'number' },
    { name: 'value', kind: 'number' },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['ThresholdBackward0'],
  method: false,
  function: true,
  modules: ['torch', 'torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }, 0.1, 20] }, { args: [{ tensor: [5] }, 1, -1] }],
  call: ({ input, threshold: t, value, inplace }): Value => (inplace ? inplaceUnsupported('threshold', input as Tensor) : threshold(input as Tensor, t as number, value as number)),
});
