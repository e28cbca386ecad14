// float32 vs float64: storage and rounding live here and nowhere else.
export type DType = 'float32' | 'float64';
export type Storage = Float32Array | Float64Array;

export const DTYPES: readonly DType[] = ['float32', 'float64'];

export function allocate(dtype: DType, length: number): Storage {
  return dtype === 'float32' ? new Float32Array(length) : new Float64Array(length);
}

/** Rounds a double to the dtype's precision (what storing it would do). */
export function rounder(dtype: DType): (v: number) => number {
  return dtype === 'float32' ? Math.fround : identity;
}

function identity(v: number): number {
  return v;
}

/** PyTorch's type promotion for our two dtypes: wider wins. */
export function widest(a: DType, b: DType): DType {
  return a === 'float64' || b === 'float64' ? 'float64' : 'float32';
}
