import { defineOp } from '../op.js';
import type { Tensor } from '../tensor.js';
import { sigmoid } from './sigmoid.js';

/** torch.special.expit is sigmoid under its statistical name (SigmoidBackward0). */
export default defineOp({
  name: 'expit',
  summary: 'torch.special.expit: the logistic function, as sigmoid.',
  params: [{ name: 'input', kind: 'tensor' }],
  gradFns: ['SigmoidBackward0'],
  method: false,
  function: false,
  modules: ['torch.special'],
  examples: [{ args: [{ tensor: [2, 3] }] }],
  call: ({ input }) => sigmoid(input as Tensor),
});
