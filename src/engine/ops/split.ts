import { ProblemError } from '../../errors.js';
import { sliceLayout } from '../strided.js';
import { normalizeDim } from '../kernels/reduce.js';
import { applyMulti, defineOp, type MultiPrimitive, type Value } from '../op.js';
import { Tensor, zerosTensor } from '../tensor.js';
import { cat } from './cat.js';

interface SplitAttrs {
  dim: number;
  sizes: readonly number[];
}

/** The pieces of x along dim, as views; their gradients joined back (a missing one is zeros). */
export function splitPrimitive(gradFn: string): MultiPrimitive<SplitAttrs> {
  return {
    gradFn,
    saves: 'nothing',
    forward: ([x], { dim, sizes }) => {
      let start = 0;
      return sizes.map((length) => {
        const { shape, strides, offset } = sliceLayout({ shape: x.shape, strides: x.strides, offset: x.offset }, { dim, start, length, step: 1 });
        start += length;
        return Tensor.view(x, shape, strides, offset);
      });
    },
    backward: (grads, { inputs: [x], outputs, attrs: { dim } }) => [cat(grads.map((g, i) => g ?? zerosTensor(outputs[i].shape, x.dtype)), dim)],
  };
}

const Split = splitPrimitive('SplitBackward0');
const SplitWithSizes = splitPrimitive('SplitWithSizesBackward0');

/** `x.split(size, dim)`: pieces of `size` along dim (the last may be shorter); a tuple of views (one SplitBackward0 node). */
export function split(x: Tensor, splitSize: number | readonly number[], dim = 0): Tensor[] {
  if (x.ndim === 0) throw new ProblemError('invalid-argument', 'split expects at least a 1-dimensional tensor');
  const d = normalizeDim(dim, x.ndim);
  const size = x.shape[d];
  if (typeof splitSize !== 'number') {
    const total = splitSize.reduce((n, s) => n + s, 0);
    if (total !== size || splitSize.some((s) => s < 0)) {
      throw new ProblemError(
        'invalid-argument',
        `split_with_sizes expects split_sizes to sum exactly to ${size} (input tensor's size at dimension ${d}), but got split_sizes=[${splitSize.join(', ')}]`,
      );
    }
    return applyMulti(SplitWithSizes, [x], { dim: d, sizes: splitSize });
  }
  if (splitSize < 0) throw new ProblemError('invalid-argument', `split expects split_size be non-negative, but got split_size=${splitSize}`);
  if (splitSize === 0 && size !== 0) throw new ProblemError('invalid-argument', `split_size can only be 0 if dimension size is 0, but got dimension size of ${size}`);
  const sizes: number[] = [];
  for (let start = 0; start < size; start += splitSize) sizes.push(Math.min(splitSize, size - start));
  if (sizes.length === 0) sizes.push(0);
  return applyMulti(Split, [x], { dim: d, sizes });
}

export default defineOp({
  name: 'split',
  summary: 'Pieces of `split_size_or_sections` elements along `dim` (an int: equal pieces, the last shorter; a list: those sizes), views.',
  params: [
    { name: 'tensor', kind: 'tensor' },
    { name: 'split_size_or_sections', kind: 'int|tuple' },
    { name: 'dim', kind: 'int', default: 0n },
  ],
  gradFns: ['SplitBackward0', 'SplitWithSizesBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [5] }, 2] }, { args: [{ tensor: [2, 3] }, [1, 2], 1] }],
  call: ({ tensor, split_size_or_sections, dim }): Value => split(tensor as Tensor, split_size_or_sections as number | number[], dim as number),
});
