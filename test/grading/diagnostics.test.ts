import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp();
});
afterAll(() => app.close());

async function evaluate(payload: unknown) {
  const response = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: payload as object });
  return { status: response.statusCode, body: response.json() };
}

describe('diagnostics: true on /v1/evaluate', () => {
  it('sqrt(x) at 0 with backward: SqrtBackward0 returned inf, and the sqrt kink with its convention', async () => {
    const r = await evaluate({ inputs: { x: 0 }, expr: 'y = torch.sqrt(x)', diagnostics: true });
    expect(r.status).toBe(200);
    expect(r.body.tensors.x.grad).toBe('Infinity');
    expect(r.body.diagnostics.nonfinite_value).toBeNull();
    expect(r.body.diagnostics.nonfinite_gradient).toEqual({
      function: 'SqrtBackward0',
      output: 0,
      tensor: 'y',
      kind: 'inf',
      count: 1,
      message: "Function 'SqrtBackward0' returned inf values in its 0th output.",
    });
    expect(r.body.diagnostics.kinks).toEqual([
      expect.objectContaining({ function: 'SqrtBackward0', tensor: 'y', kink: 'sqrt at 0', count: 1, indices: [0], convention: expect.stringMatching(/inf/) }),
    ]);
  });

  it('the masked-branch NaN: sqrt(x) * 0 names SqrtBackward0 returning nan, in anomaly-mode words', async () => {
    const r = await evaluate({ inputs: { x: [0, 4] }, expr: 'r = torch.sqrt(x)\ny = (r * 0).sum()', diagnostics: true });
    expect(r.body.tensors.x.grad).toEqual(['NaN', 0]);
    expect(r.body.diagnostics.nonfinite_gradient.message).toBe("Function 'SqrtBackward0' returned nan values in its 0th output.");
    expect(r.body.diagnostics.nonfinite_gradient.tensor).toBe('r');
  });

  it('the first non-finite value in evaluation order, with its statement', async () => {
    const r = await evaluate({ inputs: { x: [0, 1] }, expr: 'a = x * 2\nb = torch.log(a) + 1\ny = b.sum()', diagnostics: true });
    expect(r.body.diagnostics.nonfinite_value).toMatchObject({ tensor: null, statement: 'b', op: 'log', kind: 'inf', count: 1 });
    expect(r.body.diagnostics.kinks.map((k: { kink: string }) => k.kink)).toEqual(['log at 0']);
  });

  it('kinks: relu and abs at 0, clamp at a bound, max ties, each with the convention applied', async () => {
    const r = await evaluate({
      inputs: { x: [0, 1, -1, 1] },
      expr: 'y = torch.relu(x).sum() + torch.abs(x).sum() + torch.clamp(x, min=-1, max=0.5).sum() + torch.max(x)',
      diagnostics: true,
    });
    const kinks = Object.fromEntries(r.body.diagnostics.kinks.map((k: { kink: string }) => [k.kink, k]));
    expect(Object.keys(kinks).sort()).toEqual(['abs at 0', 'clamp at a bound', 'max ties', 'relu at 0']);
    expect(kinks['relu at 0']).toMatchObject({ function: 'ReluBackward0', count: 1, indices: [0] });
    expect(kinks['abs at 0'].convention).toMatch(/sign\(0\) = 0/);
    expect(kinks['clamp at a bound']).toMatchObject({ count: 1, indices: [2] });
    expect(kinks['max ties']).toMatchObject({ function: 'MaxBackward1', count: 2, indices: [1, 3], convention: 'the 2 tied elements share the gradient evenly (1/2 each)' });
    expect(r.body.diagnostics.nonfinite_gradient).toBeNull();
  });

  it('no diagnostics unless asked, and a clean program has none to report', async () => {
    expect((await evaluate({ inputs: { x: 2 }, expr: 'y = x ** 2' })).body.diagnostics).toBeUndefined();
    const clean = await evaluate({ inputs: { x: 2 }, expr: 'y = x ** 2', diagnostics: true });
    expect(clean.body.diagnostics).toEqual({ nonfinite_value: null, nonfinite_gradient: null, kinks: [] });
  });

  it('an input that is already NaN is named as the first non-finite value', async () => {
    const r = await evaluate({ inputs: { x: ['NaN', 1] }, expr: 'y = x.sum()', diagnostics: true, backward: false });
    expect(r.body.diagnostics.nonfinite_value).toMatchObject({ tensor: 'x', op: null, kind: 'nan', message: "input 'x' has nan values" });
  });
});
