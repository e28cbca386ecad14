import { ProblemError } from '../../errors.js';
import { inplaceUnsupported } from '../inplace.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { eluWith } from './elu.js';

/** celu(x, alpha) = max(0, x) + min(0, alpha * (exp(x / alpha) - 1)): ATen's elu with input_scale 1/alpha (CeluBackward0). */
export function celu(x: Tensor, alpha = 1): Tensor {
  if (alpha === 0) throw new ProblemError('invalid-argument', 'ZeroDivisionError', { pythonType: 'RuntimeError' });
  return eluWith(x, { alpha, scale: 1, inputScale: 1 / alpha }, 'celu');
}

export default defineOp({
  name: 'celu',
  summary: 'Elementwise x for x > 0, alpha * (exp(x / alpha) - 1) otherwise.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'alpha', kind: 'number', default: 1 },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['CeluBackward0'],
  method: false,
  function: true,
  modules: ['torch', 'torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [5] }], kwargs: { alpha: 0.5 } }],
  call: ({ input, alpha, inplace }): Value => (inplace ? inplaceUnsupported('celu', input as Tensor) : celu(input as Tensor, alpha as number)),
});
