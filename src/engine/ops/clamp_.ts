import { inPlace } from '../inplace.js';
import { defineOp, type Scalar, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { clamp } from './clamp.js';

/** `x.clamp_(min, max)`: clamp(x, min, max) written into x (ClampBackward1 / ClampBackward0, as clamp). */
export function clampInPlace(x: Tensor, min: Tensor | Scalar | null, max: Tensor | Scalar | null): Tensor {
  return inPlace(x, (current) => clamp(current, min, max, 'clamp_'));
}

export default defineOp({
  name: 'clamp_',
  summary: 'Clamps every element into [min, max], in place; either bound may be None.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'min', kind: 'tensor|number?', default: null },
    { name: 'max', kind: 'tensor|number?', default: null },
  ],
  gradFns: ['ClampBackward1', 'ClampBackward0', 'CopySlices'],
  method: true,
  function: false,
  mutates: true,
  call: ({ input, min, max }): Value => clampInPlace(input as Tensor, min as Tensor | Scalar | null, max as Tensor | Scalar | null),
});
