import type { GradcheckAnswer, GradcheckRequest } from '../../schemas/gradcheck.js';
import type { Limits } from '../../schemas/limits.js';
import { grad, withGradMode } from '../engine/autograd.js';
import { castTo, type Tensor, zerosTensor } from '../engine/tensor.js';
import { ProblemError } from '../errors.js';
import { toWireNumber } from '../program/wire.js';
import { formatIndex, unravel } from './indices.js';
import { withAllocationLimits } from '../engine/dtype.js';
import { prepareRequest, runRequest, type PreparedRequest } from '../program/request.js';
import { isTensor } from '../program/values.js';

/** Program runs one gradcheck may cost: one backward pass per output element, two forward runs per input element. */
export const MAX_GRADCHECK_RUNS = 4096;
/** Jacobians with at most this many entries are returned in full. */
const MAX_REPORTED_ENTRIES = 100;

type InputResult = GradcheckAnswer['inputs'][number];

/** A Jacobian in torch's gradcheck layout: one row per input element, one column per output element. */
type Jacobian = Float64Array[];

/**
 * torch.autograd.gradcheck: the analytical Jacobian through the program's own
 * backward rules (one vector-Jacobian product per output element) against
 * central differences, everything in float64.
 */
export function gradcheck(request: GradcheckRequest, limits: Limits): GradcheckAnswer {
  return withAllocationLimits(limits, () => gradcheckWithinLimits(request, limits));
}

function gradcheckWithinLimits(request: GradcheckRequest, limits: Limits): GradcheckAnswer {
  const { eps, atol, rtol } = request;
  // Parsed (or built) once, run on the request's inputs and then once per perturbed input element.
  const prepared = prepareRequest(request.program, limits);
  for (const [name, t] of prepared.inputs) prepared.inputs.set(name, asFloat64(t));
  const names = request.inputs ?? [...prepared.inputs].filter(([, t]) => t.requiresGrad).map(([name]) => name);
  const checked = names.map((name) => checkedInput(prepared, name));
  const outputName = request.output ?? prepared.program.shape.result;

  const output = outputOf(prepared, outputName);
  const runs = output.numel + 2 * checked.reduce((n, t) => n + t.numel, 0);
  if (runs > MAX_GRADCHECK_RUNS) {
    throw new ProblemError(
      'limit-exceeded',
      `gradcheck would run the program ${runs} times (one backward per output element, two forwards per input element), more than ${MAX_GRADCHECK_RUNS}`,
      { limit: { name: 'gradcheckRuns', value: MAX_GRADCHECK_RUNS } },
    );
  }
  const analytical = analyticalJacobians(output, checked);
  const numerical = checked.map((input) => numericalJacobian(input, output.numel, eps, () => outputOf(prepared, outputName)));
  const results = checked.map((input, j) =>
    compareJacobians(names[j], input.shape, output.shape, outputName, analytical[j], numerical[j], { atol, rtol }),
  );
  const failed = results.filter((r) => !r.pass).map((r) => `'${r.name}'`);
  return {
    pass: failed.length === 0,
    output: outputName,
    dtype: 'float64',
    eps,
    atol,
    rtol,
    inputs: results,
    message:
      failed.length === 0
        ? `gradcheck passed: the analytical and numerical Jacobians agree for every checked input`
        : `gradcheck failed for input ${failed.join(', ')}: the analytical and numerical Jacobians differ`,
  };
}

/** The same leaf in float64 (torch's gradcheck requires double precision). */
function asFloat64(t: Tensor): Tensor {
  if (t.dtype === 'float64') return t;
  const cast = castTo(t, 'float64');
  cast.requiresGrad = t.requiresGrad;
  cast.name = t.name;
  return cast;
}

function checkedInput(prepared: PreparedRequest, name: string): Tensor {
  const input = prepared.inputs.get(name);
  if (!input) throw new ProblemError('unknown-name', `inputs names '${name}', which is not an input of the program`);
  if (!input.requiresGrad) throw new ProblemError('invalid-argument', `input '${name}' does not require grad, so it has no gradient to check`);
  return input;
}

function outputOf(prepared: PreparedRequest, name: string): Tensor {
  const value = runRequest(prepared).named.get(name);
  if (value === undefined) throw new ProblemError('unknown-name', `output names '${name}', which is not an input or a statement`);
  if (!isTensor(value)) throw new ProblemError('invalid-argument', `output '${name}' is a Python number, not a tensor`);
  return value;
}

