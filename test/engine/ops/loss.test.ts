import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { Int64Array } from '../../../src/engine/dtype.js';
import { bindArguments, type Value } from '../../../src/engine/op.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { traceGraph } from '../../../src/engine/trace.js';
import { canonicalTrace } from '../../support/conformance.js';
import { checkFirstOrder, checkSecondOrder, examplesOf, withFusion } from '../../support/gradcheck.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

const LOSSES = [
  'mse_loss', 'l1_loss', 'smooth_l1_loss', 'huber_loss', 'binary_cross_entropy', 'binary_cross_entropy_with_logits',
  'cross_entropy', 'nll_loss', 'kl_div', 'cosine_similarity', 'pairwise_distance',
];
const ops = LOSSES.map((name) => OPS_BY_NAME.get(name)!);

const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}): Value => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op.call(bindArguments(op, args, kwargs));
};
const f32 = (values: number[], requiresGrad = false) => new Tensor(Float32Array.from(values), [values.length], { requiresGrad });
const matrix = (rows: number[][], requiresGrad = false) => new Tensor(Float32Array.from(rows.flat()), [rows.length, rows[0].length], { requiresGrad });
const classes = (values: number[]) => new Tensor(Int64Array.from(values), [values.length]);
const valuesOf = (v: Value | null) => Array.from((v as Tensor).data);
/** The node names of a result's graph in depth-first order. */
const nodes = (t: Tensor) => (canonicalTrace(traceGraph(t.gradFn!)) as { name: string }[]).map((n) => n.name);

describe('losses against torch 1.13 (ops.json)', () => {
  const cases = casesOf('loss');
  it('covers the group', () => expect(cases.length).toBe(22));
  it.each(cases.map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
    expect(withFusion(1, () => checkGoldenCase(c))).toEqual([]);
  });
});

describe('losses: the nodes torch composes them of', () => {
  const z = () => matrix([[0.5, -1, 2, 0.25], [1.5, 0.25, -0.75, 1], [0, 1, -1, 2]], true);
  it('cross_entropy with label smoothing: AddBackward0 of MulBackward1 terms, IndexPut/MaskedSelect on the smooth part', () => {
    const loss = call('cross_entropy', [z(), classes([2, 0, -100])], { label_smoothing: 0.1 }) as Tensor;
    expect(nodes(loss)).toEqual([
      'AddBackward0', 'MulBackward1', 'NllLossBackward0', 'LogSoftmaxBackward0', 'AccumulateGrad',
      'MulBackward1', 'MeanBackward0', 'MaskedSelectBackward0', 'IndexPutBackward0', 'NegBackward0', 'SumBackward1',
    ]);
  });
  it('cross_entropy with probabilities and weight: DivBackward1 over NegBackward0, SumBackward0, MulBackward0 twice', () => {
    const loss = call('cross_entropy', [z(), matrix([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]])], { weight: f32([1, 2, 3, 4]) }) as Tensor;
    expect(nodes(loss)).toEqual(['DivBackward1', 'NegBackward0', 'SumBackward0', 'MulBackward0', 'MulBackward0', 'LogSoftmaxBackward0', 'AccumulateGrad']);
  });
  it('kl_div with log_target and batchmean; pairwise_distance: NormBackward1 over AddBackward1', () => {
    const lq = z();
    expect(nodes(call('kl_div', [lq, matrix([[0, 1, 0, 1], [1, 0, 1, 0], [0, 0, 0, 0]])], { reduction: 'batchmean', log_target: true }) as Tensor)).toEqual([
      'DivBackward0', 'SumBackward0', 'MulBackward0', 'SubBackward0', 'AccumulateGrad',
    ]);
    expect(nodes(call('pairwise_distance', [f32([1, 2], true), f32([0, 0])]) as Tensor)).toEqual(['NormBackward1', 'AddBackward1', 'SubBackward0', 'AccumulateGrad']);
  });
});

