import { getItem, indexItems } from '../indexing.js';
import { defineOp, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

export default defineOp({
  name: 'getitem',
  summary:
    "`x[index]` (Tensor.__getitem__): ints select, slices slice, None adds a dim, ... skips dims, int lists, int64 tensors and bool masks pick elements. `index` is a tuple's items as an array, or a single item (a list index inside a one-item array).",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'index', kind: 'any' },
  ],
  gradFns: ['SelectBackward0', 'SliceBackward0', 'UnsqueezeBackward0', 'IndexBackward0', 'AliasBackward0'],
  method: false,
  function: false,
  modules: [],
  // Python ints (bigints) and slices cannot be spelled in a gradient example; test/engine/indexing.test.ts checks gradients against torch.
  noGradient: 'gradients checked against torch 1.13 in test/engine/indexing.test.ts (an index is not an example argument)',
  call: ({ input, index }): Value => getItem(input as Tensor, indexItems(index)),
});
