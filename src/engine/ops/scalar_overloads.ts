import { apply, type Primitive } from '../op.js';
import { type DType, floatingOf, isFloating } from '../dtype.js';
import { map, scalarIn } from '../kernels/elementwise.js';
import type { Tensor } from '../tensor.js';
import { div } from './div.js';
import { mul } from './mul.js';

/**
 * ATen's Scalar overloads, which PyTorch's C++ composites call with a plain
 * number (Python code wraps numbers into tensors instead and reaches the
 * Tensor overloads): one input edge, the number an attribute, and their own
 * node names (AddBackward1, MulBackward1, DivBackward1). Not ops of the table:
 * the composite losses use them to produce the nodes torch produces.
 */
interface ScalarAttrs {
  value: number;
}

/** The dtype `x op number` computes in: x's, or float32 when an integer tensor meets a float. */
function withNumber(x: Tensor, value: number): DType {
  return isFloating(x.dtype) || !Number.isInteger(value) ? floatingOf(x.dtype) : x.dtype;
}

// d(x + c)/dx = 1
const AddScalar: Primitive<ScalarAttrs> = {
  gradFn: 'AddBackward1',
  saves: 'nothing',
  forward: ([x], { value }) => {
    const dtype = withNumber(x, value);
    const c = scalarIn(dtype, value);
    return map(x, (v) => v + c, dtype);
  },
  backward: (g) => [g],
};

// d(x * c)/dx = c
const MulScalar: Primitive<ScalarAttrs> = {
  gradFn: 'MulBackward1',
  saves: 'nothing',
  forward: ([x], { value }) => {
    const dtype = withNumber(x, value);
    const c = scalarIn(dtype, value);
    return map(x, (v) => v * c, dtype);
  },
  backward: (g, { attrs: { value } }) => [mul(g, value)],
};

// d(x / c)/dx = 1 / c, as PyTorch: g / c
const DivScalar: Primitive<ScalarAttrs> = {
  gradFn: 'DivBackward1',
  saves: 'nothing',
  forward: ([x], { value }) => {
    const dtype = floatingOf(x.dtype);
    const c = scalarIn(dtype, value);
    return map(x, (v) => v / c, dtype);
  },
  backward: (g, { attrs: { value } }) => [div(g, value)],
};

/** at::add(x, number) (AddBackward1). */
export function addScalar(x: Tensor, value: number): Tensor {
  return apply(AddScalar, [x], { value });
}

/** at::mul(x, number) (MulBackward1). */
export function mulScalar(x: Tensor, value: number): Tensor {
  return apply(MulScalar, [x], { value });
}

/** at::div(x, number) (DivBackward1). */
export function divScalar(x: Tensor, value: number): Tensor {
  return apply(DivScalar, [x], { value });
}
