import { ProblemError } from '../../errors.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { type DType, rounder } from '../dtype.js';
import { fusedMultiplyAdd } from '../kernels/fma.js';
import { map, zip } from '../kernels/elementwise.js';
import { erf } from '../kernels/special.js';
import { resultDtype } from '../promote.js';
import type { Tensor } from '../tensor.js';
import { add } from './add.js';
import { exp } from './exp.js';
import { mul } from './mul.js';
import { pow } from './pow.js';
import { sub } from './sub.js';
import { tanh } from './tanh.js';

type Approximate = 'none' | 'tanh';

interface GeluAttrs {
  approximate: Approximate;
}

/** ATen's constants: 1/√2, √(2/π) (tanh form), 1/√(2π) (the normal pdf), and the cubic's 0.044715. */
const SQRT1_2 = Math.SQRT1_2;
const TANH_BETA = Math.SQRT2 * (2 / Math.sqrt(Math.PI)) * 0.5;
const PDF_BETA = (2 / Math.sqrt(Math.PI)) * Math.SQRT1_2 * 0.5;
const KAPPA = 0.044715;

/**
 * gelu'(x) for each form, each step rounded to the dtype as PyTorch's
 * GeluBackwardKernel does (its multiply-adds fused by the compiler: one rounding).
 */
function derivativeKernel(approximate: Approximate, dtype: DType): (x: number) => number {
  const round = rounder(dtype);
  const fma = fusedMultiplyAdd(dtype);
  const [alpha, pdfBeta, beta, kappa] = [round(SQRT1_2), round(PDF_BETA), round(TANH_BETA), round(KAPPA)];
  if (approximate === 'none') {
    return (x) => {
      const cdf = round(0.5 * round(1 + round(erf(round(x * alpha)))));
      const pdf = round(pdfBeta * round(Math.exp(round(round(x * x) * -0.5))));
      return fma(x, pdf, cdf);
    };
  }
  return (x) => {
    const square = round(x * x);
    const inner = round(beta * fma(kappa, round(square * x), x));
    const t = round(Math.tanh(inner));
    const leftDerivative = round(0.5 * round(1 + t));
    const tanhDerivative = fma(-t, t, 1);
    const innerDerivative = round(beta * fma(round(3 * kappa), square, 1));
    const rightDerivative = round(round(round(0.5 * x) * tanhDerivative) * innerDerivative);
    return round(leftDerivative + rightDerivative);
  };
}

/**
 * PyTorch's gelu_backward(g, x) = g * gelu'(x). Differentiated again
 * (GeluBackwardBackward0): d/dg = gelu_backward(gg, x), d/dx = gg * g * gelu''(x) with
 * gelu''(x) = pdf(x) (2 - x²) exactly, and for the tanh form, with t = tanh(u),
 * u = β(x + κx³), u' = β(1 + 3κx²): (1 - t²)(u' - x t u'² + 3βκx²).
 */
const GeluBackward: Primitive<GeluAttrs> = {
  gradFn: 'GeluBackwardBackward0',
  forward: ([g, x], { approximate }) => {
    const derivative = derivativeKernel(approximate, x.dtype);
    return zip(g, x, resultDtype([g, x]), (gv, v) => gv * derivative(v));
  },
  backward: (gg, { inputs: [g, x], attrs }) => [
    g.requiresGrad ? geluBackward(gg, x, attrs) : null,
    x.requiresGrad ? mul(mul(gg, g), secondDerivative(x, attrs.approximate)) : null,
  ],
};

function secondDerivative(x: Tensor, approximate: Approximate): Tensor {
  const square = mul(x, x);
  if (approximate === 'none') {
    const pdf = mul(exp(mul(square, -0.5)), PDF_BETA);
    return mul(pdf, sub(2, square));
  }
  const t = tanh(mul(add(x, mul(pow(x, 3), KAPPA)), TANH_BETA));
  const slope = mul(add(mul(square, 3 * KAPPA), 1), TANH_BETA);
  const sech2 = sub(1, mul(t, t));
  const bracket = add(sub(slope, mul(mul(x, t), mul(slope, slope))), mul(square, 3 * TANH_BETA * KAPPA));
  return mul(sech2, bracket);
}

function geluBackward(g: Tensor, x: Tensor, attrs: GeluAttrs): Tensor {
  return apply(GeluBackward, [g, x], attrs);
}

// d gelu(x)/dx = Φ(x) + x φ(x) (approximate='none'); the tanh form's derivative for 'tanh'
const Gelu: Primitive<GeluAttrs> = {
  gradFn: 'GeluBackward0',
  forward: ([x], { approximate }) => {
    const round = rounder(x.dtype);
    if (approximate === 'none') {
      const alpha = round(SQRT1_2);
      // x * 0.5 * (1 + erf(x / √2))
      return map(x, (v) => round(v * 0.5) * round(1 + round(erf(round(v * alpha)))));
    }
    const [beta, kappa] = [round(TANH_BETA), round(KAPPA)];
    const fma = fusedMultiplyAdd(x.dtype);
    // 0.5 * x * (1 + tanh(√(2/π) (x + 0.044715 x³))), the inner multiply-add fused
    return map(x, (v) => {
      const cube = round(round(v * v) * v);
      const inner = round(beta * fma(kappa, cube, v));
      return round(0.5 * v) * round(1 + round(Math.tanh(inner)));
    });
  },
  backward: (g, { inputs: [x], attrs }) => [geluBackward(g, x, attrs)],
};

export function gelu(x: Tensor, approximate: string = 'none'): Tensor {
  if (approximate !== 'none' && approximate !== 'tanh') {
    throw new ProblemError('invalid-argument', `approximate argument must be either none or tanh.`);
  }
  return apply(Gelu, [x], { approximate });
}

export default defineOp({
  name: 'gelu',
  summary: "Elementwise x * Φ(x) (Φ the standard normal CDF), or its tanh approximation with approximate='tanh'.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'approximate', kind: 'string', default: 'none', keywordOnly: true },
  ],
  gradFns: ['GeluBackward0'],
  method: false,
  function: true,
  modules: ['torch.nn.functional'],
  examples: [{ args: [{ tensor: [2, 4] }] }, { args: [{ tensor: [6] }], kwargs: { approximate: 'tanh' } }],
  call: ({ input, approximate }): Value => gelu(input as Tensor, approximate as string),
});