function analyticalJacobians(output: Tensor, inputs: readonly Tensor[]): Jacobian[] {
  const jacobians = inputs.map((t) => Array.from({ length: t.numel }, () => new Float64Array(output.numel)));
  if (!output.requiresGrad) return jacobians;
  for (let i = 0; i < output.numel; i++) {
    const direction = zerosTensor(output.shape, output.dtype);
    direction.data[i] = 1;
    // One backward per output element through the same graph: it must be kept (retain_graph=True, as torch's gradcheck).
    const grads = grad([output], inputs, { gradOutputs: [direction], allowUnused: true, retainGraph: true });
    grads.forEach((g, j) => {
      if (g) for (let k = 0; k < g.numel; k++) jacobians[j][k][i] = g.data[k];
    });
  }
  return jacobians;
}

function numericalJacobian(input: Tensor, outputs: number, eps: number, run: () => Tensor): Jacobian {
  const jacobian: Jacobian = [];
  withGradMode(false, () => {
    for (let k = 0; k < input.numel; k++) {
      // written in place without bumping the version counter (saved tensors of the graph must not
      // see it); the storage generation is bumped so its cached printed and answer values are not
      const original = input.data[k];
      input.data[k] = original + eps;
      input.storage.generation++;
      const plus = run().data;
      input.data[k] = original - eps;
      input.storage.generation++;
      const minus = run().data;
      input.data[k] = original;
      input.storage.generation++;
      const row = new Float64Array(outputs);
      for (let i = 0; i < outputs; i++) row[i] = (plus[i] - minus[i]) / (2 * eps);
      jacobian.push(row);
    }
  });
  return jacobian;
}

function compareJacobians(
  name: string,
  inputShape: readonly number[],
  outputShape: readonly number[],
  outputName: string,
  analytical: Jacobian,
  numerical: Jacobian,
  { atol, rtol }: { atol: number; rtol: number },
): InputResult {
  let pass = true;
  let maxAbs = 0;
  let maxRel = 0;
  let worst: { k: number; i: number; score: number } | null = null;
  analytical.forEach((row, k) =>
    row.forEach((a, i) => {
      const n = numerical[k][i];
      const diff = Math.abs(a - n);
      const allowed = atol + rtol * Math.abs(n);
      // allclose: NaN never matches
      const ok = diff <= allowed;
      if (!ok) pass = false;
      maxAbs = Math.max(maxAbs, Number.isNaN(diff) ? Infinity : diff);
      const rel = n !== 0 ? diff / Math.abs(n) : diff === 0 ? 0 : Infinity;
      maxRel = Math.max(maxRel, Number.isNaN(rel) ? Infinity : rel);
      const score = Number.isNaN(diff) ? Infinity : diff - allowed;
      if (worst === null || score > worst.score) worst = { k, i, score };
    }),
  );
  const found = worst as { k: number; i: number } | null;
  const worstEntry = found && {
    input_index: unravel(found.k, inputShape),
    output_index: unravel(found.i, outputShape),
    analytical: toWireNumber(analytical[found.k][found.i]),
    numerical: toWireNumber(numerical[found.k][found.i]),
  };
  const where = worstEntry
    ? `; worst at input element ${formatIndex(worstEntry.input_index)}, output element ${formatIndex(worstEntry.output_index)}: analytical ${worstEntry.analytical}, numerical ${worstEntry.numerical}`
    : '';
  const small = analytical.length * (analytical[0]?.length ?? 0) <= MAX_REPORTED_ENTRIES;
  return {
    name,
    pass,
    max_abs_error: toWireNumber(maxAbs),
    max_rel_error: toWireNumber(maxRel),
    worst: worstEntry,
    ...(small ? { analytical: analytical.map((r) => Array.from(r, toWireNumber)), numerical: numerical.map((r) => Array.from(r, toWireNumber)) } : {}),
    message: pass
      ? `the analytical and numerical Jacobians agree for input '${name}' (max abs error ${maxAbs.toPrecision(3)})`
      : `Jacobian mismatch for output '${outputName}' with respect to input '${name}': the analytical and numerical Jacobians differ${where}`,
  };
}
