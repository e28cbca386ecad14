import { bindArguments, NamedTuple, type OpDef, type Value } from '../engine/op.js';
import { OPS_BY_NAME } from '../engine/ops/index.js';
import { Tensor } from '../engine/tensor.js';
import { ProblemError } from '../errors.js';
import type { GraphArg, LoweredProgram } from './graph.js';

/** Finds request-local ops (custom functions) before the op table. */
export type OpResolver = (name: string) => OpDef | undefined;

export function isTensor(v: Value | undefined): v is Tensor {
  return v instanceof Tensor;
}

/** The value a graph argument denotes: a name is looked up, anything else is itself. */
export function resolveName(arg: GraphArg, env: ReadonlyMap<string, Value>): Value {
  if (typeof arg !== 'string') return arg;
  const value = env.get(arg);
  if (value === undefined) throw new ProblemError('unknown-name', `name '${arg}' is not defined`);
  return value;
}

/** Evaluates every node in order; returns the environment of inputs and node values. */
export function execute(program: LoweredProgram, inputs: ReadonlyMap<string, Value>, resolveOp: OpResolver): Map<string, Value> {
  const env = new Map<string, Value>(inputs);
  for (const node of program.nodes) {
    const op = resolveOp(node.op) ?? OPS_BY_NAME.get(node.op);
    if (!op) throw new ProblemError('unknown-function', `name '${node.op}' is not defined`, nodeContext(node.id));
    const args = node.args.map((a) => resolveName(a, env));
    const kwargs: Record<string, Value> = Object.create(null);
    for (const [key, value] of Object.entries(node.kwargs)) kwargs[key] = resolveName(value, env);
    try {
      const value = op.call(bindArguments(op, args, kwargs));
      // The expression language reads a named tuple (x.max(dim=1)) as its values, as before tuples existed.
      env.set(node.id, value instanceof NamedTuple ? value.values[0] : value);
    } catch (error) {
      if (error instanceof ProblemError && error.extras.node === undefined && !node.id.startsWith('%')) {
        throw new ProblemError(error.code, error.message, { ...error.extras, ...nodeContext(node.id) });
      }
      throw error;
    }
  }
  return env;
}

function nodeContext(id: string): { node?: string } {
  return id.startsWith('%') ? {} : { node: id };
}

/** Runs a program and returns the value of its result. */
export function runForResult(program: LoweredProgram, inputs: ReadonlyMap<string, Value>, resolveOp: OpResolver): Value {
  const env = execute(program, inputs, resolveOp);
  const ref = program.named.find(([name]) => name === program.result)?.[1] ?? program.result;
  return resolveName(ref, env);
}
