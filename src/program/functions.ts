import type { Limits } from '../../schemas/limits.js';
import type { EvaluateRequest } from '../../schemas/program.js';
import { withGradMode } from '../engine/autograd.js';
import { apply, defineOp, type OpDef, type Primitive, type Value } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { ProblemError } from '../errors.js';
import { typeName } from '../python/objects.js';
import type { PyValue } from '../python/values.js';
import { prepareExpression, type PreparedProgram, runProgram } from './interpret.js';
import { isTensor } from './values.js';

type FunctionSpecs = NonNullable<EvaluateRequest['functions']>;

/**
 * Custom autograd functions as request-local ops. Like torch.autograd.Function:
 * forward runs without recording, the output's node is `<Name>Backward`, and
 * backward runs the given expressions exactly as written, bugs included. Each
 * body is parsed once per request and run by the interpreter at every call; no
 * custom function is in scope inside a body, which rules out recursion.
 */
export function customFunctionOps(specs: FunctionSpecs, limits: Limits): Map<string, OpDef> {
  const ops = new Map<string, OpDef>();
  for (const [name, spec] of Object.entries(specs)) ops.set(name, customFunctionOp(name, spec, limits));
  return ops;
}

function customFunctionOp(name: string, spec: FunctionSpecs[string], limits: Limits): OpDef {
  const forward = prepareExpression(spec.forward, limits);
  const backward = spec.backward.map((source) => prepareExpression(source, limits));
  const backwardNames = [...spec.params, 'grad_output'];

  const primitive: Primitive = {
    gradFn: `${name}Backward`,
    forward: (inputs) =>
      withGradMode(false, () => {
        const out = runBody(forward, spec.params, inputs, `${name}.forward`);
        // A forward that returns an input unchanged must not turn that input into a non-leaf.
        return inputs.includes(out) ? out.detach() : out;
      }),
    backward: (gradOutput, { inputs }) =>
      backward.map((program, i) => runBody(program, backwardNames, [...inputs, gradOutput], `${name}.backward[${i}]`)),
  };

  return defineOp({
    name,
    summary: `Custom autograd function ${name}(${spec.params.join(', ')}).`,
    params: spec.params.map((p) => ({ name: p, kind: 'tensor' as const })),
    gradFns: [primitive.gradFn],
    method: false,
    function: true,
    call: (args) => apply(primitive, spec.params.map((p) => args[p] as Tensor), undefined),
  });
}

/**
 * One run of a body on its arguments, for its result. An error of the body is its problem, located
 * in the body's own source (`position`) and naming the body (`node`: `SQ.forward`, `SQ.backward[0]`).
 */
function runBody(program: PreparedProgram, names: readonly string[], values: readonly Tensor[], where: string): Tensor {
  let value: Value | undefined;
  try {
    const run = runProgram(program, new Map(names.map((n, i) => [n, values[i]])));
    value = run.named.get(run.result);
  } catch (error) {
    if (error instanceof ProblemError) throw new ProblemError(error.code, error.message, { ...error.extras, node: where });
    throw error;
  }
  if (!isTensor(value)) throw new ProblemError('invalid-argument', `${where} must produce a Tensor, got ${describe(value)}`);
  return value;
}

/** What a body produced instead of a tensor, in Python's words. */
function describe(value: Value | undefined): string {
  if (typeof value === 'number' || typeof value === 'bigint' || typeof value === 'boolean') return 'a Python number';
  return value === undefined || value === null ? 'None' : `a ${typeName(value as PyValue)}`;
}
