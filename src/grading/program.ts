import type { Limits } from '../../schemas/limits.js';
import type { EvaluateRequest } from '../../schemas/program.js';
import type { Value } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { execute, type OpResolver } from '../program/execute.js';
import { customFunctionOps } from '../program/functions.js';
import type { LoweredProgram } from '../program/graph.js';
import { compileExpression, lowerGraph } from '../program/lower.js';
import { parserLimits } from '../program/parser_limits.js';
import { buildInputs, namedTensors } from '../program/run.js';

/** A program compiled once and run many times on different input values (gradcheck). */
export interface CompiledProgram {
  inputs: Map<string, Tensor>;
  program: LoweredProgram;
  resolveOp: OpResolver;
}

export function compileRequest(request: Pick<EvaluateRequest, 'inputs' | 'expr' | 'graph' | 'functions'>, limits: Limits): CompiledProgram {
  const inputs = buildInputs(request.inputs, limits);
  const functions = customFunctionOps(request.functions ?? {}, limits);
  const options = { inputs: new Set(inputs.keys()), customFunctions: new Set(functions.keys()), limits: parserLimits(limits) };
  const program = request.expr !== undefined ? compileExpression(request.expr, options) : lowerGraph(request.graph ?? [], options);
  return { inputs, program, resolveOp: (name) => functions.get(name) };
}

/** Runs the program on `inputs`; every input and named statement by name. */
export function runCompiled(compiled: CompiledProgram, inputs: ReadonlyMap<string, Tensor>): Map<string, Value> {
  const env = execute(compiled.program, inputs, compiled.resolveOp);
  return namedTensors(compiled.program, env, inputs);
}
