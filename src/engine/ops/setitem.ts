import { indexItems, setItem } from '../indexing.js';
import { defineOp, type Scalar, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

export default defineOp({
  name: 'setitem',
  summary: '`x[index] = value` (Tensor.__setitem__), in place: `index` as for getitem, `value` a number or a tensor broadcast to the indexed region.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'index', kind: 'any' },
    { name: 'value', kind: 'tensor|number' },
  ],
  gradFns: ['CopySlices', 'IndexPutBackward0', 'AsStridedBackward0'],
  method: false,
  function: false,
  modules: [],
  mutates: true,
  call: ({ input, index, value }): Value => {
    setItem(input as Tensor, indexItems(index), value as Tensor | Scalar);
    return null;
  },
});
