import type { Limits } from '../../schemas/limits.js';
import type { CompleteAnswer, EvaluateAnswer, EvaluateRequest } from '../../schemas/program.js';
import type { TensorAnswer } from '../../schemas/tensor.js';
import { backward, type BackwardObserver, retainGrad } from '../engine/autograd.js';
import { formatTensor } from '../engine/repr.js';
import { Tensor } from '../engine/tensor.js';
import { traceGraph } from '../engine/trace.js';
import type { Value } from '../engine/op.js';
import { ProblemError } from '../errors.js';
import { customFunctionOps } from './functions.js';
import type { LoweredProgram } from './graph.js';
import { buildInput, fromNested, inputElements } from './inputs.js';
import { compileExpression, lowerGraph } from './lower.js';
import { execute, isTensor, type OpResolver, resolveName } from './execute.js';
import { toNested } from './wire.js';
import { describeEntry } from './encode.js';
import { parserLimits } from './parser_limits.js';
import { DiagnosticsCollector } from '../grading/diagnostics.js';

/** Runs one evaluate request: inputs, program, backward, and the answer PyTorch would give. */
export function evaluateProgram(request: EvaluateRequest, limits: Limits): EvaluateAnswer {
  const inputs = buildInputs(request.inputs, limits);
  const inputNames = new Set(inputs.keys());
  const functions = customFunctionOps(request.functions ?? {}, limits);
  const options = { inputs: inputNames, customFunctions: new Set(functions.keys()), limits: parserLimits(limits) };
  const program: LoweredProgram =
    request.expr !== undefined ? compileExpression(request.expr, options) : lowerGraph(request.graph ?? [], options);
  const resolveOp: OpResolver = (name) => functions.get(name);
  const env = execute(program, inputs, resolveOp);
  const named = namedTensors(program, env, inputs);
  const result = named.get(program.result);
  if (!isTensor(result)) {
    throw new ProblemError('invalid-argument', `the result '${program.result}' is a Python number, not a tensor`);
  }
  const diagnostics = request.diagnostics ? new DiagnosticsCollector(named) : null;
  runBackward(request.backward, named, result, diagnostics?.observer);
  const describe = { fields: request.fields, encoding: request.encoding };
  return {
    result: program.result,
    tensors: Object.fromEntries(answeredTensors(named, request.outputs).map(([name, t]) => [name, describeEntry(t, describe)])),
    trace: result.gradFn ? traceGraph(result.gradFn) : null,
    ...(diagnostics ? { diagnostics: diagnostics.report(program, env, inputs) } : {}),
  };
}

/** evaluateProgram for in-process callers that read the answer: every tensor, every field, nested JSON values. */
export function evaluateComplete(request: EvaluateRequest, limits: Limits): CompleteAnswer {
  // Without outputs/fields and with JSON encoding every entry has every field, as CompleteAnswer says.
  return evaluateProgram({ ...request, outputs: undefined, fields: undefined, encoding: undefined }, limits) as CompleteAnswer;
}

/** The tensors an answer reports: every named tensor, or those `outputs` names, in that order. */
function answeredTensors(named: ReadonlyMap<string, Value>, outputs: readonly string[] | undefined): [string, Tensor][] {
  if (outputs === undefined) return [...named].flatMap(([name, t]) => (isTensor(t) ? [[name, t] as [string, Tensor]] : []));
  return outputs.map((name) => [name, lookupTensor(named, name, 'outputs')]);
}

export function buildInputs(specs: EvaluateRequest['inputs'], limits: Limits): Map<string, Tensor> {
  const entries = Object.entries(specs);
  // Count everything first: nothing is allocated for a request over the limit.
  const total = entries.reduce((n, [, spec]) => n + inputElements(spec), 0);
  if (total > limits.maxTotalElements) {
    throw new ProblemError('limit-exceeded', `the inputs have ${total} elements in all, more than ${limits.maxTotalElements}`, {
      limit: { name: 'maxTotalElements', value: limits.maxTotalElements },
    });
  }
  return new Map(entries.map(([name, spec]) => [name, buildInput(name, spec)]));
}

/** Inputs first, then every statement's name (its last binding), in order. */
export function namedTensors(program: LoweredProgram, env: ReadonlyMap<string, Value>, inputs: ReadonlyMap<string, Tensor>): Map<string, Value> {
  const named = new Map<string, Value>(inputs);
  for (const [name, ref] of program.named) named.set(name, resolveName(ref, env));
  return named;
}

function runBackward(options: EvaluateRequest['backward'], named: ReadonlyMap<string, Value>, result: Tensor, observer?: BackwardObserver): void {
  if (options === false) return;
  const spec = options === true ? { of: undefined, gradient: null, retain_grad: [] as string[], create_graph: false } : options;
  const root = spec.of === undefined ? result : lookupTensor(named, spec.of, 'backward.of');
  for (const name of spec.retain_grad) retainGrad(lookupTensor(named, name, 'backward.retain_grad'));
  const gradient = spec.gradient === null ? null : fromNested(spec.gradient, root.dtype);
  backward(root, { gradient, createGraph: spec.create_graph ?? false, observer });
}

function lookupTensor(named: ReadonlyMap<string, Value>, name: string, field: string): Tensor {
  const value = named.get(name);
  if (value === undefined) throw new ProblemError('unknown-name', `${field} names '${name}', which is not an input or a statement`);
  if (!isTensor(value)) throw new ProblemError('invalid-argument', `${field} names '${name}', which is a Python number, not a tensor`);
  return value;
}

export function describeTensor(t: Tensor): TensorAnswer {
  const gradFn = t.gradFn?.name ?? null;
  return {
    data: toNested(t),
    shape: [...t.shape],
    dtype: t.dtype,
    requires_grad: t.requiresGrad,
    is_leaf: t.isLeaf,
    grad_fn: gradFn,
    grad: t.grad ? toNested(t.grad) : null,
    repr: formatTensor(t, { gradFn, requiresGrad: t.requiresGrad }),
  };
}
