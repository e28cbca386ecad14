import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { allocate, rounder } from '../dtype.js';
import { map, zip } from '../kernels/elementwise.js';
import { linesAlong, normalizeDim } from '../kernels/reduce.js';
import { resultDtype } from '../promote.js';
import { slicedView } from '../strided.js';
import { Tensor } from '../tensor.js';
import { add } from './add.js';
import { mul } from './mul.js';
import { sigmoid } from './sigmoid.js';
import { sub } from './sub.js';

interface HalfAttrs {
  dim: number;
  /** Where the half starts along `dim`, and its length. */
  start: number;
  length: number;
}

/** `x.narrow(dim, start, length)` as a view; its gradient is placed back into zeros. */
const Narrow: Primitive<HalfAttrs> = {
  gradFn: 'SliceBackward0',
  saves: 'nothing',
  forward: ([x], { dim, start, length }) => slicedView(x, dim, start, length, 1),
  backward: (g, { inputs: [x], attrs }) => [apply(PlaceInto, [g], { ...attrs, full: x.shape[attrs.dim] })],
};

/** The inverse of Narrow: `g` written into zeros of the full size along `dim` (linear; its gradient is the narrowing). */
const PlaceInto: Primitive<HalfAttrs & { full: number }> = {
  gradFn: 'SliceBackwardBackward0',
  saves: 'nothing',
  forward: ([g], { dim, start, length, full }) => {
    const shape = g.shape.slice();
    shape[dim] = full;
    const out = allocate(g.dtype, g.numel / Math.max(length, 1) * full);
    const { outer, inner } = linesAlong(shape, dim);
    const src = g.data;
    for (let o = 0; o < outer; o++) {
      for (let j = 0; j < length; j++) {
        for (let i = 0; i < inner; i++) out[(o * full + start + j) * inner + i] = src[(o * length + j) * inner + i];
      }
    }
    return new Tensor(out, shape);
  },
  backward: (gg, { attrs }) => [apply(Narrow, [gg], attrs)],
};

function half(x: Tensor, dim: number, second: boolean): Tensor {
  const length = x.shape[dim] / 2;
  return apply(Narrow, [x], { dim, start: second ? length : 0, length });
}

function placeHalf(g: Tensor, dim: number, second: boolean): Tensor {
  const length = g.shape[dim];
  return apply(PlaceInto, [g], { dim, start: second ? length : 0, length, full: 2 * length });
}

interface GluAttrs {
  dim: number;
}

/** sigmoid(b) as PyTorch's kernel computes it: 1 / (1 + exp(-b)), each step rounded. */
function sigmoidOf(round: (v: number) => number): (b: number) => number {
  return (b) => round(1 / round(1 + round(Math.exp(-b))));
}

/**
 * PyTorch's glu_backward(g, x): with a, b the halves of x and s = sigmoid(b),
 * the first half of the gradient is s * g, the second (1 - s) * s * a * g.
 * Differentiated again (GluBackwardBackward0), with gg's halves gga and ggb:
 * d/dg = gga s + ggb s (1 - s) a; d/da = ggb g s (1 - s); d/db = gga g s (1 - s) + ggb g a s (1 - s)(1 - 2s).
 */
const GluBackward: Primitive<GluAttrs> = {
  gradFn: 'GluBackwardBackward0',
  forward: ([g, x], { dim }) => {
    const dtype = resultDtype([g, x]);
    const round = rounder(dtype);
    const [a, b] = [slicedView(x, dim, 0, x.shape[dim] / 2, 1), slicedView(x, dim, x.shape[dim] / 2, x.shape[dim] / 2, 1)];
    const s = map(b, sigmoidOf(round), dtype);
    const first = zip(s, g, dtype, (sv, gv) => sv * gv);
    const second = zip(zip(s, a, dtype, (sv, av) => round(round(1 - sv) * sv) * av), g, dtype, (v, gv) => v * gv);
    return joinHalves(first, second, dim);
  },
  backward: (gg, { inputs: [g, x], attrs: { dim } }) => {
    const [a, b] = [half(x, dim, false), half(x, dim, true)];
    const [gga, ggb] = [half(gg, dim, false), half(gg, dim, true)];
    const s = sigmoid(b);
    const slope = mul(s, sub(1, s));
    const dg = g.requiresGrad ? add(mul(gga, s), mul(mul(ggb, slope), a)) : null;
    if (!x.requiresGrad) return [dg, null];
    const da = mul(mul(ggb, g), slope);
    const db = add(mul(mul(gga, g), slope), mul(mul(mul(ggb, g), a), mul(slope, sub(1, mul(s, 2)))));
    return [dg, add(placeHalf(da, dim, false), placeHalf(db, dim, true))];
  },
};

/** Two tensors of equal shape joined along `dim` (first, then second). */
function joinHalves(first: Tensor, second: Tensor, dim: number): Tensor {
  const length = first.shape[dim];
  const shape = first.shape.slice();
  shape[dim] = 2 * length;
  const out = allocate(first.dtype, first.numel * 2);
  const { outer, inner } = linesAlong(shape, dim);
  const [f, s] = [first.data, second.data];
  for (let o = 0; o < outer; o++) {
    for (let j = 0; j < length; j++) {
      for (let i = 0; i < inner; i++) {
        out[(o * 2 * length + j) * inner + i] = f[(o * length + j) * inner + i];
        out[(o * 2 * length + length + j) * inner + i] = s[(o * length + j) * inner + i];
      }
    }
  }
  return new Tensor(out, shape);
}

// d glu/da = sigmoid(b), d glu/db = a sigmoid(b) (1 - sigmoid(b)), with a, b the halves of x along dim
const Glu: Primitive<GluAttrs> = {
  gradFn: 'GluBackward0',
  // a * (1 / (1 + exp(-b))), each step rounded
  forward: ([x], { dim }) => {
    const round = rounder(x.dtype);
    const sig = sigmoidOf(round);
    const length = x.shape[dim] / 2;
    return zip(slicedView(x, dim, 0, length, 1), slicedView(x, dim, length, length, 1), x.dtype, (a, b) => a * sig(b));
  },
  backward: (g, { inputs: [x], attrs }) => [apply(GluBackward, [g, x], attrs)],
};

/** F.glu(x, dim=-1): the first half of x along `dim` times the sigmoid of the second. */
export function glu(x: Tensor, dim = -1): Tensor {
  if (x.ndim === 0) throw new ProblemError('invalid-argument', 'glu does not support scalars because halving size must be even');
  const d = normalizeDim(dim, x.ndim);
  if (x.shape[d] % 2 !== 0) throw new ProblemError('invalid-argument', `Halving dimension must be even, but dimension ${d} is size ${x.shape[d]}`);
  return apply(Glu, [x], { dim: d });
}

export default defineOp({
  name: 'glu',
  summary: 'Gated linear unit: the first half of x along `dim` times the sigmoid of the second half.',
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'dim', kind: 'int', default: -1 },
  ],
  gradFns: ['GluBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [6] }] }, { args: [{ tensor: [4, 3] }], kwargs: { dim: 0 } }, { args: [{ tensor: [2, 4, 2] }, 1] }],
  call: ({ input, dim }): Value => glu(input as Tensor, dim as number),
});
