import { ProblemError } from '../../errors.js';
import { rounder } from '../dtype.js';
import { padData, paddedShape, unpadData } from '../kernels/pad.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import type { Tensor } from '../tensor.js';

interface ConstantPadAttrs {
  pad: readonly number[];
  value: number;
}

// constant padding only places x's elements: the gradient is g cropped back (padding by the negated amounts)
const ConstantPadNd: Primitive<ConstantPadAttrs> = {
  gradFn: 'ConstantPadNdBackward0',
  saves: 'nothing',
  forward: ([x], { pad, value }) => padData(x, pad, 'constant', rounder(x.dtype)(value)),
  backward: (g, { attrs: { pad } }) => [constantPad(g, pad.map((p) => -p), 0)],
};

interface ModePadAttrs {
  pad: readonly number[];
  mode: 'reflect' | 'replicate';
  /** The input's shape (the adjoint's output shape). */
  shape: readonly number[];
}

/** ReflectionPad2DBackward0 and the like: the node of a reflect/replicate padding of `pad.length / 2` dims. */
function modeNodeName(mode: 'reflect' | 'replicate', pad: readonly number[]): string {
  return `${mode === 'reflect' ? 'Reflection' : 'Replication'}Pad${pad.length / 2}D`;
}

// reflect/replicate read some elements several times: the gradient adds g into each element read (the adjoint)
const ModePad: Primitive<ModePadAttrs> = {
  gradFn: 'ReflectionPad1DBackward0',
  saves: 'nothing',
  forward: ([x], { pad, mode }) => padData(x, pad, mode, 0),
  backward: (g, { attrs }) => [apply({ ...PadAdjoint, gradFn: `${modeNodeName(attrs.mode, attrs.pad)}BackwardBackward0` }, [g], attrs)],
};

// the adjoint is linear in g: its gradient is the padding of the incoming gradient
const PadAdjoint: Primitive<ModePadAttrs> = {
  gradFn: 'ReflectionPad1DBackwardBackward0',
  saves: 'nothing',
  forward: ([g], { pad, mode, shape }) => unpadData(g, shape, pad, mode, g.dtype),
  backward: (gg, { attrs }) => [modePad(gg, attrs.pad, attrs.mode)],
};

/** torch.constant_pad_nd: pads (crops, for negative amounts) the last dims with `value`. */
export function constantPad(x: Tensor, pad: readonly number[], value: number): Tensor {
  const shape = paddedShape(x.shape, pad);
  shape.forEach((size, d) => {
    if (size < 0) {
      const k = x.ndim - 1 - d;
      throw new ProblemError(
        'shape-error',
        `The input size ${x.shape[d]}, plus negative padding ${pad[2 * k]} and ${pad[2 * k + 1]} resulted in a negative output size, which is invalid. Check dimension ${d} of your input.`,
      );
    }
  });
  return apply(ConstantPadNd, [x], { pad: pad.slice(), value });
}

function modePad(x: Tensor, pad: readonly number[], mode: 'reflect' | 'replicate'): Tensor {
  return apply({ ...ModePad, gradFn: `${modeNodeName(mode, pad)}Backward0` }, [x], { pad: pad.slice(), mode, shape: x.shape.slice() });
}

/** The checks torch's reflection/replication kernels make, in their words. */
function checkModePad(x: Tensor, pad: readonly number[], mode: 'reflect' | 'replicate'): void {
  const dims = pad.length / 2;
  if (x.ndim !== dims + 1 && x.ndim !== dims + 2) {
    throw new ProblemError('invalid-argument', 'Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now', { pythonType: 'NotImplementedError' });
  }
  for (let k = 0; k < dims; k++) {
    const d = x.ndim - 1 - k;
    if (x.shape[d] === 0) {
      throw new ProblemError('shape-error', `${x.ndim}D or ${x.ndim + 1}D (batch mode) tensor expected for input, but got: [${x.shape.join(', ')}]`);
    }
    if (mode === 'reflect' && (pad[2 * k] >= x.shape[d] || pad[2 * k + 1] >= x.shape[d])) {
      const where = dims === 1 ? `[${x.shape.join(', ')}]` : String(x.ndim);
      throw new ProblemError(
        'shape-error',
        `Argument #${4 + 2 * k}: Padding size should be less than the corresponding input dimension, but got: padding (${pad[2 * k]}, ${pad[2 * k + 1]}) at dimension ${d} of input ${where}`,
      );
    }
  }
}

/** torch.nn.functional.pad(input, pad, mode='constant', value=None). */
export function pad(x: Tensor, amounts: readonly number[], mode = 'constant', value: number | null = null): Tensor {
  if (amounts.length % 2 !== 0) throw new ProblemError('invalid-argument', 'Padding length must be divisible by 2');
  if (amounts.length / 2 > x.ndim) throw new ProblemError('invalid-argument', 'Padding length too large');
  if (mode === 'constant') return constantPad(x, amounts, value ?? 0);
  if (mode !== 'reflect' && mode !== 'replicate') {
    const known = mode === 'circular' ? 'circular padding is not supported by this service' : `Unrecognised padding mode ${mode}`;
    throw new ProblemError('invalid-argument', known, { pythonType: 'NotImplementedError' });
  }
  if (value !== null) throw new ProblemError('invalid-argument', `Padding mode "${mode}" doesn't take in value argument`, { pythonType: 'ValueError' });
  checkModePad(x, amounts, mode);
  return modePad(x, amounts, mode);
}

export default defineOp({
  name: 'pad',
  summary: "Pads the last dims by (before, after) amounts: mode 'constant' (value, default 0; negative amounts crop), 'reflect' or 'replicate'.",
  params: [
    { name: 'input', kind: 'tensor' },
    { name: 'pad', kind: 'ints' },
    { name: 'mode', kind: 'string', default: 'constant' },
    { name: 'value', kind: 'number?', default: null },
  ],
  gradFns: ['ConstantPadNdBackward0', 'ReflectionPad1DBackward0', 'ReflectionPad2DBackward0', 'ReflectionPad3DBackward0', 'ReplicationPad1DBackward0', 'ReplicationPad2DBackward0', 'ReplicationPad3DBackward0'],
  method: false,
  function: false,
  modules: ['torch.nn.functional'],
  examples: [
    { args: [{ tensor: [2, 3] }, [1, 2]] },
    { args: [{ tensor: [2, 3] }, [-1, 1, 1, 0]], kwargs: { value: 0.5 } },
    { args: [{ tensor: [2, 4] }, [2, 1], 'reflect'] },
    { args: [{ tensor: [1, 3, 3] }, [1, 2, 2, 1], 'replicate'] },
    { args: [{ tensor: [1, 3, 4] }, [1, 1, 2, 1], 'reflect'] },
  ],
  call: ({ input, pad: amounts, mode, value }): Value => pad(input as Tensor, amounts as number[], mode as string, value as number | null),
});
