// argmax and argmin: one definition, two op files.
import { ProblemError } from '../errors.js';
import { extremeAlongDim, type Prefer } from './kernels/extreme.js';
import { normalizeDim } from './kernels/reduce.js';
import { defineOp, type OpDef, type Value } from './op.js';
import { Tensor } from './tensor.js';

/** The index (int64) of the first preferred element: over the flattened tensor, or along dim. */
export function argExtreme(x: Tensor, dim: number | null, keepdim: boolean, prefer: Prefer, name: string): Tensor {
  if (x.numel === 0) {
    throw new ProblemError('invalid-argument', `${name}(): Expected reduction dim to be specified for input.numel() == 0.`);
  }
  if (dim === null) {
    const flat = new Tensor(x.data, [x.numel]);
    const { indices } = extremeAlongDim(flat, 0, false, prefer);
    return keepdim ? new Tensor(indices.data, x.shape.map(() => 1)) : indices;
  }
  const { indices } = extremeAlongDim(x, x.ndim === 0 ? 0 : normalizeDim(dim, x.ndim), keepdim, prefer);
  return indices;
}

export function defineArgExtreme(name: 'argmax' | 'argmin', prefer: Prefer): OpDef {
  return defineOp({
    name,
    summary: `The index of the first ${name === 'argmax' ? 'largest' : 'smallest'} element (of the flattened tensor, or along \`dim\`), int64.`,
    params: [
      { name: 'input', kind: 'tensor' },
      { name: 'dim', kind: 'int?', default: null },
      { name: 'keepdim', kind: 'bool', default: false },
    ],
    gradFns: [],
    method: true,
    function: true,
    modules: ['torch', 'method'],
    noGradient: 'indices are not differentiable',
    call: ({ input, dim, keepdim }): Value => argExtreme(input as Tensor, dim as number | null, keepdim as boolean, prefer, name),
  });
}
