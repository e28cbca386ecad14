import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { map, scalarIn } from '../kernels/elementwise.js';
import { kinkWhere } from '../kinks.js';
import type { Tensor } from '../tensor.js';
import { mul } from './mul.js';

interface ClampAttrs {
  /** Bounds as given; null for no bound. */
  min: number | null;
  max: number | null;
}

/** The bounds in the tensor's dtype, an absent bound as an infinite one. */
function bounds(x: Tensor, { min, max }: ClampAttrs): [number, number] {
  return [min === null ? -Infinity : scalarIn(x.dtype, min), max === null ? Infinity : scalarIn(x.dtype, max)];
}

// d clamp(x)/dx = 1 where min <= x <= max (a bound counts as inside), else 0
const Clamp: Primitive<ClampAttrs> = {
  gradFn: 'ClampBackward1',
  forward: ([x], attrs) => {
    const [lo, hi] = bounds(x, attrs);
    // std::min(std::max(x, lo), hi): NaN passes through
    return map(x, (v) => {
      const raised = v < lo ? lo : v;
      return hi < raised ? hi : raised;
    });
  },
  backward: (g, { inputs: [x], attrs }) => {
    const [lo, hi] = bounds(x, attrs);
    return [mul(g, map(x, (v) => (v >= lo && v <= hi ? 1 : 0)))];
  },
  kinks: ({ inputs: [x], attrs }) => {
    const [lo, hi] = bounds(x, attrs);
    return kinkWhere(x, (v) => v === lo || v === hi, 'clamp at a bound', 'a bound counts as inside: the gradient passes unchanged (1) where the input equals min or max');
  },
};

export function clamp(x: Tensor, min: number | null = null, max: number | null = null): Tensor {
  if (min === null && max === null) {
    throw new ProblemError('invalid-argument', "torch.clamp: At least one of 'min' or 'max' must not be None");
  }
  return apply(Clamp, [x], { min, max });
}

export default defineOp({
  name: 'clamp',
  summary: 'Elementwise clamp into [min, max]; either bound may be None.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'min', kind: 'number?', default: null },
    { name: 'max', kind: 'number?', default: null },
  ],
  gradFns: ['ClampBackward1'],
  method: true,
  function: true,
  examples: [
    { args: [{ tensor: [8] }], kwargs: { min: -1, max: 1 } },
    { args: [{ tensor: [2, 3] }, -0.5] },
    { args: [{ tensor: [6] }], kwargs: { max: 0.5 } },
    { args: [{ tensor: [] }, -1, 1] },
  ],
  call: ({ input, min, max }): Value => clamp(input as Tensor, min as number | null, max as number | null),
});
