import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { backward, grad } from '../../src/engine/autograd.js';
import { mul } from '../../src/engine/ops/mul.js';
import { pow } from '../../src/engine/ops/pow.js';
import { sum } from '../../src/engine/ops/sum.js';
import { Tensor } from '../../src/engine/tensor.js';
import reference from '../conformance/higher_order.json' with { type: 'json' };

interface SecondDerivativeCase {
  kind: 'second-derivative';
  expr: string;
  x: number;
  dtype: 'float64';
  y: number;
  dy_dx: number;
  dy_dx_grad_fn: string;
  d2y_dx2: number;
}
interface MatrixCase {
  kind: 'jacobian' | 'hessian';
  expr: string;
  x: number[];
  dtype: 'float64';
  jacobian?: number[][];
  hessian?: number[][];
}

const cases = reference.cases as unknown as ({ kind: string } & Record<string, unknown>)[];
const secondDerivatives = cases.filter((c) => c.kind === 'second-derivative') as unknown as SecondDerivativeCase[];
const matrices = cases.filter((c) => c.kind === 'jacobian' || c.kind === 'hessian') as unknown as MatrixCase[];

let app: FastifyInstance;
beforeAll(async () => {
  // jacobian/hessian programs pass the inline work limit and run in the pool: on a busy machine a
  // starting worker thread may take longer than the production queue deadline. Run after the long
  // synchronous gradient checks in one process (gradients_fused), the event loop's measured delay
  // would shed these requests as overloaded: that guard is tested elsewhere.
  app = await buildApp({ operations: { overload: { maxEventLoopDelayMs: 0, retryAfterSeconds: 1 }, evaluation: { queueTimeoutMs: 60_000 } } });
});
afterAll(() => app.close());

async function evaluate(payload: unknown) {
  const response = await app.inject({ method: 'POST', url: '/v1/evaluate', payload: payload as object });
  return { status: response.statusCode, body: response.json() };
}

const close = (actual: unknown, expected: number) => expect(actual as number).toBeCloseTo(expected, 10);

describe('autograd.grad (engine)', () => {
  const leaf = (v: number) => new Tensor(Float64Array.of(v), [], { requiresGrad: true });

  it('returns the gradient without accumulating into .grad', () => {
    const x = leaf(2);
    const [g] = grad([pow(x, 3)], [x]);
    expect(g?.item()).toBe(12);
    expect(x.grad).toBeNull();
    expect(g?.requiresGrad).toBe(false);
  });

  it('with createGraph the gradient is differentiable again (12 and 12 at x = 2)', () => {
    const x = leaf(2);
    const [g] = grad([pow(x, 3)], [x], { createGraph: true });
    expect(g?.gradFn?.name).toBe('MulBackward0');
    const [h] = grad([g as Tensor], [x], { createGraph: true });
    expect(h?.item()).toBe(12);
    expect(x.grad).toBeNull();
  });

  it('captures the gradient of a non-leaf input and of several inputs', () => {
    const x = leaf(3);
    const w = leaf(5);
    const a = mul(x, x); // 9
    const y = mul(a, w); // 45
    const [ga, gx, gw] = grad([y], [a, x, w]);
    expect([ga?.item(), gx?.item(), gw?.item()]).toEqual([5, 30, 9]);
  });

  it("names PyTorch's errors: unused input, non-scalar output, input not requiring grad", () => {
    const x = leaf(1);
    const z = leaf(1);
    expect(() => grad([mul(x, 2)], [z])).toThrow(/appears to not have been used in the graph/);
    expect(grad([mul(x, 2)], [z], { allowUnused: true })).toEqual([null]);
    const v = new Tensor(Float64Array.of(1, 2), [2], { requiresGrad: true });
    expect(() => grad([mul(v, 2)], [v])).toThrow('grad can be implicitly created only for scalar outputs');
    expect(() => grad([mul(x, 2)], [new Tensor(Float64Array.of(1), [])])).toThrow('One of the differentiated Tensors does not require grad');
  });

  it('backward(create_graph) still accumulates, and grad() leaves retained grads alone', () => {
    const x = new Tensor(Float64Array.of(1, 2), [2], { requiresGrad: true });
    backward(sum(pow(x, 2)), { createGraph: true });
    expect(Array.from(x.grad?.data ?? [])).toEqual([2, 4]);
    expect(x.grad?.requiresGrad).toBe(true);
  });
});

