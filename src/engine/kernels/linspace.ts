import { ProblemError } from '../../errors.js';
import { allocate, type DType } from '../dtype.js';
import { Tensor } from '../tensor.js';

// Vectorized<T>::size() on PyTorch's AVX2 build; cpu_serial_kernel_vec fills
// two vectors per iteration while that many elements remain, then one at a time.
const LANES: Record<DType, number> = { float32: 8, float64: 4, int64: 4, bool: 32 };

/**
 * torch.linspace (aten/src/ATen/native/cpu/RangeFactoriesKernel.cpp), bit for
 * bit in float32: `step = (end - start) / (steps - 1)`; element i is
 * `start + step * i` below the halfway index and `end - step * (steps - 1 - i)`
 * from it on, which the compiler fuses into one FMA. In the vectorised part a
 * vector takes its first lane's value as base and lane k is `base + k * step`.
 */
export function linspace(start: number, end: number, steps: number, dtype: DType): Tensor {
  if (steps < 0) throw new ProblemError('invalid-argument', 'number of steps must be non-negative');
  const round = dtype === 'float32' ? Math.fround : identity;
  const out = allocate(dtype, steps);
  const first = round(start);
  const last = round(end);
  if (steps === 1) out[0] = first;
  if (steps <= 1) return new Tensor(out, [steps]);
  const step = round(round(last - first) / round(steps - 1));
  const halfway = Math.floor(steps / 2);
  // a float32 fma: the float64 product of two float32 numbers is exact, so it
  // rounds once in float64 and once to float32 (which vectors.json confirms).
  // float64 has no exact fma here; its two roundings are within tolerance.
  const element = (i: number): number =>
    i < halfway ? round(step * i + first) : round(-step * (steps - i - 1) + last);
  const lanes = LANES[dtype];
  let i = 0;
  while (i + 2 * lanes <= steps) {
    // two vectors per iteration, each based on its own first element
    for (let vector = 0; vector < 2; vector++, i += lanes) {
      const base = element(i);
      for (let k = 0; k < lanes; k++) out[i + k] = round(base + round(k * step));
    }
  }
  for (; i < steps; i++) out[i] = element(i);
  return new Tensor(out, [steps]);
}

/**
 * torch.arange for floating dtypes: ceil((end - start) / step) elements, each
 * `start + step * i` computed in double (PyTorch's accumulate type for CPU
 * float) and rounded once; vectorised blocks take `base + k * step` from their
 * first element rounded to the dtype.
 */
export function arange(start: number, end: number, step: number, dtype: DType): Tensor {
  if (!(step > 0 || step < 0)) throw new ProblemError('invalid-argument', 'step must be nonzero');
  if (!Number.isFinite(start) || !Number.isFinite(end)) {
    throw new ProblemError('invalid-argument', `unsupported range: ${formatDouble(start)} -> ${formatDouble(end)}`);
  }
  if ((step > 0 && end < start) || (step < 0 && end > start)) {
    throw new ProblemError('invalid-argument', 'upper bound and larger bound inconsistent with step sign');
  }
  const size = Math.ceil((end - start) / step);
  const round = dtype === 'float32' ? Math.fround : identity;
  const out = allocate(dtype, size);
  const lanes = LANES[dtype];
  let i = 0;
  while (i + 2 * lanes <= size) {
    for (let vector = 0; vector < 2; vector++, i += lanes) {
      const base = round(start + step * i);
      for (let k = 0; k < lanes; k++) out[i + k] = base + k * step;
    }
  }
  for (; i < size; i++) out[i] = start + step * i;
  return new Tensor(out, [size]);
}

function identity(v: number): number {
  return v;
}

/** A double as C++ streams print it in PyTorch's messages (inf, -inf, nan). */
function formatDouble(v: number): string {
  if (Number.isNaN(v)) return 'nan';
  if (!Number.isFinite(v)) return v > 0 ? 'inf' : '-inf';
  return String(v);
}
