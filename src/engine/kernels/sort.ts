import { allocate } from '../dtype.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';
import { linesAlong } from './reduce.js';

/** Ascending order with NaN after everything (torch's sort); `descending` reverses it, NaN first. */
function compareAscending(a: number, b: number): number {
  const aNaN = a !== a;
  const bNaN = b !== b;
  if (aNaN || bNaN) return aNaN === bNaN ? 0 : aNaN ? 1 : -1;
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * For each line along `dim`, the positions of its elements in sorted order
 * (stable: equal elements keep their order), the first `count` of them;
 * as a flat index into t per output element and the position along dim.
 */
export function sortedPositions(t: Tensor, dim: number, descending: boolean, count: number): { flat: Int32Array; along: Float64Array; shape: number[] } {
  const { outer, size, inner } = linesAlong(t.shape, dim);
  chargeWork(t.numel * Math.max(1, Math.ceil(Math.log2(size + 1))));
  const src = t.data;
  const flat = new Int32Array(outer * count * inner);
  const along = new Float64Array(outer * count * inner);
  const order = new Array<number>(size);
  for (let o = 0; o < outer; o++) {
    for (let i = 0; i < inner; i++) {
      const first = o * size * inner + i;
      for (let j = 0; j < size; j++) order[j] = j;
      order.sort((a, b) => {
        const c = compareAscending(src[first + a * inner], src[first + b * inner]);
        return descending ? -c : c;
      });
      for (let k = 0; k < count; k++) {
        const out = o * count * inner + k * inner + i;
        flat[out] = first + order[k] * inner;
        along[out] = order[k];
      }
    }
  }
  const shape = t.ndim === 0 ? [] : t.shape.map((d, i) => (i === dim ? count : d));
  return { flat, along, shape };
}

/** Positions along dim as an int64 tensor. */
export function indicesTensor(along: Float64Array, shape: readonly number[]): Tensor {
  const out = allocate('int64', along.length);
  out.set(along);
  return new Tensor(out, shape.slice());
}