describe('grad() in the expression language, against PyTorch (higher_order.json)', () => {
  it.each(secondDerivatives)('$expr at x = $x', async (c) => {
    const expr = `y = ${c.expr}\ng = grad(y, x)\nh = grad(g, x)`;
    const r = await evaluate({ inputs: { x: { data: c.x, dtype: c.dtype } }, expr, backward: false });
    expect(r.status).toBe(200);
    close(r.body.tensors.y.data, c.y);
    close(r.body.tensors.g.data, c.dy_dx);
    close(r.body.tensors.h.data, c.d2y_dx2);
    expect(r.body.tensors.g.grad_fn).toBe(c.dy_dx_grad_fn);
    expect(r.body.tensors.x.grad).toBeNull();
  });

  it('g = grad(x ** 3, x); h = grad(g, x) gives 12 and 12 at x = 2, then h.backward() puts 6 into x.grad', async () => {
    const r = await evaluate({ inputs: { x: 2 }, expr: 'g = grad(x ** 3, x); h = grad(g, x)' });
    expect(r.status).toBe(200);
    expect(r.body.tensors.g.data).toBe(12);
    expect(r.body.tensors.h.data).toBe(12);
    expect(r.body.tensors.g.repr).toBe('tensor(12., grad_fn=<MulBackward0>)');
    expect(r.body.tensors.x.grad).toBe(6);
  });

  it('the graph form has op grad', async () => {
    const r = await evaluate({
      inputs: { x: 2 },
      graph: [
        { id: 'y', op: 'pow', args: ['x', 3] },
        { id: 'g', op: 'grad', args: ['y', 'x'] },
        { id: 'h', op: 'grad', args: ['g', 'x'] },
      ],
      backward: false,
    });
    expect(r.status).toBe(200);
    expect([r.body.tensors.g.data, r.body.tensors.h.data]).toEqual([12, 12]);
  });

  it('grad_outputs for a non-scalar output, and PyTorch messages for misuse', async () => {
    const withOutputs = await evaluate({
      inputs: { x: [1, 2], o: { data: [1, 10], requires_grad: false } },
      expr: 'g = grad(x ** 2, x, o)',
      backward: false,
    });
    expect(withOutputs.body.tensors.g.data).toEqual([2, 40]);
    const nonScalar = await evaluate({ inputs: { x: [1, 2] }, expr: 'g = grad(x ** 2, x)', backward: false });
    expect(nonScalar.status).toBe(422);
    expect(nonScalar.body.detail).toBe('grad can be implicitly created only for scalar outputs');
    const unused = await evaluate({ inputs: { x: 1, z: 1 }, expr: 'g = grad(x * 2, z)', backward: false });
    expect(unused.body.detail).toMatch(/Set allow_unused=True/);
    const allowed = await evaluate({ inputs: { x: 1, z: 1 }, expr: 'g = grad(x * 2, z, allow_unused=True)', backward: false });
    expect(allowed.body.tensors.g.data).toBe(0);
  });

  it('backward.create_graph gives x.grad a graph that grad() can differentiate', async () => {
    const r = await evaluate({
      inputs: { x: 2 },
      expr: 'y = x ** 3',
      backward: { of: 'y', create_graph: true },
    });
    expect(r.status).toBe(200);
    expect(r.body.tensors.x.grad).toBe(12);
  });
});

describe('jacobian() and hessian() against torch.autograd.functional (higher_order.json)', () => {
  it.each(matrices)('$kind of $expr at $x', async (c) => {
    const r = await evaluate({ inputs: { x: { data: c.x, dtype: c.dtype } }, expr: `y = ${c.expr}\nJ = ${c.kind}(y, x)`, backward: false });
    expect(r.status).toBe(200);
    const expected = (c.jacobian ?? c.hessian) as number[][];
    const actual = r.body.tensors.J.data as number[][];
    expect(r.body.tensors.J.shape).toEqual([expected.length, expected[0].length]);
    expected.forEach((row, i) => row.forEach((v, j) => close(actual[i][j], v)));
  });

  it('the issue examples: jacobian of x**2 at [1, 2] is diag(2, 4); hessian of sum(x**3) is diag(6, 12)', async () => {
    const r = await evaluate({ inputs: { x: [1, 2] }, expr: 'J = jacobian(x ** 2, x); H = hessian(torch.sum(x ** 3), x)', backward: false });
    expect(r.body.tensors.J.data).toEqual([[2, 0], [0, 4]]);
    expect(r.body.tensors.H.data).toEqual([[6, 0], [0, 12]]);
    expect(r.body.tensors.J.grad_fn).toBe('ViewBackward0');
  });

  it('PyTorch spellings: torch.autograd.grad and torch.autograd.functional.jacobian / hessian', async () => {
    const r = await evaluate({
      inputs: { x: [1, 2], s: 2 },
      expr: [
        'g = torch.autograd.grad(s ** 3, s)',
        'h = torch.autograd.grad(g, s)',
        'J = torch.autograd.functional.jacobian(x ** 2, x)',
        'H = torch.autograd.functional.hessian(torch.sum(x ** 3), x)',
      ].join('\n'),
      backward: false,
    });
    expect(r.status).toBe(200);
    expect([r.body.tensors.g.data, r.body.tensors.h.data]).toEqual([12, 12]);
    expect(r.body.tensors.J.data).toEqual([[2, 0], [0, 4]]);
    expect(r.body.tensors.H.data).toEqual([[6, 0], [0, 12]]);
  });

  it('a jacobian is differentiable again: the sum of the Hessian of sum(x**3) via jacobian(grad)', async () => {
    const r = await evaluate({ inputs: { x: [1, 2] }, expr: 'H = jacobian(grad(torch.sum(x ** 3), x), x)\ns = H.sum()' });
    expect(r.body.tensors.H.data).toEqual([[6, 0], [0, 12]]);
    expect(r.body.tensors.x.grad).toEqual([6, 6]); // d/dx (6 x1 + 6 x2)
  });

  it('a jacobian too large to compute is a 422 naming the limit', async () => {
    const r = await evaluate({ inputs: { x: { zeros: [5000] } }, expr: 'J = jacobian(x * 2, x)', backward: false });
    expect(r.status).toBe(422);
    expect(r.body.limit.name).toBe('jacobianElements');
  });

  it('hessian needs a one-element output', async () => {
    const r = await evaluate({ inputs: { x: [1, 2] }, expr: 'H = hessian(x ** 2, x)', backward: false });
    expect(r.status).toBe(422);
    expect(r.body.detail).toMatch(/should contain a single element/);
  });
});
