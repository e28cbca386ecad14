import { describe, expect, it } from 'vitest';
import { backward, withGradMode } from '../../src/engine/autograd.js';
import { bindArguments, type ExampleTensor, type GradExample, NamedTuple, type OpDef, type Value } from '../../src/engine/op.js';
import { cat } from '../../src/engine/ops/cat.js';
import { reshape } from '../../src/engine/ops/reshape.js';
import { add } from '../../src/engine/ops/add.js';
import { OPS, OPS_BY_NAME } from '../../src/engine/ops/index.js';
import { mul } from '../../src/engine/ops/mul.js';
import { sum } from '../../src/engine/ops/sum.js';
import { Tensor, zerosTensor } from '../../src/engine/tensor.js';
import {
  expectAllClose,
  numericGradient,
  randomTensor,
  seededRandom,
  seedOf,
  weightedSum,
  type Tolerance,
} from '../support/finite_differences.js';
import { exampleConstant } from '../support/example_tensors.js';

const FIRST_ORDER: Tolerance = { rtol: 1e-4, atol: 1e-6 };
const SECOND_ORDER: Tolerance = { rtol: 1e-4, atol: 1e-5 };
/** How far random data keeps from 0 and from every number argument (kinks, clamp bounds). */
const KINK_MARGIN = 0.1;

function isExampleTensor(arg: GradExample['args'][number]): arg is ExampleTensor {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg);
}

/** An example with its tensor arguments drawn as float64 leaves that require grad. */
interface Materialized {
  bound: Record<string, Value>;
  inputs: Tensor[];
  random: () => number;
}

function materialize(op: OpDef, example: GradExample, label: string): Materialized {
  const random = seededRandom(seedOf(label));
  const numbers = [...example.args, ...Object.values(example.kwargs ?? {})].filter((v): v is number => typeof v === 'number');
  const avoid = [0, ...numbers];
  const inputs: Tensor[] = [];
  const draw = (arg: ExampleTensor): Tensor => {
    const constant = exampleConstant(arg, random);
    if (constant !== null) return constant;
    const range = arg.range ? { low: arg.range[0], high: arg.range[1] } : arg.domain === 'positive' ? { low: 0.5, high: 2 } : { low: -2, high: 2 };
    const tensor = randomTensor(random, arg.tensor, { ...range, avoid, margin: KINK_MARGIN }, true);
    inputs.push(tensor);
    return tensor;
  };
  const args = example.args.map((arg): Value => {
    if (Array.isArray(arg) && arg.length > 0 && arg.every((item) => isExampleTensor(item))) return (arg as ExampleTensor[]).map(draw);
    if (!isExampleTensor(arg as GradExample['args'][number])) return arg as Value;
    return draw(arg as ExampleTensor);
  });
  return { bound: bindArguments(op, args, example.kwargs ?? {}), inputs, random };
}

/** The op's result as one tensor: a named tuple's values, a tuple's tensors flattened and joined. */
function run(op: OpDef, bound: Record<string, Value>): Tensor {
  const output = op.call(bound);
  if (output instanceof NamedTuple) return output.values[0] as Tensor;
  if (Array.isArray(output)) return cat((output as Tensor[]).map((t) => reshape(t, [-1])));
  if (!(output instanceof Tensor)) throw new Error(`${op.name} returned ${String(output)}, not a tensor`);
  return output;
}

function clearGrads(inputs: readonly Tensor[]): void {
  for (const t of inputs) t.grad = null;
}

/** The gradient each input received, zeros where none arrived. */
function gradsOf(inputs: readonly Tensor[]): Tensor[] {
  return inputs.map((t) => t.grad ?? zerosTensor(t.shape, t.dtype));
}

/** d sum(op(inputs) * weights) / d inputs (of op(inputs)² when `squared`), by the engine's backward pass. */
function firstGradients(op: OpDef, { bound, inputs }: Materialized, weights: Tensor, createGraph: boolean, squared = false): Tensor[] {
  clearGrads(inputs);
  const output = run(op, bound);
  backward(sum(mul(squared ? mul(output, output) : output, weights)), { createGraph });
  const grads = gradsOf(inputs);
  clearGrads(inputs);
  return grads;
}

const cases = OPS.flatMap((op) =>
  (op.examples ?? []).map((example, index) => ({ label: `${op.name} #${index} ${JSON.stringify(example)}`, op, example })),
);

