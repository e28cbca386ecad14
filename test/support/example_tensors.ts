/**
 * The arguments of an op's gradient example that are not differentiated:
 * bool masks and int64 indices (ExampleTensor.dtype). Finite-difference
 * harnesses make these with this function and draw only float tensors.
 */
import { Int64Array } from '../../src/engine/dtype.js';
import type { ExampleTensor } from '../../src/engine/op.js';
import { numelOf, Tensor } from '../../src/engine/tensor.js';

/** The constant tensor an example asks for (a random mask, or the given int64 values), or null for a float input. */
export function exampleConstant(arg: ExampleTensor, random: () => number): Tensor | null {
  if (arg.dtype === undefined) return null;
  const n = numelOf(arg.tensor);
  if (arg.dtype === 'int64') {
    const values = arg.values ?? [];
    if (values.length !== n) throw new Error(`an int64 example tensor of shape [${arg.tensor.join(', ')}] needs ${n} values`);
    return new Tensor(Int64Array.from(values), arg.tensor.slice());
  }
  const mask = arg.values ? Uint8Array.from(arg.values) : Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0));
  return new Tensor(mask, arg.tensor.slice());
}
