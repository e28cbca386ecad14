import { widest, type DType } from './dtype.js';
import { Tensor, wrapNumber } from './tensor.js';

/**
 * PyTorch's result type for our dtypes: tensors with dimensions decide; 0-dim
 * tensors only when no dimensioned tensor is present; Python numbers never.
 */
export function resultDtype(tensors: readonly Tensor[]): DType {
  const ranked = tensors.filter((t) => t.ndim > 0 && !t.wrappedNumber);
  const zeroDim = tensors.filter((t) => t.ndim === 0 && !t.wrappedNumber);
  const deciders = ranked.length > 0 ? ranked : zeroDim;
  return deciders.reduce<DType>((d, t) => widest(d, t.dtype), 'float32');
}

/** Two operands of a binary op as tensors (numbers wrapped) and the dtype to compute in. */
export function operands(a: Tensor | number, b: Tensor | number): [Tensor, Tensor, DType] {
  const tensors = [a, b].filter((v): v is Tensor => typeof v !== 'number');
  const dtype = resultDtype(tensors);
  const wrap = (v: Tensor | number) => (typeof v === 'number' ? wrapNumber(v, dtype) : v);
  return [wrap(a), wrap(b), dtype];
}