describe('losses: values and gradients as torch gives them', () => {
  it('nll_loss: ignore_index rows count nothing, the mean divides by the kept weight', () => {
    const lp = matrix([[-1, -2, -3], [-0.5, -1.5, -2.5], [-3, -2, -1]], true);
    const loss = call('nll_loss', [lp, classes([0, -100, 2])], { weight: f32([1, 2, 3]) }) as Tensor;
    expect(loss.item()).toBe(1);
    backward(loss);
    expect(valuesOf(lp.grad)).toEqual([-0.25, 0, 0, 0, 0, 0, 0, 0, -0.75]);
  });
  it('binary_cross_entropy floors the logs at -100; the gradient of x(1 - x) at least 1e-12', () => {
    expect(valuesOf(call('binary_cross_entropy', [f32([0, 1]), f32([1, 0])], { reduction: 'none' }))).toEqual([100, 100]);
  });
  it('smooth_l1_loss with beta=0 is l1_loss; huber_loss with delta = beta is beta * smooth_l1_loss', () => {
    const [x, t] = [f32([0.5, -2, 3]), f32([0, 0, 0])];
    expect((call('smooth_l1_loss', [x, t], { beta: 0 }) as Tensor).item()).toBe((call('l1_loss', [x, t]) as Tensor).item());
    const huber = (call('huber_loss', [x, t], { delta: 0.5 }) as Tensor).item();
    const smooth = (call('smooth_l1_loss', [x, t], { beta: 0.5 }) as Tensor).item();
    expect(huber).toBeCloseTo(0.5 * smooth, 6);
  });
  it('cosine_similarity raises tiny norms to eps', () => {
    expect(valuesOf(call('cosine_similarity', [matrix([[0, 0], [1, 0]]), matrix([[1, 0], [2, 0]])]))).toEqual([0, 1]);
  });
});

describe('losses: misuse gives torch messages', () => {
  const z = matrix([[0.5, -1, 2, 0.25], [1.5, 0.25, -0.75, 1], [0, 1, -1, 2]]);
  const p = matrix([[0.1, 0.2, 0.3, 0.4], [0.25, 0.25, 0.25, 0.25], [1, 0, 0, 0]]);
  it.each([
    ['mse_loss', [z, p], { reduction: 'avg' }, 'avg is not a valid value for reduction'],
    ['binary_cross_entropy', [z, p], {}, 'all elements of input should be between 0 and 1'],
    ['binary_cross_entropy', [p, f32([1, 0, 0, 1])], {}, 'Using a target size (torch.Size([4])) that is different to the input size (torch.Size([3, 4])) is deprecated. Please ensure they have the same size.'],
    ['binary_cross_entropy_with_logits', [z, f32([1, 0, 0, 1])], {}, 'Target size (torch.Size([4])) must be the same as input size (torch.Size([3, 4]))'],
    ['nll_loss', [z, classes([0, 5, 1])], {}, 'Target 5 is out of bounds.'],
    ['nll_loss', [z, classes([0, 1])], {}, 'Expected input batch_size (3) to match target batch_size (2).'],
    ['nll_loss', [z, f32([0, 1, 1])], {}, 'expected scalar type Long but found Float'],
    ['cross_entropy', [z, p], { ignore_index: 1n }, 'ignore_index is not supported for floating point target'],
    ['cross_entropy', [z, classes([0, 1, 2])], { label_smoothing: 1.5 }, 'label_smoothing must be between 0.0 and 1.0. Got: 1.5'],
    ['cross_entropy', [z, classes([0, 1, 2])], { weight: f32([1, 2, 3]) }, 'weight tensor should be defined either for all 4 classes or no classes but got weight tensor of shape: [3]'],
    ['kl_div', [z, p], { reduction: 'foo' }, 'foo is not a valid value for reduction'],
    ['huber_loss', [z, p], { delta: -1 }, 'huber_loss does not support non-positive values for delta.'],
    ['smooth_l1_loss', [z, p], { beta: -1 }, 'smooth_l1_loss does not support negative values for beta.'],
    ['cosine_similarity', [z, matrix([[1, 2, 3], [4, 5, 6], [7, 8, 9]])], {}, 'The size of tensor a (4) must match the size of tensor b (3) at non-singleton dimension 1'],
  ] as [string, Value[], Record<string, Value>, string][])('%s %#', (name, args, kwargs, message) => {
    expect(() => call(name, args, kwargs)).toThrow(message);
  });
});

describe('losses: gradients against finite differences', () => {
  const examples = examplesOf(ops);
  it.each(examples)('first order $label', ({ op, example, label }) => checkFirstOrder(op, example, label));
  it.each(examples)('second order $label', ({ op, example, label }) => checkSecondOrder(op, example, label));
  it.each(examples)('second order, fused, $label', ({ op, example, label }) => withFusion(1, () => checkSecondOrder(op, example, label)));
});
