import type { Value } from '../engine/op.js';
import { Tensor } from '../engine/tensor.js';

/** Whether a program's value (a name's binding, an op's result) is a tensor. */
export function isTensor(v: Value | undefined): v is Tensor {
  return v instanceof Tensor;
}
