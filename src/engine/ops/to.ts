import { ProblemError } from '../../errors.js';
import { type DType, isFloating, TorchDType } from '../dtype.js';
import { apply, defineOp, isTensor, type Primitive, type Value } from '../op.js';
import { castTo, type Tensor } from '../tensor.js';

interface ToAttrs {
  dtype: DType;
}

// a dtype conversion passes the gradient through, converted back to the input's dtype
const ToCopy: Primitive<ToAttrs> = {
  gradFn: 'ToCopyBackward0',
  saves: 'nothing',
  forward: ([x], { dtype }) => castTo(x, dtype),
  backward: (g, { inputs: [x] }) => [toDtype(g, x.dtype)],
};

/**
 * x in `dtype`: x itself when it already is (torch returns self), a copy
 * otherwise. Between floating dtypes the copy is differentiable
 * (ToCopyBackward0); an int64 or bool result never requires grad.
 */
export function toDtype(x: Tensor, dtype: DType, copy = false): Tensor {
  if (x.dtype === dtype && !copy) return x;
  if (!isFloating(dtype)) return castTo(x, dtype);
  return apply(ToCopy, [x], { dtype });
}

/** The dtype a `.to(...)` call asks for: a torch.dtype or another tensor's, after an optional device. */
function requestedDtype(x: Tensor, args: readonly Value[], dtype: Value, device: Value): DType {
  let target: DType = x.dtype;
  for (const arg of [...args, device]) {
    if (arg === null) continue;
    if (arg instanceof TorchDType) target = arg.dtype;
    else if (isTensor(arg)) target = arg.dtype;
    else if (typeof arg === 'string') {
      if (arg !== 'cpu') throw new ProblemError('invalid-argument', `this service computes on the CPU only; got device '${arg}'`);
    } else throw new ProblemError('invalid-argument', 'to() received an invalid combination of arguments', { pythonType: 'TypeError' });
  }
  if (dtype instanceof TorchDType) target = dtype.dtype;
  return target;
}

export default defineOp({
  name: 'to',
  summary: "x.to(dtype), x.to(other) or x.to('cpu', dtype): x itself when nothing changes, else a converted copy (ToCopyBackward0 between floating dtypes).",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'arg0', kind: 'any', default: null },
    { name: 'arg1', kind: 'any', default: null },
    { name: 'dtype', kind: 'any', default: null, keywordOnly: true },
    { name: 'device', kind: 'any', default: null, keywordOnly: true },
    { name: 'non_blocking', kind: 'bool', default: false, keywordOnly: true },
    { name: 'copy', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: ['ToCopyBackward0'],
  method: true,
  function: false,
  modules: ['method'],
  examples: [{ args: [{ tensor: [2, 3] }], kwargs: { dtype: null, copy: true } }],
  call: ({ input, arg0, arg1, dtype, device, copy }): Value => {
    const x = input as Tensor;
    return toDtype(x, requestedDtype(x, [arg0, arg1], dtype, device), copy as boolean);
  },
});
