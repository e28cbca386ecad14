import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { reduceDims } from '../kernels/reduce.js';
import { zip } from '../kernels/elementwise.js';
import { dimensionOutOfRange } from '../kernels/reduce.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';
import { sum } from './sum.js';
import { unsqueezeReduced } from './var.js';

interface ExtremeAttrs {
  /** Reduced dims, sorted; every dim when none were given. */
  dims: readonly number[];
  keepdim: boolean;
}

// d amax/dx_i = 1/k for each of the k elements equal to the maximum of their slice, else 0
// (PyTorch's scale_grad_by_count: (g / k) * mask; a slice whose maximum is NaN has k = 0 and gets NaN)
const Amax: Primitive<ExtremeAttrs> = {
  gradFn: 'AmaxBackward0',
  forward: ([x], { dims, keepdim }) => reduceDims(x, dims, keepdim, -Infinity, (best, v) => (best !== best || v !== v ? NaN : v > best ? v : best)),
  backward: (g, { inputs: [x], output, attrs: { dims, keepdim } }) => {
    const moment = { dims, keepdim, correction: 0 };
    const mask = zip(x, unsqueezeReduced(output, x, moment), g.dtype, (v, best) => (v === best ? 1 : 0));
    const count = x.ndim === 0 ? mask : sum(mask, dims, true);
    return [mul(div(unsqueezeReduced(g, x, moment), count), mask)];
  },
};

/** Normalises amax/amin dims: an int or a tuple, () for all; repeats are an error as in torch. */
export function extremeDims(x: Tensor, dim: number | readonly number[], op: string): number[] {
  const list = typeof dim === 'number' ? [dim] : [...dim];
  const range = Math.max(x.ndim, 1);
  const dims = list.map((d) => {
    if (d < -range || d >= range) throw dimensionOutOfRange(d, range);
    return d < 0 ? d + range : d;
  });
  const repeated = dims.find((d, i) => dims.indexOf(d) !== i);
  if (repeated !== undefined) throw new ProblemError('invalid-argument', `dim ${repeated} appears multiple times in the list of dims`);
  if (x.ndim === 0) return [];
  if (dims.length === 0) {
    if (x.numel === 0) {
      throw new ProblemError('invalid-argument', `${op}(): Expected reduction dim to be specified for input.numel() == 0. Specify the reduction dim with the 'dim' argument.`);
    }
    return x.shape.map((_, d) => d);
  }
  return dims.sort((a, b) => a - b);
}

/** torch.amax(x, dim=(), keepdim=False): the maximum over `dim` (all dims for ()), NaN if any is NaN. */
export function amax(x: Tensor, dim: number | readonly number[] = [], keepdim = false): Tensor {
  return apply(Amax, [x], { dims: extremeDims(x, dim, 'amax'), keepdim });
}

export default defineOp({
  name: 'amax',
  summary: 'The maximum over `dim` (an int or a tuple; all dims by default); ties share the gradient equally.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int|tuple', default: [] },
    { name: 'keepdim', kind: 'bool', default: false },
  ],
  gradFns: ['AmaxBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [{ args: [{ tensor: [2, 3] }, 1] }, { args: [{ tensor: [2, 3] }, [0, 1]] }, { args: [{ tensor: [3, 2] }], kwargs: { dim: 0, keepdim: true } }, { args: [{ tensor: [4] }] }],
  call: ({ input, dim, keepdim }): Value => amax(input as Tensor, dim as number | number[], keepdim as boolean),
});
