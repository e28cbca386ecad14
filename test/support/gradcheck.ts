/**
 * First and second derivatives of an op's gradient examples against finite
 * differences (float64), for the per-group op tests. The same method as
 * test/engine/gradients.test.ts: L = sum(op(inputs) * weights); the second
 * order differentiates s = Σ_k sum(dL/dx_k * v_k), whose gradient is the
 * Hessian of L times v, against finite differences of the first gradients.
 */
import { backward, withGradMode } from '../../src/engine/autograd.js';
import { Int64Array } from '../../src/engine/dtype.js';
import { setFusionMinElements, fusionMinElements } from '../../src/engine/kernels/fusion.js';
import { bindArguments, type ExampleTensor, type GradExample, type OpDef, type Value } from '../../src/engine/op.js';
import { add } from '../../src/engine/ops/add.js';
import { mul } from '../../src/engine/ops/mul.js';
import { sum } from '../../src/engine/ops/sum.js';
import { Tensor, zerosTensor } from '../../src/engine/tensor.js';
import { expectAllClose, numericGradient, randomTensor, seededRandom, seedOf, weightedSum, type Tolerance } from './finite_differences.js';

const FIRST_ORDER: Tolerance = { rtol: 1e-4, atol: 1e-6 };
const SECOND_ORDER: Tolerance = { rtol: 1e-4, atol: 1e-5 };
const KINK_MARGIN = 0.1;

function isExampleTensor(arg: GradExample['args'][number]): arg is ExampleTensor {
  return typeof arg === 'object' && arg !== null && !Array.isArray(arg);
}

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
  const args = example.args.map((arg): Value => {
    if (!isExampleTensor(arg)) return arg as Value;
    if (arg.dtype !== undefined) return constantTensor(arg, random);
    const range = arg.range ? { low: arg.range[0], high: arg.range[1] } : arg.domain === 'positive' ? { low: 0.5, high: 2 } : { low: -2, high: 2 };
    const tensor = randomTensor(random, arg.tensor, { ...range, avoid, margin: KINK_MARGIN }, true);
    inputs.push(tensor);
    return tensor;
  });
  return { bound: bindArguments(op, args, (example.kwargs ?? {}) as Record<string, Value>), inputs, random };
}

/** An argument that is not differentiated: the given int64 values, or a bool mask (given or random). */
function constantTensor(arg: ExampleTensor, random: () => number): Tensor {
  const n = arg.tensor.reduce((a, b) => a * b, 1);
  if (arg.dtype === 'int64') return new Tensor(Int64Array.from(arg.values ?? []), arg.tensor.slice());
  return new Tensor(arg.values ? Uint8Array.from(arg.values) : Uint8Array.from({ length: n }, () => (random() < 0.5 ? 1 : 0)), arg.tensor.slice());
}

function run(op: OpDef, bound: Record<string, Value>): Tensor {
  const output = op.call(bound);
  if (!(output instanceof Tensor)) throw new Error(`${op.name} returned ${String(output)}, not a tensor`);
  return output;
}

function gradients(op: OpDef, { bound, inputs }: Materialized, weights: Tensor, createGraph: boolean): Tensor[] {
  for (const t of inputs) t.grad = null;
  backward(sum(mul(run(op, bound), weights)), { createGraph });
  const grads = inputs.map((t) => t.grad ?? zerosTensor(t.shape, t.dtype));
  for (const t of inputs) t.grad = null;
  return grads;
}

/** Every example of the ops, labelled for it.each. */
export function examplesOf(ops: readonly OpDef[]): { label: string; op: OpDef; example: GradExample }[] {
  return ops.flatMap((op) => (op.examples ?? []).map((example, i) => ({ label: `${op.name} #${i} ${JSON.stringify(example)}`, op, example })));
}

/** The engine's first derivatives against central differences. */
export function checkFirstOrder(op: OpDef, example: GradExample, label: string): void {
  const c = materialize(op, example, label);
  const weights = randomTensor(c.random, run(op, c.bound).shape, { low: -1, high: 1 });
  const analytic = gradients(op, c, weights, false);
  const loss = () => withGradMode(false, () => weightedSum(run(op, c.bound).data, weights.data));
  c.inputs.forEach((input, k) => expectAllClose(analytic[k].data, numericGradient(loss, input), FIRST_ORDER, `${label}: input ${k}`));
}

/** The engine's second derivatives (create_graph) against central differences of its first ones. */
export function checkSecondOrder(op: OpDef, example: GradExample, label: string): void {
  const c = materialize(op, example, `${label} second order`);
  const weights = randomTensor(c.random, run(op, c.bound).shape, { low: -1, high: 1 });
  const directions = c.inputs.map((t) => randomTensor(c.random, t.shape, { low: -1, high: 1 }));
  const firsts = gradients(op, c, weights, true);
  const differentiable = firsts.map((g, k) => (g.requiresGrad ? sum(mul(g, directions[k])) : null)).filter((s): s is Tensor => s !== null);
  for (const t of c.inputs) t.grad = null;
  if (differentiable.length > 0) backward(differentiable.reduce((a, b) => add(a, b)));
  const analytic = c.inputs.map((t) => t.grad ?? zerosTensor(t.shape, t.dtype));
  for (const t of c.inputs) t.grad = null;
  const directional = () => gradients(op, c, weights, false).reduce((total, g, k) => total + weightedSum(g.data, directions[k].data), 0);
  c.inputs.forEach((input, k) => expectAllClose(analytic[k].data, numericGradient(directional, input), SECOND_ORDER, `${label}: input ${k}`));
}

/** Runs fn with every elementwise result fused (1) or none (Infinity), restoring the setting after. */
export function withFusion<T>(minElements: number, fn: () => T): T {
  const previous = fusionMinElements();
  setFusionMinElements(minElements);
  try {
    return fn();
  } finally {
    setFusionMinElements(previous);
  }
}
