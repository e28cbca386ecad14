import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { map, scalarIn, zip } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

/** ATen's elu(x, alpha, scale, input_scale), the kernel of elu, selu and celu. */
export interface EluAttrs {
  alpha: number;
  scale: number;
  inputScale: number;
}

/** The kernel's coefficients in the dtype: negcoef = alpha * scale, poscoef = scale, negiptcoef = input_scale. */
function coefficients(x: Tensor, { alpha, scale, inputScale }: EluAttrs): { neg: number; pos: number; negInput: number } {
  const round = rounder(x.dtype);
  return { neg: round(round(alpha) * round(scale)), pos: round(scale), negInput: round(inputScale) };
}

/**
 * PyTorch's elu_backward(g, x): g * negiptcoef * negcoef * exp(x * negiptcoef)
 * for x <= 0, g * poscoef above. Differentiated again (EluBackwardBackward0):
 * d/dg = elu_backward(gg, x), d/dx = elu_backward(gg * g * negiptcoef, x) where x <= 0, else 0.
 */
const EluBackward: Primitive<EluAttrs> = {
  gradFn: 'EluBackwardBackward0',
  forward: ([g, x], attrs) => {
    const round = rounder(x.dtype);
    const { neg, pos, negInput } = coefficients(x, attrs);
    return zip(g, x, resultDtype([g, x]), (gv, v) => (v <= 0 ? round(round(gv * negInput) * neg) * round(Math.exp(round(v * negInput))) : gv * pos));
  },
  backward: (gg, { inputs: [g, x], attrs }) => {
    const { negInput } = coefficients(x, attrs);
    return [
      g.requiresGrad ? eluBackward(gg, x, attrs) : null,
      x.requiresGrad ? mul(eluBackward(mul(mul(gg, g), negInput), x, attrs), map(x, (v) => (v <= 0 ? 1 : 0))) : null,
    ];
  },
};

function eluBackward(g: Tensor, x: Tensor, attrs: EluAttrs): Tensor {
  return apply(EluBackward, [g, x], attrs);
}

// d elu(x)/dx = scale for x > 0, alpha * scale * input_scale * exp(x * input_scale) for x <= 0 (that side at 0)
const Elu: Primitive<EluAttrs> = {
  gradFn: 'EluBackward0',
  // PyTorch's scalar kernel: (exp(x * negiptcoef) - 1) * negcoef for x <= 0, else x * poscoef, one rounding per step
  forward: ([x], attrs) => {
    const round = rounder(x.dtype);
    const { neg, pos, negInput } = coefficients(x, attrs);
    return map(x, (v) => (v <= 0 ? round(round(Math.exp(round(v * negInput))) - 1) * neg : v * pos));
  },
  backward: (g, { inputs: [x], attrs }) => [eluBackward(g, x, attrs)],
  kinks: ({ inputs: [x] }) => kinkWhere(x, (v) => v === 0, 'elu at 0', 'the gradient at 0 is the left side, alpha * scale * input_scale'),
};

/** celu differs from elu only in its node's name. */
const Celu: Primitive<EluAttrs> = { ...Elu, gradFn: 'CeluBackward0' };

/** ATen's elu with all its coefficients (EluBackward0); `celu` names the node CeluBackward0. */
export function eluWith(x: Tensor, attrs: EluAttrs, node: 'elu' | 'celu' = 'elu'): Tensor {
  return apply(node === 'elu' ? Elu : Celu, [x], attrs);
}

export function elu(x: Tensor, alpha = 1): Tensor {
  return eluWith(x, { alpha, scale: 1, inputScale: 1 });
}

export default defineOp({
  name: 'elu',
  summary: 'Elementwise x for x > 0, alpha * (exp(x) - 1) otherwise.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'alpha', kind: 'number', default: 1 },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['EluBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [5] }], kwargs: { alpha: 1.5 } }],
  call: ({ input, alpha, inplace }): Value => (inplace ? inplaceUnsupported('elu', input as Tensor) : elu(input as Tensor, alpha as number)),
});
