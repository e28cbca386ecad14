import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { convArgument, convolution } from './convolution.js';

export default defineOp({
  name: 'conv2d',
  summary: 'torch.nn.functional.conv2d: 2-D convolution of [N, C, H, W] (or unbatched [C, H, W]) by [O, C / groups, KH, KW], with stride, padding (ints, "valid" or "same"), dilation and groups.',
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
    { args: [{ tensor: [1, 2, 4, 4] }, { tensor: [2, 2, 2, 3] }, { tensor: [2] }] },
    { args: [{ tensor: [2, 2, 5, 5] }, { tensor: [2, 1, 3, 2] }], kwargs: { stride: [2, 1], padding: 1, dilation: [1, 2], groups: 2 } },
    { args: [{ tensor: [1, 4, 4] }, { tensor: [1, 1, 2, 2] }], kwargs: { padding: 'same' } },
  ],
  call: ({ input, weight, bias, stride, padding, dilation, groups }): Value =>
    convolution(input as Tensor, weight as Tensor, bias as Tensor | null, 2, {
      stride: convArgument('conv2d', 'stride', stride) as number | number[],
      padding: convArgument('conv2d', 'padding', padding),
      dilation: convArgument('conv2d', 'dilation', dilation) as number | number[],
      groups: groups as number,
    }),
});
