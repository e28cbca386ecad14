import type { Limits } from '../../schemas/limits.js';
import type { EvaluateRequest } from '../../schemas/program.js';
import type { Value } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { execute, type OpResolver, resolveName } from './execute.js';
import { customFunctionOps } from './functions.js';
import type { LoweredProgram } from './graph.js';
import { buildInputs } from './inputs.js';
import { lowerGraph } from './lower.js';
import { compileExpressionCached } from './program_cache.js';

/** A request's inputs built and its program compiled: ready to run once (evaluate) or many times (gradcheck). */
export interface CompiledProgram {
  inputs: Map<string, Tensor>;
  program: LoweredProgram;
  resolveOp: OpResolver;
}

export function compileRequest(request: Pick<EvaluateRequest, 'inputs' | 'expr' | 'graph' | 'functions'>, limits: Limits): CompiledProgram {
  const inputs = buildInputs(request.inputs, limits);
  const functions = customFunctionOps(request.functions ?? {}, limits);
  const options = { inputs: new Set(inputs.keys()), customFunctions: new Set(functions.keys()), limits };
  const program = request.expr !== undefined ? compileExpressionCached(request.expr, options) : lowerGraph(request.graph ?? [], options);
  return { inputs, program, resolveOp: (name) => functions.get(name) };
}

export interface ProgramRun {
  /** Every input and node value by id. */
  env: Map<string, Value>;
  /** Every input and named statement by name, inputs first. */
  named: Map<string, Value>;
}

/** Runs the program on `inputs` (by default the request's own). */
export function runCompiled(compiled: CompiledProgram, inputs: ReadonlyMap<string, Tensor> = compiled.inputs): ProgramRun {
  const env = execute(compiled.program, inputs, compiled.resolveOp);
  return { env, named: namedTensors(compiled.program, env, inputs) };
}

/** Inputs first, then every statement's name (its last binding), in order. */
export function namedTensors(program: LoweredProgram, env: ReadonlyMap<string, Value>, inputs: ReadonlyMap<string, Tensor>): Map<string, Value> {
  const named = new Map<string, Value>(inputs);
  for (const [name, ref] of program.named) named.set(name, resolveName(ref, env));
  return named;
}