describe('gradients against finite differences', () => {
  it('every op has at least one gradient example', () => {
    expect(OPS.filter((op) => !op.differentiates && !op.mutates && op.noGradient === undefined && (op.examples ?? []).length === 0).map((op) => op.name)).toEqual([]);
  });

  it.each(cases)('$label', ({ label, op, example }) => {
    const case_ = materialize(op, example, label);
    const weights = randomTensor(case_.random, run(op, case_.bound).shape, { low: -1, high: 1 });
    const analytic = firstGradients(op, case_, weights, false);
    const loss = () => withGradMode(false, () => weightedSum(run(op, case_.bound).data, weights.data));
    case_.inputs.forEach((input, k) => {
      expectAllClose(analytic[k].data, numericGradient(loss, input), FIRST_ORDER, `${label}: input ${k}`);
    });
  });
});

/** Ops whose backward rules are differentiated again (create_graph) and checked the same way. */
const SECOND_ORDER_CASES: readonly { op: string; example: GradExample; squared?: boolean }[] = [
  { op: 'mul', example: { args: [{ tensor: [2, 3] }, { tensor: [3] }] } },
  { op: 'div', example: { args: [{ tensor: [2, 3] }, { tensor: [3] }] } },
  { op: 'div', example: { args: [2, { tensor: [3] }] } },
  { op: 'pow', example: { args: [{ tensor: [4] }, 3] } },
  { op: 'pow', example: { args: [{ tensor: [4], domain: 'positive' }, 2.5] } },
  { op: 'pow', example: { args: [{ tensor: [3], domain: 'positive' }, { tensor: [3] }] } },
  { op: 'pow', example: { args: [1.5, { tensor: [3] }] } },
  { op: 'exp', example: { args: [{ tensor: [4] }] } },
  { op: 'log', example: { args: [{ tensor: [4], domain: 'positive' }] } },
  { op: 'sqrt', example: { args: [{ tensor: [4], domain: 'positive' }] } },
  { op: 'reciprocal', example: { args: [{ tensor: [4] }] } },
  { op: 'sin', example: { args: [{ tensor: [4] }] } },
  { op: 'cos', example: { args: [{ tensor: [4] }] } },
  { op: 'tan', example: { args: [{ tensor: [4] }] } },
  { op: 'tanh', example: { args: [{ tensor: [4] }] } },
  { op: 'sigmoid', example: { args: [{ tensor: [4] }] } },
  // Ops linear in their input have no second derivative of their own: L = sum(op(x)² · w)
  // checks that their backward rules record a graph that differentiates again.
  ...[
    'where', 'masked_fill', 'masked_select', 'sort', 'topk', 'median', 'max', 'select', 'narrow', 'permute', 'movedim', 'flatten', 'unflatten',
    'view_as', 'expand_as', 'repeat', 'tile', 'cat', 'stack', 'hstack', 'vstack', 'split', 'chunk', 'unbind', 'flip', 'roll', 'tril', 'triu',
    'diag', 'diagonal', 'trace', 'gather', 'index_select', 'take_along_dim', 'scatter', 'repeat_interleave', 'reshape', 'contiguous',
  ].flatMap((op) => (OPS_BY_NAME.get(op)?.examples ?? []).map((example) => ({ op, example, squared: true }))),
];

describe('second derivatives against finite differences of the first', () => {
  it.each(SECOND_ORDER_CASES.map((c) => ({ ...c, label: `${c.op}${c.squared ? ' squared' : ''} ${JSON.stringify(c.example)}` })))('$label', ({ op: name, example, label, squared }) => {
    const op = OPS_BY_NAME.get(name);
    if (!op) throw new Error(`no op ${name}`);
    const case_ = materialize(op, example, label);
    const weights = randomTensor(case_.random, run(op, case_.bound).shape, { low: -1, high: 1 });
    const directions = case_.inputs.map((t) => randomTensor(case_.random, t.shape, { low: -1, high: 1 }));

    // s = Σ_k sum(dL/dx_k * v_k); ds/dx is the Hessian of L times v.
    const firsts = firstGradients(op, case_, weights, true, squared);
    const s = firsts.map((g, k) => sum(mul(g, directions[k]))).reduce((a, b) => add(a, b));
    backward(s);
    const analytic = gradsOf(case_.inputs);
    clearGrads(case_.inputs);

    const directional = () =>
      firstGradients(op, case_, weights, false, squared).reduce((total, g, k) => total + weightedSum(g.data, directions[k].data), 0);
    case_.inputs.forEach((input, k) => {
      expectAllClose(analytic[k].data, numericGradient(directional, input), SECOND_ORDER, `${label}: input ${k}`);
    });
  });
});
