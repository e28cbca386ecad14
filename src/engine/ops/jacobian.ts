import { ProblemError } from '../../errors.js';
import { grad as autogradGrad } from '../autograd.js';
import { allocate } from '../dtype.js';
import { apply, defineOp, type Primitive, type Value } from '../op.js';
import { numelOf, Tensor, zerosTensor } from '../tensor.js';
import { view } from './view.js';

interface RowAttrs {
  /** Row (index along dim 0). */
  index: number;
  /** Shape of the stacked tensor. */
  shape: readonly number[];
}

/** Row `index` of `x` along dim 0 (x[index]); its gradient is placed back into zeros. */
const Select: Primitive<RowAttrs> = {
  gradFn: 'SelectBackward0',
  forward: ([x], { index }) => {
    const rowShape = x.shape.slice(1);
    const size = numelOf(rowShape);
    return new Tensor(x.data.slice(index * size, (index + 1) * size), rowShape);
  },
  backward: (g, { attrs }) => [embedRow(g, attrs.index, attrs.shape)],
};

/** `g` as row `index` of zeros shaped `shape` (the backward of select, itself differentiable). */
const EmbedRow: Primitive<RowAttrs> = {
  gradFn: 'SelectBackwardBackward0',
  forward: ([g], { index, shape }) => {
    const out = zerosTensor(shape, g.dtype);
    out.data.set(g.data, index * g.numel);
    return out;
  },
  backward: (gg, { attrs }) => [selectRow(gg, attrs.index)],
};

/** torch.stack(rows, dim=0). */
const Stack: Primitive<{ shape: readonly number[] }> = {
  gradFn: 'StackBackward0',
  forward: (rows, { shape }) => {
    const data = allocate(rows[0].dtype, numelOf(shape));
    rows.forEach((row, i) => data.set(row.data, i * row.numel));
    return new Tensor(data, shape.slice());
  },
  backward: (g, { inputs }) => inputs.map((_, i) => selectRow(g, i)),
};

function selectRow(x: Tensor, index: number): Tensor {
  return apply(Select, [x], { index, shape: x.shape });
}

function embedRow(g: Tensor, index: number, shape: readonly number[]): Tensor {
  return apply(EmbedRow, [g], { index, shape });
}

function stackRows(rows: readonly Tensor[], rowShape: readonly number[]): Tensor {
  return apply(Stack, rows, { shape: [rows.length, ...rowShape] });
}

/** One backward pass per output element: these bound the work of one jacobian (or hessian). */
export const MAX_JACOBIAN_ROWS = 4096;
export const MAX_JACOBIAN_ELEMENTS = 1_000_000;

/**
 * torch.autograd.functional.jacobian of `outputs` (computed from `inputs`) at
 * the current value of `inputs`: shape outputs.shape + inputs.shape, one
 * vector-Jacobian product per output element. Rows the outputs do not depend
 * on are zeros, as torch gives with strict=False. With create_graph the result
 * is differentiable again (that is how hessian is built).
 */
export function jacobian(outputs: Tensor, inputs: Tensor, createGraph = true): Tensor {
  if (outputs.numel > MAX_JACOBIAN_ROWS || outputs.numel * inputs.numel > MAX_JACOBIAN_ELEMENTS) {
    throw new ProblemError(
      'limit-exceeded',
      `a Jacobian of ${outputs.numel} x ${inputs.numel} elements is larger than this service computes (at most ${MAX_JACOBIAN_ROWS} output elements and ${MAX_JACOBIAN_ELEMENTS} entries)`,
      { limit: { name: 'jacobianElements', value: MAX_JACOBIAN_ELEMENTS } },
    );
  }
  const rows: Tensor[] = [];
  for (let i = 0; i < outputs.numel; i++) {
    let row: Tensor | null = null;
    if (outputs.requiresGrad && inputs.requiresGrad) {
      const direction = zerosTensor(outputs.shape, outputs.dtype);
      direction.data[i] = 1;
      // Every row runs backward through the same graph: it is kept for the next one, as torch's jacobian does.
      [row] = autogradGrad([outputs], [inputs], { gradOutputs: [direction], createGraph, retainGraph: true, allowUnused: true });
    }
    rows.push(row ?? zerosTensor(inputs.shape, inputs.dtype));
  }
  const shape = [...outputs.shape, ...inputs.shape];
  if (rows.length === 0) return zerosTensor(shape, inputs.dtype);
  return view(stackRows(rows, inputs.shape), shape);
}

export default defineOp({
  name: 'jacobian',
  summary:
    'The Jacobian of outputs (computed from inputs) with respect to inputs, shaped outputs.shape + inputs.shape, as torch.autograd.functional.jacobian computes it; differentiable again with create_graph=True (the default).',
  params: [
    { name: 'outputs', kind: 'tensor' },
    { name: 'inputs', kind: 'tensor' },
    { name: 'create_graph', kind: 'bool', default: true },
  ],
  gradFns: ['ViewBackward0'],
  method: false,
  function: true,
  differentiates: true,
  call: ({ outputs, inputs, create_graph }): Value => jacobian(outputs as Tensor, inputs as Tensor, create_graph as boolean),
});
