import { describe, expect, it } from 'vitest';
import { backward } from '../../../src/engine/autograd.js';
import { bindArguments, type Value } from '../../../src/engine/op.js';
import { OPS_BY_NAME } from '../../../src/engine/ops/index.js';
import { Tensor } from '../../../src/engine/tensor.js';
import { checkFirstOrder, checkSecondOrder, examplesOf, withFusion } from '../../support/gradcheck.js';
import { casesOf, checkGoldenCase } from '../../support/op_goldens.js';

/** The nn group's ops by their table names. */
const NN_OP_NAMES = ['pad', 'conv1d', 'conv2d', 'max_pool2d', 'avg_pool2d', 'layer_norm', 'batch_norm'];
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

/** ops.json's nn ops implemented so far (each case is tagged op:<name>). */
const NN_CASE_OPS = ['pad', 'conv1d', 'conv2d', 'max_pool2d', 'avg_pool2d', 'layer_norm', 'batch_norm'];

describe('nn ops against torch 1.13 (ops.json)', () => {
  it.each(casesOf('nn', NN_CASE_OPS).map((c) => ({ name: c.name, c })))('$name', ({ c }) => {
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
