import type { NestedNumbers } from '../../schemas/tensor.js';
import type { Storage } from '../engine/dtype.js';
import type { Tensor, TensorStorage } from '../engine/tensor.js';

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

/** Values as they travel in JSON: non-finite ones as strings. */
export type WireValues = readonly (number | 'NaN' | 'Infinity' | '-Infinity')[];

/**
 * Values as an answer carries them, with the range of the finite ones (what a figure's axes are
 * drawn over): read in one pass, so a plotted tensor is not read again to draw it.
 */
export interface WireArray {
  values: WireValues;
  /** The least and greatest finite value (Infinity and -Infinity when there is none). */
  low: number;
  high: number;
  /** Every value is finite (the values are all numbers). */
  allFinite: boolean;
}

/** The values as an answer carries them, in a fresh array. */
export function wireArray(data: ArrayLike<number>): WireArray {
  const n = data.length;
  const out = new Array<number | 'NaN' | 'Infinity' | '-Infinity'>(n);
  let low = Infinity;
  let high = -Infinity;
  let allFinite = true;
  for (let i = 0; i < n; i++) {
    const v = data[i];
    // v - v is 0 exactly for finite v (NaN for NaN and the infinities)
    if (v - v === 0) {
      out[i] = v;
      if (v < low) low = v;
      if (v > high) high = v;
    } else {
      out[i] = toWireNumber(v);
      allFinite = false;
    }
  }
  return { values: out, low, high, allFinite };
}

/**
 * A storage's buffer as an answer carries it, made once per write and shared: a tensor plotted
 * and reported in `variables` (and its views, detach()es and numpy() arrays) is one array until
 * the storage is written again. Never modify what this returns.
 */
export function wireArrayOf(storage: TensorStorage, buffer: Storage): WireArray {
  const kept = storage.wire;
  if (kept !== null && kept.buffer === buffer && kept.generation === storage.generation) return kept.values;
  const values = wireArray(buffer);
  storage.wire = { buffer, generation: storage.generation, values };
  return values;
}

/** A tensor's values in row-major order as an answer carries them (shared when the tensor is its whole storage). */
export function flatWireArray(t: Tensor): WireArray {
  const data = t.data;
  return t.dense && t.storage.buffer === data ? wireArrayOf(t.storage, data) : wireArray(data);
}

/** A tensor's data as nested arrays in its shape (a bare number for 0-dim); a 1-D tensor's array may be shared (flatWireArray). */
export function toNested(t: Tensor): NestedNumbers {
  const shape = t.shape;
  if (shape.length === 0) return toWireNumber(t.data[0]);
  const flat = flatWireArray(t).values;
  if (shape.length === 1) return flat as NestedNumbers[];
  let level = flat as NestedNumbers[];
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
