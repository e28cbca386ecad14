import { broadcastShapes } from '../broadcast.js';
import { convertValues } from '../dtype.js';
import { inPlace } from '../inplace.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { expandedView } from '../strided.js';
import { sameShape, Tensor, zerosTensor } from '../tensor.js';
import { ProblemError } from '../../errors.js';

// self's old values are gone (d/dself = 0); src's gradient is the output gradient,
// summed over broadcast dims and cast to src's dtype by the engine
const Copy: Primitive = {
  gradFn: 'CopyBackwards',
  saves: 'nothing',
  forward: ([x, src]) => {
    const values = sameShape(src.shape, x.shape) ? src.data : expandedView(src, x.shape).data;
    return new Tensor(src.dtype === x.dtype ? values.slice() : convertValues(values, x.dtype), x.shape.slice());
  },
  backward: (g, { inputs: [, src] }) => [zerosTensor(g.shape, g.dtype), src.requiresGrad ? g : null],
};

/** `x.copy_(src)`: src's values (broadcast to x's shape, in x's dtype) written into x. */
export function copyInPlace(x: Tensor, src: Tensor): Tensor {
  if (!sameShape(broadcastShapes(x.shape, src.shape), x.shape)) {
    throw new ProblemError('shape-error', `output with shape [${x.shape.join(', ')}] doesn't match the broadcast shape [${broadcastShapes(x.shape, src.shape).join(', ')}]`);
  }
  return inPlace(x, (current) => apply(Copy, [current, src], undefined));
}

export default defineOp({
  name: 'copy_',
  summary: "Copies `src`'s values (broadcast, converted to this tensor's dtype) into the tensor, in place.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'src', kind: 'tensor' },
    { name: 'non_blocking', kind: 'bool', default: false },
  ],
  gradFns: ['CopyBackwards', 'CopySlices'],
  method: true,
  function: false,
  mutates: true,
  call: ({ input, src }): Value => copyInPlace(input as Tensor, src as Tensor),
});
