import { inplaceUnsupported } from '../inplace.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { hardtanh } from './hardtanh.js';

/** F.relu6(x) is hardtanh(x, 0, 6) (HardtanhBackward0): no gradient at 0 and at 6. */
export function relu6(x: Tensor): Tensor {
  return hardtanh(x, 0, 6);
}

export default defineOp({
  name: 'relu6',
  summary: 'Elementwise min(max(x, 0), 6), as hardtanh(x, 0, 6).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['HardtanhBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4], range: [-3, 8] }] }],
  call: ({ input, inplace }): Value => (inplace ? inplaceUnsupported('relu6', input as Tensor) : relu6(input as Tensor)),
});
