import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { repeat } from './repeat.js';

/** `torch.tile(x, dims)`: repeat with `dims` padded by leading 1s to x's rank (RepeatBackward0). */
export function tile(x: Tensor, dims: readonly number[]): Tensor {
  const padded = dims.length < x.ndim ? [...new Array<number>(x.ndim - dims.length).fill(1), ...dims] : dims;
  return repeat(x, padded);
}

export default defineOp({
  name: 'tile',
  summary: 'The tensor tiled `dims[i]` times along each dim (fewer dims than the rank repeat the last dims).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dims', kind: 'ints', variadic: true },
  ],
  gradFns: ['RepeatBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [4] }, [2]] }, { args: [{ tensor: [2, 3] }, [2]] }],
  call: ({ input, dims }): Value => tile(input as Tensor, dims as number[]),
});
