import type { Limits } from '../../schemas/limits.js';
import { MAX_PLOT_POINTS, type PlotRequest } from '../../schemas/plot.js';
import type { CompleteAnswer, EvaluateRequest } from '../../schemas/program.js';
import type { NestedNumbers, TensorAnswer, TensorInput } from '../../schemas/tensor.js';
import { ProblemError } from '../errors.js';
import { inputElements } from '../program/inputs.js';
import { evaluateComplete } from '../program/run.js';

/** A function sampled along one input, with its derivative there. */
export interface PlotSeries {
  axis: string;
  /** The statement plotted as the function. */
  of: string;
  /** Its grad_fn name (null for an input plotted against itself). */
  gradFn: string | null;
  x: (number | null)[];
  y: (number | null)[];
  dydx: (number | null)[];
}

/**
 * Runs the program twice through the evaluator: once to see every statement's
 * shape and pick the function, once with backward from that function. The
 * backward seeds a gradient of ones, which is what `Y.sum().backward()` does
 * (SumBackward0 expands the 1 to ones), so the axis's .grad holds dY/dx at
 * every point for elementwise programs — the course's sum trick.
 */
export function samplePlot(request: PlotRequest, limits: Limits): PlotSeries {
  const axis = request.axis ?? Object.keys(request.inputs)[0];
  const axisSpec = request.inputs[axis];
  const points = inputElements(axisSpec);
  if (points > MAX_PLOT_POINTS) {
    throw new ProblemError('limit-exceeded', `the axis '${axis}' has ${points} points, more than ${MAX_PLOT_POINTS}`, {
      limit: { name: 'maxPlotPoints', value: MAX_PLOT_POINTS },
    });
  }
  const program: EvaluateRequest = {
    inputs: { ...request.inputs, [axis]: withGrad(axisSpec) },
    expr: request.expr,
    graph: request.graph,
    functions: request.functions,
    backward: false,
  };

  const forward = evaluateComplete(program, limits);
  const axisTensor = forward.tensors[axis];
  if (axisTensor.shape.length !== 1) {
    throw new ProblemError('shape-error', `the axis '${axis}' must be a 1-D tensor to plot along, but its shape is [${axisTensor.shape.join(', ')}]`);
  }
  const of = request.of ?? pickFunction(forward, axis, axisTensor.shape);
  // An own entry only: `of` may be `toString` or another name every plain object answers.
  const fn = Object.hasOwn(forward.tensors, of) ? forward.tensors[of] : undefined;
  if (fn === undefined) throw new ProblemError('unknown-name', `of names '${of}', which is not an input or a statement`, { node: of });
  if (!sameShape(fn.shape, axisTensor.shape)) {
    throw new ProblemError(
      'shape-error',
      `'${of}' has shape [${fn.shape.join(', ')}] but the axis '${axis}' has shape [${axisTensor.shape.join(', ')}]; plot a statement computed elementwise from '${axis}'`,
      { node: of },
    );
  }

  const n = axisTensor.shape[0];
  const backward = evaluateComplete({ ...program, backward: { of, gradient: new Array<number>(n).fill(1), retain_grad: [] } }, limits);
  const grad = backward.tensors[axis].grad;
  if (grad === null) {
    throw new ProblemError('autograd-error', `'${of}' does not depend on '${axis}': after backward, ${axis}.grad is None`, { node: of });
  }
  return {
    axis,
    of,
    gradFn: backward.tensors[of].grad_fn,
    x: plain(axisTensor.data),
    y: plain(backward.tensors[of].data),
    dydx: plain(grad),
  };
}

/** The axis must require grad for its derivative to exist; the plot asks for it whatever the input said. */
function withGrad(spec: TensorInput): TensorInput {
  if (typeof spec === 'object' && spec !== null && !Array.isArray(spec)) return { ...spec, requires_grad: true };
  return spec;
}

/** The result when it has the axis shape, else the last statement that has it. */
function pickFunction(answer: CompleteAnswer, axis: string, shape: readonly number[]): string {
  if (sameShape(answer.tensors[answer.result].shape, shape)) return answer.result;
  const candidates = Object.entries(answer.tensors).filter(([name, t]) => name !== axis && t.grad_fn !== null && sameShape(t.shape, shape));
  const last = candidates.at(-1);
  if (last === undefined) {
    throw new ProblemError(
      'shape-error',
      `no statement has the shape of the axis '${axis}' ([${shape.join(', ')}]); plot needs a function computed elementwise from '${axis}'`,
    );
  }
  return last[0];
}

function sameShape(a: readonly number[], b: readonly number[]): boolean {
  return a.length === b.length && a.every((d, i) => d === b[i]);
}

/** Non-finite values ("NaN", "Infinity") become gaps in the line. */
function plain(data: TensorAnswer['data'] | NestedNumbers): (number | null)[] {
  const values = Array.isArray(data) ? data : [data];
  return values.map((v) => (typeof v === 'number' && Number.isFinite(v) ? v : null));
}
