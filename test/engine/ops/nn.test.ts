import { describe, expect, it } from 'vitest';
import { backward, withGradMode } from '../../../src/engine/autograd.js';
import { bindArguments, type Value } from '../../../src/engine/op.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { Int64Array } from '../../../src/engine/dtype.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { checkFirstOrder, checkSecondOrder, examplesOf, withFusion } from '../../support/gradcheck.js';
import { expectAllClose, numericGradient, randomTensor, seededRandom, seedOf } from '../../support/finite_differences.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

/** The nn group's ops by their table names. */
const NN_OP_NAMES = ['pad', 'conv1d', 'conv2d', 'max_pool2d', 'avg_pool2d', 'layer_norm', 'batch_norm', 'linear', 'dropout', 'embedding', 'one_hot'];
const nnOps = NN_OP_NAMES.map((name) => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op;
});

const call = (name: string, args: Value[], kwargs: Record<string, Value> = {}): Value => {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name}`);
  return op.call(bindArguments(op, args, kwargs));
};
const tensor = (values: number[], shape: number[], requiresGrad = false) => new Tensor(Float32Array.from(values), shape, { requiresGrad });
const zeros = (shape: number[], requiresGrad = false) => new Tensor(new Float32Array(shape.reduce((a, b) => a * b, 1)), shape, { requiresGrad });
const valuesOf = (v: Value | null) => Array.from((v as Tensor).data);

describe('nn ops against torch 1.13 (ops.json)', () => {
  const cases = casesOf('nn');
  it('covers every nn case', () => expect(cases.length).toBe(22));
  it.each(cases.map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
    expect(checkGoldenCase(c)).toEqual([]);
    expect(withFusion(1, () => checkGoldenCase(c))).toEqual([]);
  });
});

describe('nn ops: gradients against finite differences', () => {
  const examples = examplesOf(nnOps);
  it.each(examples)('first order $label', ({ op, example, label }) => checkFirstOrder(op, example, label));
  it.each(examples)('second order $label', ({ op, example, label }) => checkSecondOrder(op, example, label));
  it.each(examples)('second order, fused, $label', ({ op, example, label }) => withFusion(1, () => checkSecondOrder(op, example, label)));
});

const int64 = (values: number[], shape = [values.length]) => new Tensor(Int64Array.from(values), shape);

describe('conv1d, conv2d: checks in torch order and words', () => {
  it('ranks, channels, groups, bias and kernel size', () => {
    expect(() => call('conv1d', [zeros([5]), zeros([3, 2, 3])])).toThrow('Expected 2D (unbatched) or 3D (batched) input to conv1d, but got input of size: [5]');
    expect(() => call('conv1d', [zeros([1, 2, 5]), zeros([3, 2])])).toThrow('weight should have at least three dimensions');
    expect(() => call('conv1d', [zeros([1, 2, 5]), zeros([3, 3, 3])])).toThrow(
      'Given groups=1, weight of size [3, 3, 3], expected input[1, 2, 5] to have 3 channels, but got 2 channels instead',
    );
    expect(() => call('conv1d', [zeros([1, 4, 5]), zeros([3, 2, 3])], { groups: 2n })).toThrow(
      'Given groups=2, expected weight to be divisible by 2 at dimension 0, but got weight of size [[3, 2, 3]] instead',
    );
    expect(() => call('conv1d', [zeros([1, 2, 5]), zeros([3, 2, 3]), zeros([2])])).toThrow(
      'Given weight of size [3, 2, 3], expected bias to be 1-dimensional with 3 elements, but got bias of size [2] instead',
    );
    expect(() => call('conv1d', [zeros([1, 2, 2]), zeros([3, 2, 3])])).toThrow(
      "Calculated padded input size per channel: (2). Kernel size: (3). Kernel size can't be greater than actual input size",
    );
    expect(() => call('conv2d', [zeros([1, 1, 3, 3]), zeros([1, 1, 4, 4])])).toThrow('Calculated padded input size per channel: (3 x 3). Kernel size: (4 x 4).');
    expect(() => call('conv2d', [zeros([1, 1, 3, 3]), zeros([1, 1, 2])])).toThrow(
      'expected stride to be a single integer value or a list of 1 values to match the convolution dimensions, but got stride=[1, 1]',
    );
  });

  it('stride, padding and dilation values', () => {
    expect(() => call('conv1d', [zeros([1, 2, 5]), zeros([3, 2, 3])], { stride: 0n })).toThrow('non-positive stride is not supported');
    expect(() => call('conv1d', [zeros([1, 2, 5]), zeros([3, 2, 3])], { padding: -1n })).toThrow('negative padding is not supported');
    expect(() => call('conv1d', [zeros([1, 2, 5]), zeros([3, 2, 3])], { dilation: 0n })).toThrow('dilation should be greater than zero, but got [1, 0]');
    expect(() => call('conv1d', [zeros([1, 2, 5]), zeros([3, 2, 3])], { padding: 'same', stride: 2n })).toThrow("padding='same' is not supported for strided convolutions");
    expect(() => call('conv1d', [zeros([1, 2, 5]), zeros([3, 2, 3])], { padding: 'abc' })).toThrow("Invalid padding string: 'abc'");
    expect((call('conv1d', [zeros([1, 2, 5]), zeros([3, 2, 3])], { padding: 'valid' }) as Tensor).shape).toEqual([1, 3, 3]);
  });

  it("'same' with an even kernel pads the end first, as torch (ConstantPadNdBackward0 under the convolution)", () => {
    const x = zeros([1, 2, 5], true);
    const y = call('conv1d', [x, zeros([3, 2, 4], true)], { padding: 'same' }) as Tensor;
    expect(y.shape).toEqual([1, 3, 5]);
    expect(y.gradFn?.next[0].node?.name).toBe('ConstantPadNdBackward0');
  });

  it('an unbatched input runs as a batch of one: SqueezeBackward1 over the convolution', () => {
    const y = call('conv1d', [zeros([2, 5], true), zeros([3, 2, 3])]) as Tensor;
    expect(y.shape).toEqual([3, 3]);
    expect(y.gradFn?.name).toBe('SqueezeBackward1');
    expect(y.gradFn?.next[0].node?.name).toBe('ConvolutionBackward0');
  });

  it('a convolution without bias has a None edge for it', () => {
    const y = call('conv2d', [zeros([1, 1, 3, 3], true), zeros([1, 1, 2, 2], true)]) as Tensor;
    expect(y.gradFn?.next.map((e) => e.node?.name ?? null)).toEqual(['AccumulateGrad', 'AccumulateGrad', null]);
  });
});

describe('max_pool2d, avg_pool2d', () => {
  it('max pooling sends the gradient to the first of tied maxima', () => {
    const x = tensor([1, 3, 3, 2], [1, 2, 2], true);
    const y = call('max_pool2d', [x, 2n]) as Tensor;
    backward(call('sum', [y]) as Tensor);
    expect(valuesOf(x.grad)).toEqual([0, 1, 0, 0]);
  });

  it('return_indices gives int64 indices within each plane', () => {
    const [values, indices] = call('max_pool2d', [tensor([1, 5, 2, 0, 7, 1, 3, 3, 9, 2, 4, 6, 1, 8, 0, 2], [1, 4, 4]), 2n], { return_indices: true }) as Tensor[];
    expect(valuesOf(values)).toEqual([7, 3, 9, 6]);
    expect(indices.dtype).toBe('int64');
    expect(valuesOf(indices)).toEqual([4, 6, 8, 11]);
  });

  it("checks in torch's words", () => {
    expect(() => call('max_pool2d', [zeros([4, 4]), 2n])).toThrow('non-empty 3D or 4D (batch mode) tensor expected for input');
    expect(() => call('max_pool2d', [zeros([1, 1, 4, 4]), 5n])).toThrow(
      'Given input size: (1x4x4). Calculated output size: (1x0x0). Output size is too small',
    );
    expect(() => call('max_pool2d', [zeros([1, 1, 4, 4]), 2n], { padding: 2n })).toThrow('pad should be at most half of kernel size, but got pad=2 and kernel_size=2');
    expect(() => call('max_pool2d', [zeros([1, 1, 4, 4]), 0n])).toThrow('stride should not be zero');
    expect(() => call('max_pool2d', [zeros([1, 1, 4, 4]), [2n, 2n, 2n]])).toThrow('max_pool2d: kernel_size must either be a single int, or a tuple of two ints');
    expect(() => call('avg_pool2d', [zeros([4, 4]), 2n])).toThrow('Dimension out of range (expected to be in range of [-2, 1], but got -3)');
    expect(() => call('avg_pool2d', [zeros([1, 1, 4, 4]), 2n], { divisor_override: 0n })).toThrow('divisor must be not zero');
  });

  it('avg pooling divides by the padded count unless told otherwise', () => {
    const x = tensor([1, 2, 3, 4], [1, 2, 2]);
    expect(valuesOf(call('avg_pool2d', [x, 2n], { stride: 1n, padding: 1n }))).toEqual([0.25, 0.75, 0.5, 1, 2.5, 1.5, 0.75, 1.75, 1]);
    expect(valuesOf(call('avg_pool2d', [x, 2n], { stride: 1n, padding: 1n, count_include_pad: false }))).toEqual([1, 1.5, 2, 2, 2.5, 3, 3, 3.5, 4]);
  });
});

describe('pad', () => {
  it('crops with negative amounts and fills with value', () => {
    expect(valuesOf(call('pad', [tensor([1, 2, 3], [3]), [-1n, 2n]], { value: 9.0 }))).toEqual([2, 3, 9, 9]);
  });

  it('reflects without repeating the edge, replicates repeating it', () => {
    expect(valuesOf(call('pad', [tensor([1, 2, 3], [1, 3]), [2n, 1n], 'reflect']))).toEqual([3, 2, 1, 2, 3, 2]);
    expect(valuesOf(call('pad', [tensor([1, 2, 3], [1, 3]), [2n, 1n], 'replicate']))).toEqual([1, 1, 1, 2, 3, 3]);
    expect((call('pad', [zeros([1, 2, 3, 3], true), [1n, 1n, 1n, 1n], 'reflect']) as Tensor).gradFn?.name).toBe('ReflectionPad2DBackward0');
  });

  it("refuses what torch refuses, in its words", () => {
    expect(() => call('pad', [zeros([4]), [1n, 2n, 3n]])).toThrow('Padding length must be divisible by 2');
    expect(() => call('pad', [zeros([4]), [1n, 2n, 3n, 4n]])).toThrow('Padding length too large');
    expect(() => call('pad', [zeros([4]), [1n, 1n], 'reflect'])).toThrow('Only 2D, 3D, 4D, 5D padding with non-constant padding are supported for now');
    expect(() => call('pad', [zeros([1, 2, 4]), [4n, 1n], 'reflect'])).toThrow(
      'Argument #4: Padding size should be less than the corresponding input dimension, but got: padding (4, 1) at dimension 2 of input [1, 2, 4]',
    );
    expect(() => call('pad', [zeros([1, 2, 4]), [1n, 1n], 'abc'])).toThrow('Unrecognised padding mode abc');
    expect(() => call('pad', [zeros([1, 2, 4]), [1n, 1n], 'reflect', 2.0])).toThrow('Padding mode "reflect" doesn\'t take in value argument');
  });
});

describe('layer_norm, batch_norm', () => {
  it("layer_norm's checks", () => {
    expect(() => call('layer_norm', [zeros([2, 3]), [2n]])).toThrow('Given normalized_shape=[2], expected input with shape [*, 2], but got input of size[2, 3]');
    expect(() => call('layer_norm', [zeros([2, 3]), [3n], zeros([2])])).toThrow(
      'Expected weight to be of same shape as normalized_shape, but got weight of shape [2] and normalized_shape = [3]',
    );
    expect(() => call('layer_norm', [zeros([2, 3]), []])).toThrow('Expected normalized_shape to be at least 1-dimensional');
  });

  it('batch_norm in training moves the running statistics (unbiased variance), in place', () => {
    const runningMean = zeros([2]);
    const runningVar = new Tensor(Float32Array.of(1, 1), [2]);
    call('batch_norm', [tensor([1, 2, 3, 6], [2, 2], true), runningMean, runningVar], { training: true, momentum: 0.5 });
    expect(valuesOf(runningMean)).toEqual([1, 2]);
    expect(valuesOf(runningVar)).toEqual([1.5, 4.5]);
    expect(runningMean.version).toBe(1);
  });

  it('batch_norm in evaluation: the gradient is g γ / sqrt(running_var + eps)', () => {
    const x = tensor([1, 2, 3, 6], [2, 2], true);
    const w = tensor([2, 3], [2], true);
    const y = call('batch_norm', [x, tensor([0, 1], [2]), tensor([4, 9], [2]), w], { eps: 0.0 }) as Tensor;
    expect(valuesOf(y)).toEqual([1, 1, 3, 5]);
    backward(call('sum', [y]) as Tensor);
    expect(valuesOf(x.grad)).toEqual([1, 1, 1, 1]);
    expect(valuesOf(w.grad)).toEqual([2, 2]);
  });

  it("batch_norm's checks", () => {
    expect(() => call('batch_norm', [zeros([3, 2]), null, null])).toThrow('running_mean must be defined in evaluation mode');
    expect(() => call('batch_norm', [zeros([1, 2]), null, null], { training: true })).toThrow(
      'Expected more than 1 value per channel when training, got input size torch.Size([1, 2])',
    );
    expect(() => call('batch_norm', [zeros([3, 2]), zeros([3]), zeros([2])])).toThrow('running_mean should contain 2 elements not 3');
    expect(() => call('batch_norm', [zeros([3, 2]), zeros([2], true), zeros([2])])).toThrow(
      "The function 'native_batch_norm' is not differentiable with respect to argument 'running_mean'. This input cannot have requires_grad True.",
    );
  });
});

describe('linear, dropout, embedding, one_hot', () => {
  it('linear is addmm for a 2-D input with a bias, matmul then add otherwise', () => {
    const w = zeros([4, 3], true);
    expect((call('linear', [zeros([2, 3], true), w, zeros([4], true)]) as Tensor).gradFn?.name).toBe('AddmmBackward0');
    expect((call('linear', [zeros([2, 2, 3], true), w, zeros([4], true)]) as Tensor).gradFn?.name).toBe('ViewBackward0');
    expect((call('linear', [zeros([3], true), w, zeros([4], true)]) as Tensor).gradFn?.name).toBe('AddBackward0');
    expect(() => call('linear', [zeros([2, 3]), zeros([4, 5])])).toThrow('mat1 and mat2 shapes cannot be multiplied (2x3 and 5x4)');
  });

  it('dropout is the input itself without training or with p = 0; p = 1 gives signed zeros', () => {
    const x = tensor([1, -2], [2], true);
    expect(call('dropout', [x], { training: false })).toBe(x);
    expect(call('dropout', [x, 0.0])).toBe(x);
    const y = call('dropout', [x, 1.0]) as Tensor;
    expect(y.gradFn?.name).toBe('MulBackward0');
    expect(Object.is(y.data[1], -0)).toBe(true);
    expect(() => call('dropout', [x, 1.5])).toThrow('dropout probability has to be between 0 and 1, but got 1.5');
    expect(() => call('dropout', [x, 0.5])).toThrow('draws random numbers');
  });

  it('embedding: the weight gradient sums the rows read (padding_idx gets none, scale_grad_by_freq divides)', () => {
    const w = tensor([1, 2, 3, 4, 5, 6], [3, 2], true);
    backward(call('sum', [call('embedding', [int64([0, 1, 2, 1]), w], { padding_idx: 1n })]) as Tensor);
    expect(valuesOf(w.grad)).toEqual([1, 1, 0, 0, 1, 1]);
    w.grad = null;
    backward(call('sum', [call('embedding', [int64([0, 1, 2, 1]), w], { scale_grad_by_freq: true })]) as Tensor);
    expect(valuesOf(w.grad)).toEqual([1, 1, 1, 1, 1, 1]);
  });

  it('embedding: max_norm rescales the rows read, in place', () => {
    const w = tensor([3, 4, 0, 1], [2, 2]);
    call('embedding', [int64([0]), w], { max_norm: 1.0 });
    expect(valuesOf(w).map((v) => Math.round(v * 1e6) / 1e6)).toEqual([0.6, 0.8, 0, 1]);
  });

  it("embedding's checks", () => {
    expect(() => call('embedding', [int64([3]), zeros([3, 2])])).toThrow('index out of range in self');
    expect(() => call('embedding', [tensor([1], [1]), zeros([3, 2])])).toThrow(
      "Expected tensor for argument #1 'indices' to have one of the following scalar types: Long, Int; but got torch.FloatTensor instead (while checking arguments for embedding)",
    );
    expect(() => call('embedding', [int64([1]), zeros([3])])).toThrow("'weight' must be 2-D");
    expect(() => call('embedding', [int64([1]), zeros([3, 2])], { padding_idx: 3n })).toThrow('Padding_idx must be within num_embeddings');
  });

  it('one_hot infers the class count and checks the values', () => {
    const k = call('one_hot', [int64([0, 3], [1, 2])]) as Tensor;
    expect(k.shape).toEqual([1, 2, 4]);
    expect(k.dtype).toBe('int64');
    expect(valuesOf(k)).toEqual([1, 0, 0, 0, 0, 0, 0, 1]);
    expect(() => call('one_hot', [int64([1, 2]), 2n])).toThrow('Class values must be smaller than num_classes.');
    expect(() => call('one_hot', [int64([-1, 2]), 3n])).toThrow('Class values must be non-negative.');
    expect(() => call('one_hot', [tensor([1], [1])])).toThrow('one_hot is only applicable to index tensor.');
    expect(() => call('one_hot', [int64([])])).toThrow('Can not infer total number of classes from empty tensor.');
  });
});

describe('embedding: the weight gradient against finite differences', () => {
  it('is the true gradient without padding_idx and scale_grad_by_freq (which change it on purpose), and constant in w', () => {
    const random = seededRandom(seedOf('embedding'));
    const w = randomTensor(random, [4, 3], { low: -2, high: 2 }, true);
    const weights = randomTensor(random, [5, 3], { low: -1, high: 1 });
    const indices = int64([2, 0, 2, 3, 1]);
    const options = {};
    const loss = () => call('sum', [call('mul', [call('embedding', [indices, w], options), weights])]) as Tensor;
    w.grad = null;
    backward(loss(), { createGraph: true });
    const first = w.grad as unknown as Tensor;
    expectAllClose(first.data, numericGradient(() => withGradMode(false, () => loss().item()), w), { rtol: 1e-6, atol: 1e-8 }, 'first order');
    // the gradient is linear in the output gradient and constant in w: its own gradient is zero
    expect(first.requiresGrad).toBe(false);
  });
});
