import type { DType } from './dtype.js';
import type { Scalar } from './op.js';
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

/** A Python scalar as a JS number (True is 1). */
export function scalarNumber(s: Scalar): number {
  return typeof s === 'number' ? s : Number(s);
}

/** Two operands of a binary op as tensors (numbers wrapped) and the dtype to compute in. */
export function operands(a: Tensor | Scalar, b: Tensor | Scalar): [Tensor, Tensor, DType] {
  const aTensor = a instanceof Tensor;
  const bTensor = b instanceof Tensor;
  const dtype = !aTensor ? (!bTensor ? 'float32' : resultDtype([b])) : !bTensor ? resultDtype([a]) : resultDtype([a, b]);
  return [aTensor ? a : wrapNumber(scalarNumber(a), dtype), bTensor ? b : wrapNumber(scalarNumber(b), dtype), dtype];
}

/**
 * A binary op's Python-number case (the old expression language evaluates
 * `2 * 3` through the op table): ints stay ints when both are bigints.
 */
export function scalarArithmetic(a: Scalar, b: Scalar, onNumbers: (x: number, y: number) => number, onInts: ((x: bigint, y: bigint) => bigint) | null): Scalar {
  if (onInts !== null && typeof a !== 'number' && typeof b !== 'number') return onInts(BigInt(a), BigInt(b));
  return onNumbers(scalarNumber(a), scalarNumber(b));
}
