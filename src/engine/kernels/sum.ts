import { allocate } from '../dtype.js';
import { Tensor } from '../tensor.js';

/** Sum of every element, as a 0-dim tensor. */
export function sumAll(t: Tensor): Tensor {
  const out = allocate(t.dtype, 1);
  out[0] = sumContiguous(t.data, 0, t.numel);
  return new Tensor(out, []);
}

/** Sum of data[start .. start + length). Placeholder order: left to right. */
export function sumContiguous(data: Float32Array | Float64Array, start: number, length: number): number {
  const round = data instanceof Float32Array ? Math.fround : (v: number) => v;
  let acc = 0;
  for (let i = start; i < start + length; i++) acc = round(acc + data[i]);
  return acc;
}
