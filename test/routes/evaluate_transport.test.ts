import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp();
});
afterAll(() => app.close());

async function post(payload: unknown) {
  const response = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
  return { status: response.statusCode, body: response.json() };
}

function base64Of(values: number[], dtype: 'float32' | 'float64' = 'float32'): string {
  const array = dtype === 'float32' ? new Float32Array(values) : new Float64Array(values);
  return Buffer.from(array.buffer).toString('base64');
}

function valuesOf(encoded: { dtype: string; base64: string }): number[] {
  const bytes = Buffer.from(encoded.base64, 'base64');
  const copy = new Uint8Array(bytes).buffer;
  return Array.from(encoded.dtype === 'float32' ? new Float32Array(copy) : new Float64Array(copy));
}

const xs = [-1.5, 0.1, 2, 3.25, 0.5];

describe('binary tensor transport (base64)', () => {
  it('takes a base64 input and answers exactly as the same input in JSON', async () => {
    const expr = 'Y = relu(x) * x ** 2\ny = Y.sum()';
    const json = await post({ inputs: { x: xs }, expr });
    const binary = await post({ inputs: { x: { dtype: 'float32', shape: [5], base64: base64Of(xs) } }, expr });
    expect(binary.status).toBe(200);
    expect(binary.body).toEqual(json.body);
  });

  it('answers data and grad as base64 with "encoding": "base64", bit for bit the JSON values', async () => {
    const expr = 'y = (x * 3).sum()';
    const json = await post({ inputs: { x: xs }, expr });
    const binary = await post({ inputs: { x: xs }, expr, encoding: 'base64' });
    expect(binary.status).toBe(200);
    const x = binary.body.tensors.x;
    expect(x.data).toEqual({ dtype: 'float32', shape: [5], base64: base64Of(xs) });
    expect(valuesOf(x.grad)).toEqual(json.body.tensors.x.grad);
    expect(x.repr).toBe(json.body.tensors.x.repr);
    expect(binary.body.tensors.y.data).toMatchObject({ dtype: 'float32', shape: [] });
    expect(valuesOf(binary.body.tensors.y.data)).toEqual([json.body.tensors.y.data]);
    expect(binary.body.tensors.y.grad).toBeNull();
  });

  it('keeps float64 as float64 both ways, and a 2-d shape', async () => {
    const values = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6];
    const r = await post({ inputs: { w: { dtype: 'float64', shape: [2, 3], base64: base64Of(values, 'float64') } }, expr: 'y = (w * w).sum()', encoding: 'base64' });
    expect(r.status).toBe(200);
    expect(r.body.tensors.w.data.shape).toEqual([2, 3]);
    expect(valuesOf(r.body.tensors.w.data)).toEqual(values);
    expect(valuesOf(r.body.tensors.w.grad)).toEqual(values.map((v) => 2 * v));
  });

  it('refuses base64 whose length does not fit the shape (400, before decoding)', async () => {
    const r = await post({ inputs: { x: { dtype: 'float32', shape: [1_000_000], base64: base64Of([1, 2]) } }, expr: 'x.sum()' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain('takes 5333336 base64 characters');
  });

  it('refuses a shape over the element limit without looking at the text (400)', async () => {
    const r = await post({ inputs: { x: { shape: [1000, 1001], base64: '' } }, expr: 'x.sum()' });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body.errors)).toContain('maxElementsPerInput');
  });

  it('refuses characters outside the base64 alphabet, base64 without shape, and shape without base64 (400)', async () => {
    expect((await post({ inputs: { x: { shape: [1], base64: 'AAC*PwAA' } }, expr: 'x.sum()' })).status).toBe(400);
    expect((await post({ inputs: { x: { base64: base64Of([1]) } }, expr: 'x.sum()' })).status).toBe(400);
    expect((await post({ inputs: { x: { shape: [1], data: [1] } }, expr: 'x.sum()' })).status).toBe(400);
    expect((await post({ inputs: { x: { shape: [1], base64: base64Of([1]), data: [1] } }, expr: 'x.sum()' })).status).toBe(400);
  });
});

describe('outputs and fields', () => {
  const program = { inputs: { x: [1, 2, 3] }, expr: 'Y = x ** 2\ny = Y.sum()' };

  it('answers every tensor with every field by default', async () => {
    const r = await post(program);
    expect(Object.keys(r.body.tensors)).toEqual(['x', 'Y', 'y']);
    expect(Object.keys(r.body.tensors.x)).toEqual(['data', 'shape', 'dtype', 'requires_grad', 'is_leaf', 'grad_fn', 'grad', 'repr']);
  });

  it('answers only the tensors outputs names, in its order', async () => {
    const r = await post({ ...program, outputs: ['y', 'x'] });
    expect(r.status).toBe(200);
    expect(Object.keys(r.body.tensors)).toEqual(['y', 'x']);
    expect(r.body.tensors.x.grad).toEqual([2, 4, 6]);
    expect(r.body.trace.nodes[r.body.trace.root].name).toBe('SumBackward0');
  });

  it('trims each entry to fields', async () => {
    const r = await post({ ...program, outputs: ['x'], fields: ['grad', 'repr'] });
    expect(r.body.tensors).toEqual({ x: { grad: [2, 4, 6], repr: 'tensor([1., 2., 3.], requires_grad=True)' } });
  });

  it('answers a name outputs gives that is not a tensor with a 422', async () => {
    const unknown = await post({ ...program, outputs: ['z'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toContain("'z'");
    const number = await post({ inputs: { x: 1 }, expr: 'k = 2\ny = x * k', outputs: ['k'] });
    expect(number.status).toBe(422);
  });

  it('refuses an unknown field (400)', async () => {
    expect((await post({ ...program, fields: ['values'] })).status).toBe(400);
  });

  it('prints the summarised repr of a big tensor, as PyTorch does', async () => {
    const r = await post({ inputs: { x: { linspace: { start: 0, end: 1, steps: 100_000 } } }, expr: 'y = x.sum()', outputs: ['x'], fields: ['repr'] });
    expect(r.body.tensors.x.repr).toBe('tensor([0.0000e+00, 1.0000e-05, 2.0000e-05,  ..., 9.9998e-01, 9.9999e-01,\n        1.0000e+00], requires_grad=True)');
  });
});
