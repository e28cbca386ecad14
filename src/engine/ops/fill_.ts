import { fullTensor, Tensor, zerosTensor } from '../tensor.js';
import { ProblemError } from '../../errors.js';
import { inPlace } from '../inplace.js';
import { apply, defineOp, isTensor, type Primitive, type Scalar, type Value } from '../op.js';
import { scalarNumber } from '../promote.js';
import { rounder } from '../dtype.js';
import { sum } from './sum.js';

interface FillAttrs {
  value: number;
}

// a constant: d/dself = 0
const FillScalar: Primitive<FillAttrs> = {
  gradFn: 'FillBackward2',
  saves: 'nothing',
  forward: ([x], { value }) => fullTensor(x.shape, x.dtype, rounder(x.dtype)(value)),
  backward: (g) => [zerosTensor(g.shape, g.dtype)],
};

// every element is the 0-dim value: d/dself = 0, d/dvalue = the sum of the gradient
const FillTensor: Primitive = {
  gradFn: 'FillBackward3',
  saves: 'nothing',
  forward: ([x, value]) => fullTensor(x.shape, x.dtype, rounder(x.dtype)(value.item())),
  backward: (g, { inputs: [, value] }) => [zerosTensor(g.shape, g.dtype), value.requiresGrad ? sum(g) : null],
};

/** `x.fill_(value)`: every element set to a number or a 0-dim tensor's value, in place. */
export function fillInPlace(x: Tensor, value: Tensor | Scalar): Tensor {
  if (isTensor(value)) {
    if (value.ndim !== 0) {
      throw new ProblemError('invalid-argument', `fill_ only supports 0-dimension value tensor but got tensor with ${value.ndim} dimensions.`);
    }
    return inPlace(x, (current) => apply(FillTensor, [current, value], undefined));
  }
  return inPlace(x, (current) => apply(FillScalar, [current], { value: scalarNumber(value) }));
}

export default defineOp({
  name: 'fill_',
  summary: 'Sets every element to `value` (a number or a 0-dim tensor), in place.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'value', kind: 'tensor|number' },
  ],
  gradFns: ['FillBackward2', 'FillBackward3', 'CopySlices'],
  method: true,
  function: false,
  mutates: true,
  call: ({ input, value }): Value => fillInPlace(input as Tensor, value as Tensor | Scalar),
});
