import { apply, defineOp, type Primitive, type Scalar, type Value } from '../op.js';
import { rounder } from '../dtype.js';
import { scalarIn } from '../kernels/elementwise.js';
import { fusedMultiplyAdd } from '../kernels/fma.js';
import { zip3 } from '../kernels/ternary.js';
import { resultDtype, scalarNumber } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

interface ValueAttrs {
  value: number;
}

// d(x + v t1 t2)/dx = 1, d/dt1 = v t2, d/dt2 = v t1: g, (g * t2) * v, (g * t1) * v
const Addcmul: Primitive<ValueAttrs> = {
  gradFn: 'AddcmulBackward0',
  // PyTorch's kernel: x + v * t1 * t2, left to right, the last multiply-add fused (one rounding)
  forward: ([x, t1, t2], { value }) => {
    const dtype = resultDtype([x, t1, t2]);
    const round = rounder(dtype);
    const fma = fusedMultiplyAdd(dtype);
    const v = scalarIn(dtype, value);
    return zip3(x, t1, t2, dtype, (a, b, c) => fma(round(v * b), c, a));
  },
  backward: (g, { inputs: [x, t1, t2], attrs: { value } }) => [
    x.requiresGrad ? g : null,
    t1.requiresGrad ? mul(mul(g, t2), value) : null,
    t2.requiresGrad ? mul(mul(g, t1), value) : null,
  ],
};

/** torch.addcmul(input, tensor1, tensor2, value=v): input + v * tensor1 * tensor2, with broadcasting. */
export function addcmul(x: Tensor, t1: Tensor, t2: Tensor, value: Scalar = 1): Tensor {
  return apply(Addcmul, [x, t1, t2], { value: scalarNumber(value) });
}

export default defineOp({
  name: 'addcmul',
  summary: 'Elementwise input + value * tensor1 * tensor2, with broadcasting.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'tensor1', kind: 'tensor' },
    { name: 'tensor2', kind: 'tensor' },
    { name: 'value', kind: 'scalar', default: 1, keywordOnly: true },
  ],
  gradFns: ['AddcmulBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3] }, { tensor: [2, 1] }], kwargs: { value: 0.5 } }, { args: [{ tensor: [4] }, { tensor: [4] }, { tensor: [4] }] }],
  call: ({ input, tensor1, tensor2, value }): Value => addcmul(input as Tensor, tensor1 as Tensor, tensor2 as Tensor, value as Scalar),
});
