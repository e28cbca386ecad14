import type { Limits } from '../../schemas/limits.js';
import type { EvaluateRequest } from '../../schemas/program.js';
import type { OpDef } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import type { OpObserver } from '../python/operators.js';
import { customFunctionOps } from './functions.js';
import { prepareGraph } from './graph.js';
import { buildInputs } from './inputs.js';
import { type InterpretedRun, prepareExpression, type PreparedProgram, runProgram } from './interpret.js';

/** A request's inputs built, its custom functions made and its program prepared: ready to run once (evaluate) or many times (gradcheck). */
export interface PreparedRequest {
  inputs: Map<string, Tensor>;
  functions: ReadonlyMap<string, OpDef>;
  program: PreparedProgram;
}

export function prepareRequest(request: Pick<EvaluateRequest, 'inputs' | 'expr' | 'graph' | 'functions'>, limits: Limits): PreparedRequest {
  const inputs = buildInputs(request.inputs, limits);
  const functions = customFunctionOps(request.functions ?? {}, limits);
  const program =
    request.expr !== undefined
      ? prepareExpression(request.expr, limits)
      : prepareGraph(request.graph ?? [], { inputs, customFunctions: functions }, limits);
  return { inputs, functions, program };
}

/** Runs the request's program on `inputs` (by default its own). */
export function runRequest(request: PreparedRequest, inputs: ReadonlyMap<string, Tensor> = request.inputs, observer?: OpObserver): InterpretedRun {
  return runProgram(request.program, inputs, request.functions, observer);
}
