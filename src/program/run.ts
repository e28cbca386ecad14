import type { Limits } from '../../schemas/limits.js';
import type { CompleteAnswer, EvaluateAnswer, EvaluateRequest } from '../../schemas/program.js';
import { backward, type BackwardObserver, retainGrad, withGradMode } from '../engine/autograd.js';
import type { Tensor } from '../engine/tensor.js';
import { traceGraph } from '../engine/trace.js';
import type { Value } from '../engine/op.js';
import { ProblemError } from '../errors.js';
import { fromNested } from './inputs.js';
import { prepareRequest, runRequest } from './request.js';
import { isTensor } from './values.js';
import { describeEntry, valuesDescribed } from './encode.js';
import { materializeTogether } from '../engine/kernels/fusion.js';
import { withAllocationLimits } from '../engine/dtype.js';
import { DiagnosticsCollector } from './diagnostics.js';
import { refuseLargeEvaluateAnswer } from '../evaluation/answer.js';

/** Runs one evaluate request: inputs, program, backward, and the answer PyTorch would give. */
export function evaluateProgram(request: EvaluateRequest, limits: Limits): EvaluateAnswer {
  return withAllocationLimits(limits, () => withGradMode(true, () => evaluateWithinLimits(request, limits)));
}

/** Either form runs through the interpreter: the expression parsed, the graph built as its AST, inputs pre-bound. */
function evaluateWithinLimits(request: EvaluateRequest, limits: Limits): EvaluateAnswer {
  const prepared = prepareRequest(request, limits);
  const diagnostics = request.diagnostics ? new DiagnosticsCollector() : null;
  const { named, result: resultName } = runRequest(prepared, prepared.inputs, diagnostics?.ops);
  const result = named.get(resultName);
  if (!isTensor(result)) {
    throw new ProblemError('invalid-argument', `the result '${resultName}' is ${describeValue(result)}`);
  }
  diagnostics?.nameNodes(named);
  runBackward(request.backward, named, result, diagnostics?.observer);
  const describe = { fields: request.fields, encoding: request.encoding };
  const answered = answeredTensors(named, request.outputs);
  // maxAnswerBytes: refused before any value is computed or written out.
  refuseLargeEvaluateAnswer(answered, describe, limits);
  // Every value the answer reads, computed together: pending elementwise chains share loops.
  materializeTogether(answered.flatMap(([, t]) => valuesDescribed(t, describe)));
  return {
    result: resultName,
    tensors: Object.fromEntries(answered.map(([name, t]) => [name, describeEntry(t, describe)])),
    trace: result.gradFn ? traceGraph(result.gradFn) : null,
    ...(diagnostics ? { diagnostics: diagnostics.report(named, prepared.inputs) } : {}),
  };
}

/** A value that is not a tensor, as an answer names it. */
function describeValue(value: Value | undefined): string {
  if (value === undefined) return 'not bound';
  return typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean' ? 'a Python number, not a tensor' : 'not a tensor';
}

/** evaluateProgram for in-process callers that read the answer: every tensor, every field, nested JSON values. */
export function evaluateComplete(request: EvaluateRequest, limits: Limits): CompleteAnswer {
  // Without outputs/fields and with JSON encoding every entry has every field, as CompleteAnswer says.
  return evaluateProgram({ ...request, outputs: undefined, fields: undefined, encoding: undefined }, limits) as CompleteAnswer;
}

/** The tensors an answer reports: every named tensor, or those `outputs` names, in that order. */
function answeredTensors(named: ReadonlyMap<string, Value>, outputs: readonly string[] | undefined): [string, Tensor][] {
  if (outputs === undefined) {
    const all: [string, Tensor][] = [];
    for (const [name, t] of named) if (isTensor(t)) all.push([name, t]);
    return all;
  }
  return outputs.map((name) => [name, lookupTensor(named, name, 'outputs')]);
}

function runBackward(options: EvaluateRequest['backward'], named: ReadonlyMap<string, Value>, result: Tensor, observer?: BackwardObserver): void {
  if (options === false) return;
  const spec = options === true ? { of: undefined, gradient: null, retain_grad: [] as string[], create_graph: false } : options;
  const root = spec.of === undefined ? result : lookupTensor(named, spec.of, 'backward.of');
  for (const name of spec.retain_grad) retainGrad(lookupTensor(named, name, 'backward.retain_grad'));
  const gradient = spec.gradient === null ? null : fromNested(spec.gradient, root.dtype);
  try {
    backward(root, { gradient, createGraph: spec.create_graph ?? false, observer });
  } catch (error) {
    if (error instanceof ProblemError && error.message === NON_SCALAR_BACKWARD) {
      throw new ProblemError(error.code, `${error.message} ${nonScalarBackwardHint(named, root)}`, error.extras);
    }
    throw error;
  }
}

/** PyTorch's message for backward() on a tensor of more than one element without a gradient. */
const NON_SCALAR_BACKWARD = 'grad can be implicitly created only for scalar outputs';

/** The three ways out of a non-scalar backward, in the request's own terms. */
function nonScalarBackwardHint(named: ReadonlyMap<string, Value>, root: Tensor): string {
  const name = [...named].find(([, value]) => value === root)?.[0] ?? 'the result';
  return (
    `(${name} has shape [${root.shape.join(', ')}] and backward() needs a single value: end the program with \`${name}.sum()\` ` +
    `(the sum trick: the derivative at every point lands in .grad), send "backward": false to skip the backward pass, ` +
    `or send "backward": {"gradient": [...]} with one value per element of ${name})`
  );
}

function lookupTensor(named: ReadonlyMap<string, Value>, name: string, field: string): Tensor {
  const value = named.get(name);
  if (value === undefined) throw new ProblemError('unknown-name', `${field} names '${name}', which is not an input or a statement`);
  if (!isTensor(value)) throw new ProblemError('invalid-argument', `${field} names '${name}', which is a Python number, not a tensor`);
  return value;
}
