import { allocate, allocateReserved, type Storage } from '../dtype.js';
import { deferFromValues, isPendingElementwise } from './fusion.js';
import { chargeWork } from '../meter.js';
import { Tensor } from '../tensor.js';

/**
 * PyTorch's cascade sum over a contiguous vector (aten/src/ATen/native/cpu/SumKernel.cpp,
 * AVX2 build, one thread), step by step so float32 results match it bit for bit:
 * the vector is read as `width`-lane vectors; four interleaved partial sums of
 * those vectors go through a four-level cascade; the vectors left over join
 * the first partial sum, the partial sums are combined, and finally the scalar
 * tail is summed first and the lanes added to it in order. Vectors shorter
 * than `width` are summed the same way with one lane.
 */
const LEVELS = 4;
const ILP = 4;
const FLOAT32_LANES = 8; // Vectorized<float> on AVX2
const FLOAT64_LANES = 4; // Vectorized<double> on AVX2

// Accumulators, laid out [level][partial sum][lane]. A Float32Array rounds
// every stored sum to float32, which is exactly one float32 addition.
const float32Acc = new Float32Array(LEVELS * ILP * FLOAT32_LANES);
const float64Acc = new Float64Array(LEVELS * ILP * FLOAT64_LANES);

/**
 * Sum of every element, as a 0-dim tensor. The sum of a pending elementwise
 * result waits for it, so that it is computed in one loop with whatever else
 * is read with it (a chain and its gradient, see fusion.ts).
 */
export function sumAll(t: Tensor): Tensor {
  chargeWork(t.numel); // elements read
  if (isPendingElementwise(t)) {
    return deferFromValues(t, [], t.dtype, (values) => {
      const out = allocateReserved(t.dtype, 1);
      out[0] = sumContiguous(values, 0, values.length);
      return out;
    });
  }
  const out = allocate(t.dtype, 1);
  out[0] = sumContiguous(t.data, 0, t.numel);
  return new Tensor(out, []);
}

/** Sum of data[start .. start + length) in PyTorch's order (see above). */
export function sumContiguous(data: Storage, start: number, length: number): number {
  if (data instanceof Float32Array) return cascadeSum(data, start, length, FLOAT32_LANES, float32Acc, Math.fround);
  return cascadeSum(data, start, length, FLOAT64_LANES, float64Acc, identity);
}

function identity(v: number): number {
  return v;
}

function cascadeSum(
  data: Storage,
  start: number,
  length: number,
  lanes: number,
  acc: Float32Array | Float64Array,
  round: (v: number) => number,
): number {
  if (length < lanes) {
    rowSum(data, start, length, 1, acc);
    return acc[0];
  }
  const vectors = Math.floor(length / lanes);
  rowSum(data, start, vectors, lanes, acc);
  let total = 0;
  for (let i = start + vectors * lanes; i < start + length; i++) total = round(total + data[i]);
  for (let lane = 0; lane < lanes; lane++) total = round(total + acc[lane]);
  return total;
}

/**
 * Sums `count` vectors of `lanes` elements starting at data[start] into
 * acc[0 .. lanes): torch's row_sum (ILP partial sums) over multi_row_sum (the cascade).
 */
function rowSum(data: Storage, start: number, count: number, lanes: number, acc: Float32Array | Float64Array): void {
  const row = ILP * lanes; // one cascade step: ILP consecutive vectors
  acc.fill(0, 0, LEVELS * row);
  const blocks = Math.floor(count / ILP);
  if (blocks > 0) {
    const power = Math.max(4, Math.floor(ceilLog2(blocks) / LEVELS));
    const step = 2 ** power;
    const mask = step - 1;
    let i = 0;
    let offset = start;
    while (i + step <= blocks) {
      for (let s = 0; s < step; s++, i++, offset += row) {
        for (let e = 0; e < row; e++) acc[e] += data[offset + e];
      }
      for (let level = 1; level < LEVELS; level++) {
        const to = level * row;
        const from = to - row;
        for (let e = 0; e < row; e++) {
          acc[to + e] += acc[from + e];
          acc[from + e] = 0;
        }
        if ((i & (mask << (level * power))) !== 0) break;
      }
    }
    for (; i < blocks; i++, offset += row) {
      for (let e = 0; e < row; e++) acc[e] += data[offset + e];
    }
    for (let level = 1; level < LEVELS; level++) {
      const from = level * row;
      for (let e = 0; e < row; e++) acc[e] += acc[from + e];
    }
  }
  // vectors that do not fill an ILP block join the first partial sum
  for (let v = blocks * ILP; v < count; v++) {
    const offset = start + v * lanes;
    for (let lane = 0; lane < lanes; lane++) acc[lane] += data[offset + lane];
  }
  for (let k = 1; k < ILP; k++) {
    for (let lane = 0; lane < lanes; lane++) acc[lane] += acc[k * lanes + lane];
  }
}

/** Smallest p with 2 ** p >= x (0 for x <= 1), as c10's CeilLog2. */
function ceilLog2(x: number): number {
  let p = 0;
  while (2 ** p < x) p++;
  return p;
}
