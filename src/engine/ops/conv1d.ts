import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { convArgument, convolution } from './convolution.js';

export default defineOp({
  name: 'conv1d',
  summary: 'torch.nn.functional.conv1d: 1-D convolution of [N, C, L] (or unbatched [C, L]) by [O, C / groups, K], with stride, padding (ints, "valid" or "same"), dilation and groups.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'weight', kind: 'tensor' },
    { name: 'bias', kind: 'tensor?', default: null },
    { name: 'stride', kind: 'any', default: 1n },
    { name: 'padding', kind: 'any', default: 0n },
    { name: 'dilation', kind: 'any', default: 1n },
    { name: 'groups', kind: 'int', default: 1n },
  ],
  gradFns: ['ConvolutionBackward0', 'SqueezeBackward1', 'ConstantPadNdBackward0'],
  method: false,
  function: true,
  modules: ['torch', 'torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 2, 5] }, { tensor: [3, 2, 3] }, { tensor: [3] }] },
    { args: [{ tensor: [1, 4, 7] }, { tensor: [2, 2, 2] }], kwargs: { stride: 2, padding: 1, dilation: 2, groups: 2 } },
    { args: [{ tensor: [2, 5] }, { tensor: [2, 2, 4] }], kwargs: { padding: 'same' } },
  ],
  call: ({ input, weight, bias, stride, padding, dilation, groups }): Value =>
    convolution(input as Tensor, weight as Tensor, bias as Tensor | null, 1, {
      stride: convArgument('conv1d', 'stride', stride) as number | number[],
      padding: convArgument('conv1d', 'padding', padding),
      dilation: convArgument('conv1d', 'dilation', dilation) as number | number[],
      groups: groups as number,
    }),
});
