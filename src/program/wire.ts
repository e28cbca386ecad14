import type { NestedNumbers } from '../../schemas/tensor.js';
import type { Tensor } from '../engine/tensor.js';

/** A number as it travels in JSON: non-finite values become strings. */
export function toWireNumber(v: number): number | 'NaN' | 'Infinity' | '-Infinity' {
  if (Number.isFinite(v)) return v;
  if (Number.isNaN(v)) return 'NaN';
  return v > 0 ? 'Infinity' : '-Infinity';
}

export function fromWireNumber(v: number | string): number {
  if (typeof v === 'number') return v;
  if (v === 'NaN') return NaN;
  return v === 'Infinity' ? Infinity : -Infinity;
}

/** A tensor's data as nested arrays in its shape (a bare number for 0-dim). */
export function toNested(t: Tensor): NestedNumbers {
  const { data, shape } = t;
  if (shape.length === 0) return toWireNumber(data[0]);
  const n = data.length;
  let level: NestedNumbers[] = new Array<NestedNumbers>(n);
  for (let i = 0; i < n; i++) {
    const v = data[i];
    // v - v is 0 exactly for finite v (NaN for NaN and the infinities)
    level[i] = v - v === 0 ? v : toWireNumber(v);
  }
  // Group the innermost dimension first, one level per pass (no recursion).
  for (let d = shape.length - 1; d >= 1; d--) {
    const size = shape[d];
    const groups = shape.slice(0, d).reduce((a, b) => a * b, 1);
    const grouped = new Array<NestedNumbers>(groups);
    for (let g = 0; g < groups; g++) grouped[g] = level.slice(g * size, (g + 1) * size);
    level = grouped;
  }
  return level;
}

/** Flattens rectangular nested data (already validated) into `out`. */
export function flattenInto(data: NestedNumbers, out: Float32Array | Float64Array | Uint8Array): void {
  let k = 0;
  const stack: NestedNumbers[] = [data];
  while (stack.length > 0) {
    const v = stack.pop() as NestedNumbers;
    if (Array.isArray(v)) {
      for (let i = v.length - 1; i >= 0; i--) stack.push(v[i]);
    } else {
      out[k++] = fromWireNumber(v);
    }
  }
}
