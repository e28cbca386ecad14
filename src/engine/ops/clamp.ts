import { ProblemError } from '../../errors.js';
import { apply, defineOp, isTensor, type Primitive, pythonTypeName, type Scalar, type Value } from '../op.js';
import { map, scalarIn } from '../kernels/elementwise.js';
import { zip3 } from '../kernels/ternary.js';
import { kinkWhere } from '../kinks.js';
import { resultDtype, scalarNumber } from '../promote.js';
import { type Tensor, wrapNumber } from '../tensor.js';
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

/** Which tensor bounds a ClampBackward0 node has (an absent one is an input without a gradient). */
interface TensorBoundsAttrs {
  hasMin: boolean;
  hasMax: boolean;
}

/** min(max(x, lo), hi) elementwise; NaN in any of the three gives NaN. */
function clampOf(v: number, lo: number, hi: number): number {
  if (v !== v || lo !== lo || hi !== hi) return NaN;
  const raised = v < lo ? lo : v;
  return hi < raised ? hi : raised;
}

// The overload with tensor bounds (ClampBackward0), as PyTorch's clamp_backward and clamp_backward_min_max:
// d/dx = 1 where lo <= x <= hi; d/d lo = 1 where x < lo (and lo < hi when both are given);
// d/d hi = 1 where x > hi (or hi < lo when both are given: then the result is hi)
const ClampTensors: Primitive<TensorBoundsAttrs> = {
  gradFn: 'ClampBackward0',
  forward: ([x, lo, hi], { hasMin, hasMax }) => zip3(x, lo, hi, resultDtype([x, ...(hasMin ? [lo] : []), ...(hasMax ? [hi] : [])]), clampOf),
  backward: (g, { inputs: [x, lo, hi], attrs: { hasMin, hasMax } }) => {
    const mask = (rule: (v: number, l: number, h: number) => boolean) => mul(g, zip3(x, lo, hi, g.dtype, (v, l, h) => (rule(v, l, h) ? 1 : 0)));
    return [
      x.requiresGrad ? mask((v, l, h) => v >= l && v <= h) : null,
      hasMin && lo.requiresGrad ? mask((v, l, h) => v < l && (!hasMax || l < h)) : null,
      hasMax && hi.requiresGrad ? mask((v, l, h) => v > h || (hasMin && h < l)) : null,
    ];
  },
};

type Bound = Tensor | Scalar | null;

/**
 * torch.clamp(x, min, max) / torch.clip: number bounds (ClampBackward1) or tensor
 * bounds that broadcast (ClampBackward0); either bound may be None, not both,
 * and numbers and tensors do not mix (PyTorch has no such overload).
 */
export function clamp(x: Tensor, min: Bound = null, max: Bound = null, name = 'clamp'): Tensor {
  if (min === null && max === null) {
    throw new ProblemError('invalid-argument', `torch.${name}: At least one of 'min' or 'max' must not be None`);
  }
  const tensorBounds = [min, max].filter(isTensor).length;
  const numberBounds = [min, max].filter((b) => b !== null && !isTensor(b)).length;
  if (tensorBounds === 0) return apply(Clamp, [x], { min: min === null ? null : scalarNumber(min as Scalar), max: max === null ? null : scalarNumber(max as Scalar) });
  if (numberBounds > 0) {
    const got = [x, min, max].map((v) => (v === null ? 'NoneType' : pythonTypeName(v))).join(', ');
    throw new ProblemError(
      'invalid-argument',
      `${name}() received an invalid combination of arguments - got (${got}), but expected one of:\n` +
        ` * (Tensor input, Tensor min, Tensor max, *, Tensor out)\n` +
        ` * (Tensor input, Number min, Number max, *, Tensor out)\n`,
      { pythonType: 'TypeError' },
    );
  }
  const lo = isTensor(min) ? min : wrapNumber(-Infinity, x.dtype);
  const hi = isTensor(max) ? max : wrapNumber(Infinity, x.dtype);
  return apply(ClampTensors, [x, lo, hi], { hasMin: isTensor(min), hasMax: isTensor(max) });
}

export default defineOp({
  name: 'clamp',
  summary: 'Elementwise clamp into [min, max]; bounds are numbers or tensors (broadcast), either may be None.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'min', kind: 'tensor|number?', default: null },
    { name: 'max', kind: 'tensor|number?', default: null },
  ],
  gradFns: ['ClampBackward1', 'ClampBackward0'],
  method: true,
  function: true,
  modules: ['torch', 'method'],
  examples: [
    { args: [{ tensor: [8] }], kwargs: { min: -1, max: 1 } },
    { args: [{ tensor: [2, 3] }, -0.5] },
    { args: [{ tensor: [6] }], kwargs: { max: 0.5 } },
    { args: [{ tensor: [] }, -1, 1] },
    { args: [{ tensor: [2, 3] }, { tensor: [3], range: [-1, -0.2] }, { tensor: [2, 1], range: [0.2, 1] }] },
    { args: [{ tensor: [2, 3] }, { tensor: [3] }] },
  ],
  call: ({ input, min, max }): Value => clamp(input as Tensor, min as Bound, max as Bound),
});
