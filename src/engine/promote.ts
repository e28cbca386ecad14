import type { DType } from './dtype.js';
import { Tensor, wrapNumber } from './tensor.js';

/**
 * PyTorch's result type for our dtypes: tensors with dimensions decide; 0-dim
 * tensors only when no dimensioned tensor is present; Python numbers never.
 */
export function resultDtype(tensors: readonly Tensor[]): DType {
  // float64 wins among the tensors with dimensions, else among the 0-dim ones; wrapped numbers never count.
  let anyRanked = false;
  let rankedWide = false;
  let zeroDimWide = false;
  for (const t of tensors) {
    if (t.wrappedNumber) continue;
    const wide = t.dtype === 'float64';
    if (t.shape.length > 0) {
      anyRanked = true;
      rankedWide ||= wide;
    } else {
      zeroDimWide ||= wide;
    }
  }
  return (anyRanked ? rankedWide : zeroDimWide) ? 'float64' : 'float32';
}

/** Two operands of a binary op as tensors (numbers wrapped) and the dtype to compute in. */
export function operands(a: Tensor | number, b: Tensor | number): [Tensor, Tensor, DType] {
  const dtype = typeof a === 'number' ? (typeof b === 'number' ? 'float32' : resultDtype([b])) : typeof b === 'number' ? resultDtype([a]) : resultDtype([a, b]);
  return [typeof a === 'number' ? wrapNumber(a, dtype) : a, typeof b === 'number' ? wrapNumber(b, dtype) : b, dtype];
}
