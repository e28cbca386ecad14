import { ProblemError } from '../../errors.js';
import { allocate, DEFAULT_FLOAT, type DType } from '../dtype.js';
import { arange as floatArange } from '../kernels/linspace.js';
import { defineOp, type Scalar, type Value } from '../op.js';
import { Tensor } from '../tensor.js';
import { dtypeOr, withRequiresGrad } from './zeros.js';

/**
 * torch.arange(end) / (start, end, step=1): int64 when every bound is a
 * Python int, else the default float dtype; floating results are the kernel's
 * (start + step * i in double, rounded once), int64 ones exact.
 */
export function arange(start: Scalar, end: Scalar, step: Scalar, dtype: DType | null): Tensor {
  const resolved = dtype ?? ([start, end, step].some((v) => typeof v === 'number') ? DEFAULT_FLOAT : 'int64');
  const [a, b, s] = [start, end, step].map(Number);
  if (resolved === 'bool') throw new ProblemError('invalid-argument', `"arange_cpu" not implemented for 'Bool'`);
  if (resolved === 'float32' || resolved === 'float64') return floatArange(a, b, s, resolved);
  if (!(s > 0 || s < 0)) throw new ProblemError('invalid-argument', 'step must be nonzero');
  if ((s > 0 && b < a) || (s < 0 && b > a)) throw new ProblemError('invalid-argument', 'upper bound and larger bound inconsistent with step sign');
  const size = Math.ceil((b - a) / s);
  const out = allocate('int64', size);
  for (let i = 0; i < size; i++) out[i] = Math.trunc(a + s * i);
  return new Tensor(out, [size]);
}

export default defineOp({
  name: 'arange',
  summary: 'Values from start (default 0) up to end by step: int64 for int bounds, else float32 (dtype= overrides).',
  params: [
    { name: 'start', kind: 'scalar' },
    { name: 'end', kind: 'scalar?', default: null },
    { name: 'step', kind: 'scalar', default: 1n },
    { name: 'dtype', kind: 'dtype?', default: null, keywordOnly: true },
    { name: 'requires_grad', kind: 'bool', default: false, keywordOnly: true },
  ],
  gradFns: [],
  noGradient: 'it creates a constant',
  method: false,
  function: true,
  modules: ['torch'],
  call: ({ start, end, step, dtype, requires_grad }): Value => {
    const [from, to] = end === null ? [0n, start as Scalar] : [start as Scalar, end as Scalar];
    const t = arange(from, to, step as Scalar, dtype === null ? null : dtypeOr(dtype, DEFAULT_FLOAT));
    return requires_grad ? withRequiresGrad(t) : t;
  },
});
