import { ProblemError } from '../../errors.js';
import { take } from '../flat_index.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type OpDef, type Value } from '../op.js';
import { rowMajorLayout } from '../strided.js';
import { layoutIndices } from '../flat_index.js';
import type { Tensor } from '../tensor.js';

/** `torch.flip(x, dims)`: the order of elements reversed along each of `dims` (a copy, FlipBackward0). */
export function flip(x: Tensor, dims: readonly number[], name = 'flip'): Tensor {
  const reversed = dims.map((d) => normalizeDim(d, x.ndim));
  if (new Set(reversed).size !== reversed.length) throw new ProblemError('invalid-argument', `${name}: dims has duplicates, original flip dims size=${dims.length}, but unique flip dims size=${new Set(reversed).size}`);
  const { strides } = rowMajorLayout(x.shape);
  // Read each reversed dim from its last index backwards.
  let offset = 0;
  const steps = strides.map((s, d) => {
    if (!reversed.includes(d)) return s;
    offset += (x.shape[d] - 1) * s;
    return -s;
  });
  return take(x, layoutIndices(x.shape, steps, x.numel === 0 ? 0 : offset), x.shape, 'FlipBackward0');
}

export function defineFlip(name: string, fixedDims: readonly number[] | null, minDims: number): OpDef {
  return defineOp({
    name,
    summary: fixedDims === null ? 'The elements in reverse order along each of `dims`.' : `The elements in reverse order along dim ${fixedDims[0]}.`,
    params: fixedDims === null ? [{ name: 'input', kind: 'tensor' }, { name: 'dims', kind: 'ints', variadic: true }] : [{ name: 'input', kind: 'tensor' }],
    gradFns: ['FlipBackward0'],
    method: true,
    function: true,
    modules: ['torch', 'method'],
    examples: fixedDims === null ? [{ args: [{ tensor: [6] }, [0]] }, { args: [{ tensor: [2, 3] }, [0, 1]] }] : [{ args: [{ tensor: [2, 3] }] }],
    call: ({ input, dims }): Value => {
      const x = input as Tensor;
      if (x.ndim < minDims) throw new ProblemError('invalid-argument', `Input must be >= ${minDims}-d.`);
      return flip(x, fixedDims ?? (dims as number[]), name);
    },
  });
}

export default defineFlip('flip', null, 0);
