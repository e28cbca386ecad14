import { ProblemError } from '../../errors.js';
import { normalizeDim } from '../kernels/reduce.js';
import { defineOp, type OpDef, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';
import { permute } from './permute.js';

/** `torch.movedim(x, source, destination)`: the source dims moved to the destination positions, the rest in order (PermuteBackward0). */
export function movedim(x: Tensor, source: number | readonly number[], destination: number | readonly number[]): Tensor {
  const from = (typeof source === 'number' ? [source] : [...source]).map((d) => normalizeDim(d, x.ndim));
  const to = (typeof destination === 'number' ? [destination] : [...destination]).map((d) => normalizeDim(d, x.ndim));
  if (from.length !== to.length) {
    throw new ProblemError(
      'invalid-argument',
      `movedim: Invalid source or destination dims: source ([${from.join(', ')}] dims) should contain the same number of dims as destination ([${to.join(', ')}] dims)`,
    );
  }
  const order = new Array<number>(x.ndim).fill(-1);
  from.forEach((d, i) => (order[to[i]] = d));
  const rest = Array.from({ length: x.ndim }, (_, d) => d).filter((d) => !from.includes(d));
  for (let i = 0, k = 0; i < order.length; i++) if (order[i] === -1) order[i] = rest[k++];
  return permute(x, order);
}

/** movedim and its alias moveaxis share this definition. */
export function defineMovedim(name: string): OpDef {
  return defineOp({
    name,
    summary: 'Moves the dims `source` to the positions `destination` (ints or tuples), the others keeping their order (a view).',
    params: [
      { name: 'input', kind: 'tensor' },
      { name: 'source', kind: 'int|tuple' },
      { name: 'destination', kind: 'int|tuple' },
    ],
    gradFns: ['PermuteBackward0'],
    method: true,
    function: true,
    modules: ['torch', 'method'],
    examples: [{ args: [{ tensor: [2, 3, 4] }, 0, -1] }, { args: [{ tensor: [2, 3, 4] }, [0, 1], [2, 0]] }],
    call: ({ input, source, destination }): Value => movedim(input as Tensor, source as number | number[], destination as number | number[]),
  });
}

export default defineMovedim('movedim');
