import { inplaceUnsupported } from '../inplace.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { eluWith } from './elu.js';

/** SELU's constants (Klambauer et al.), as ATen writes them. */
const SELU_ALPHA = 1.6732632423543772848170429916717;
const SELU_SCALE = 1.0507009873554804934193349852946;

/** selu(x) = scale * elu(x, alpha): ATen's elu with those coefficients, so its node is EluBackward0. */
export function selu(x: Tensor): Tensor {
  return eluWith(x, { alpha: SELU_ALPHA, scale: SELU_SCALE, inputScale: 1 });
}

export default defineOp({
  name: 'selu',
  summary: 'Elementwise scale * (x for x > 0, alpha * (exp(x) - 1) otherwise), the self-normalising constants.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['EluBackward0'],
  method: false,
  function: true,
  modules: ['torch', 'torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }],
  call: ({ input, inplace }): Value => (inplace ? inplaceUnsupported('selu', input as Tensor) : selu(input as Tensor)),
});
