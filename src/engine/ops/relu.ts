import { inplaceUnsupported } from '../inplace.js';
import { apply, defineOp, type Primitive } from '../op.js';
import { map } from '../kernels/elementwise.js';
import { exactForFloat32 } from '../kernels/fusion.js';
import { kinkWhere } from '../kinks.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

// like std::max(x, 0): NaN and -0 pass through
const reluOf = exactForFloat32((v: number) => (v < 0 ? 0 : v));
const positiveMask = exactForFloat32((v: number) => (v <= 0 ? 0 : 1));

// d relu(x)/dx = 1 where out > 0, else 0 (relu'(0) = 0); the mask is data, so the rule stays linear in g
const Relu: Primitive = {
  gradFn: 'ReluBackward0',
  forward: ([x]) => map(x, reluOf),
  backward: (g, { output }) => [mul(g, map(output, positiveMask))],
  kinks: ({ inputs: [x] }) => kinkWhere(x, (v) => v === 0, 'relu at 0', "relu'(0) = 0: no gradient passes where the input is 0"),
};

export function relu(x: Tensor): Tensor {
  return apply(Relu, [x], undefined);
}

export default defineOp({
  name: 'relu',
  summary: 'Elementwise max(x, 0).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['ReluBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method', 'torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [] }] }],
  call: ({ input, inplace }) => (inplace ? inplaceUnsupported('relu', input as Tensor) : relu(input as Tensor)),
});
