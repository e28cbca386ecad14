import type { Limits } from '../../schemas/limits.js';
import type { EvaluateRequest } from '../../schemas/program.js';
import { withGradMode } from '../engine/autograd.js';
import { apply, defineOp, type OpDef, type Primitive, type Value } from '../engine/op.js';
import type { Tensor } from '../engine/tensor.js';
import { ProblemError } from '../errors.js';
import { isTensor, runForResult } from './execute.js';
import { compileExpression } from './lower.js';

type FunctionSpecs = NonNullable<EvaluateRequest['functions']>;

/** No custom functions inside custom functions: that rules out recursion. */
const noCustomFunctions = () => undefined;

/**
 * Custom autograd functions as request-local ops. Like torch.autograd.Function:
 * forward runs without recording, the output's node is `<Name>Backward`, and
 * backward runs the given expressions exactly as written, bugs included.
 */
export function customFunctionOps(specs: FunctionSpecs, limits: Limits): Map<string, OpDef> {
  const ops = new Map<string, OpDef>();
  for (const [name, spec] of Object.entries(specs)) ops.set(name, customFunctionOp(name, spec, limits));
  return ops;
}

function customFunctionOp(name: string, spec: FunctionSpecs[string], limits: Limits): OpDef {
  const compile = (source: string, names: string[]) =>
    compileExpression(source, { inputs: new Set(names), customFunctions: new Set(), limits });
  const forwardProgram = compile(spec.forward, spec.params);
  const backwardPrograms = spec.backward.map((source) => compile(source, [...spec.params, 'grad_output']));
  const bind = (names: string[], values: readonly Value[]) => new Map(names.map((n, i) => [n, values[i]]));

  const primitive: Primitive = {
    gradFn: `${name}Backward`,
    forward: (inputs) =>
      withGradMode(false, () => {
        const out = expectTensor(runForResult(forwardProgram, bind(spec.params, inputs), noCustomFunctions), `${name}.forward`);
        // A forward that returns an input unchanged must not turn that input into a non-leaf.
        return inputs.includes(out) ? out.detach() : out;
      }),
    backward: (gradOutput, { inputs }) =>
      backwardPrograms.map((program, i) =>
        expectTensor(runForResult(program, bind([...spec.params, 'grad_output'], [...inputs, gradOutput]), noCustomFunctions), `${name}.backward[${i}]`),
      ),
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

function expectTensor(value: Value, where: string): Tensor {
  if (!isTensor(value)) throw new ProblemError('invalid-argument', `${where} must produce a Tensor, got a Python number`);
  return value;
}
