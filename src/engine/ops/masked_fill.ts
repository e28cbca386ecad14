import { ProblemError } from '../../errors.js';
import { broadcastShapes } from '../broadcast.js';
import { allocate, rounder } from '../dtype.js';
import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { scalarNumber } from '../promote.js';
import { Tensor } from '../tensor.js';
import { sum } from './sum.js';
import { valuesIn, where } from './where.js';

interface MaskAttrs {
  mask: Tensor;
}

/** input with `value` where the mask (broadcast) holds. */
function filled(input: Tensor, mask: Tensor, value: number): Tensor {
  const shape = broadcastShapes(input.shape, mask.shape);
  const [x, m] = [valuesIn(input, shape), valuesIn(mask, shape)];
  const v = rounder(input.dtype)(value);
  const out = allocate(input.dtype, m.length);
  for (let i = 0; i < m.length; i++) out[i] = m[i] !== 0 ? v : x[i];
  return new Tensor(out, shape);
}

// d/dinput = 1 where the mask is False, 0 where it is filled
const MaskedFillScalar: Primitive<MaskAttrs & { value: number }> = {
  gradFn: 'MaskedFillBackward0',
  saves: 'nothing',
  forward: ([x], { mask, value }) => filled(x, mask, value),
  backward: (g, { attrs: { mask } }) => [where(mask, 0, g)],
};

// d/dvalue = the sum of the gradient where the mask holds
const MaskedFillTensor: Primitive<MaskAttrs> = {
  gradFn: 'MaskedFillBackward1',
  saves: 'nothing',
  forward: ([x, value], { mask }) => filled(x, mask, value.item()),
  backward: (g, { inputs: [x, value], attrs: { mask } }) => [x.requiresGrad ? where(mask, 0, g) : null, value.requiresGrad ? sum(where(mask, g, 0)) : null],
};

/** `input.masked_fill(mask, value)`: value (a number or a 0-dim tensor) where the bool mask holds. */
export function maskedFill(input: Tensor, mask: Tensor, value: Tensor | Scalar): Tensor {
  if (isTensor(value)) {
    if (value.ndim !== 0) {
      throw new ProblemError('invalid-argument', `masked_fill_ only supports a 0-dimensional value tensor, but got tensor with ${value.ndim} dimension(s).`);
    }
    return apply(MaskedFillTensor, [input, value], { mask });
  }
  return apply(MaskedFillScalar, [input], { mask, value: scalarNumber(value) });
}

export default defineOp({
  name: 'masked_fill',
  summary: '`value` (a number or a 0-dim tensor) where the bool `mask` (broadcast) is True, else `input`.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'mask', kind: 'tensor' },
    { name: 'value', kind: 'tensor|number' },
  ],
  gradFns: ['MaskedFillBackward0', 'MaskedFillBackward1'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, { tensor: [3], dtype: 'bool' }, -1.5] }, { args: [{ tensor: [4] }, { tensor: [4], dtype: 'bool' }, { tensor: [] }] }],
  call: ({ input, mask, value }): Value => maskedFill(input as Tensor, mask as Tensor, value as Tensor | Scalar),
});
