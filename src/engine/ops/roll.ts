import { ProblemError } from '../../errors.js';
import { take } from '../flat_index.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type Value } from '../op.js';
import { rowMajorLayout } from '../strided.js';
import type { Tensor } from '../tensor.js';

/**
 * `torch.roll(x, shifts, dims)`: elements shifted cyclically by shifts[i]
 * along dims[i]; without dims, over the flattened tensor (RollBackward0).
 */
export function roll(x: Tensor, shifts: number | readonly number[], dims: number | readonly number[] | null): Tensor {
  const shiftList = typeof shifts === 'number' ? [shifts] : [...shifts];
  if (dims === null) {
    if (shiftList.length !== 1) throw new ProblemError('invalid-argument', `shifts and dimensions must align. shifts: ${shiftList.length}, dims:0`);
    const n = x.numel;
    const shift = n === 0 ? 0 : ((shiftList[0] % n) + n) % n;
    return take(x, Int32Array.from({ length: n }, (_, k) => (k - shift + n) % n), x.shape, 'RollBackward0');
  }
  const dimList = (typeof dims === 'number' ? [dims] : [...dims]).map((d) => normalizeDim(d, x.ndim));
  if (dimList.length !== shiftList.length) {
    throw new ProblemError('invalid-argument', `shifts and dimensions must align. shifts: ${shiftList.length}, dims:${dimList.length}`);
  }
  const { strides } = rowMajorLayout(x.shape);
  const indices = new Int32Array(x.numel);
  for (let k = 0; k < x.numel; k++) {
    // output element k reads the element `shift` before it along each rolled dim
    let source = k;
    dimList.forEach((d, i) => {
      const size = x.shape[d];
      const index = Math.floor(k / strides[d]) % size;
      const from = (((index - shiftList[i]) % size) + size) % size;
      source += (from - index) * strides[d];
    });
    indices[k] = source;
  }
  return take(x, indices, x.shape, 'RollBackward0');
}

export default defineOp({
  name: 'roll',
  summary: 'Elements shifted cyclically by `shifts` along `dims` (over the flattened tensor without dims).',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'shifts', kind: 'int|tuple' },
    { name: 'dims', kind: 'int|tuple?', default: null },
  ],
  gradFns: ['RollBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [6] }, 2] }, { args: [{ tensor: [2, 3] }, [1, -1], [0, 1]] }, { args: [{ tensor: [2, 3] }, 1] }],
  call: ({ input, shifts, dims }): Value => roll(input as Tensor, shifts as number | number[], dims as number | number[] | null),
});
