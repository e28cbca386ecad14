import { ProblemError } from '../../errors.js';
import { defineOp, type Value } from '../op.js';

/** x.int() converts to int32, a dtype this service does not have: refused with a message that names .long(). */
export default defineOp({
  name: 'int',
  summary: 'x.int(): int32 is not one of this service’s dtypes (float32, float64, int64, bool); use x.long().',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: [],
  noGradient: 'it always refuses',
  method: true,
  function: false,
  modules: ['method'],
  call: (): Value => {
    throw new ProblemError('invalid-argument', 'int32 tensors are not supported by this service (its dtypes are float32, float64, int64 and bool); use .long() for int64');
  },
});
