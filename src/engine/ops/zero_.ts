import { inPlace } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { Tensor, zerosTensor } from '../tensor.js';

// the values no longer depend on the old ones: d/dself = 0
const Zero: Primitive = {
  gradFn: 'ZeroBackward0',
  saves: 'nothing',
  forward: ([x]) => zerosTensor(x.shape, x.dtype),
  backward: (g) => [zerosTensor(g.shape, g.dtype)],
};

/** `x.zero_()`: every element set to 0 in place (ZeroBackward0 when x has a history). */
export function zeroInPlace(x: Tensor): Tensor {
  return inPlace(x, (current) => apply(Zero, [current], undefined));
}

export default defineOp({
  name: 'zero_',
  summary: 'Sets every element to 0, in place.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['ZeroBackward0', 'CopySlices'],
  method: true,
  function: false,
  mutates: true,
  call: ({ input }): Value => zeroInPlace(input as Tensor),
});
