import { ProblemError } from '../../errors.js';
import { defineOp, type Value } from '../op.js';
import { type Tensor, zerosTensor } from '../tensor.js';
import { mul } from './mul.js';

/**
 * F.dropout(input, p=0.5, training=True, inplace=False) as torch 1.13 runs it:
 * with p = 0, training off or no elements it is the input itself (no node);
 * p = 1 multiplies by a zero tensor (MulBackward0). Any other p while training
 * draws random numbers, which this service does not do (its answers are
 * reproducible): that is refused with a message saying so.
 */
export function dropout(input: Tensor, p = 0.5, training = true, inplace = false): Tensor {
  if (p < 0 || p > 1) throw new ProblemError('invalid-argument', `dropout probability has to be between 0 and 1, but got ${p}`, { pythonType: 'ValueError' });
  if (p === 0 || !training || input.numel === 0) return input;
  if (inplace) throw new ProblemError('invalid-argument', 'dropout(..., inplace=True) while training is not supported; call it with inplace=False');
  if (p === 1) return mul(input, zerosTensor([], input.dtype));
  throw new ProblemError(
    'invalid-argument',
    'dropout while training draws random numbers, which this service does not reproduce; call it with training=False (or p=0 or p=1)',
  );
}

export default defineOp({
  name: 'dropout',
  summary: 'torch.nn.functional.dropout: the input itself when p = 0 or training=False (as torch), zeros for p = 1; random dropping is refused.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'p', kind: 'number', default: 0.5 },
    { name: 'training', kind: 'bool', default: true },
    { name: 'inplace', kind: 'bool', default: false },
  ],
  gradFns: ['MulBackward0'],
  method: false,
  function: false,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 3] }, 1.0] }],
  call: ({ input, p, training, inplace }): Value => dropout(input as Tensor, p as number, training as boolean, inplace as boolean),
});
