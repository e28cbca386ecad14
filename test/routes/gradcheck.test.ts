import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import reference from '../conformance/higher_order.json' with { type: 'json' };

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp();
});
afterAll(() => app.close());

async function gradcheck(payload: unknown) {
  const response = await app.inject({ method: 'POST', url: '/v1/gradcheck', payload: payload as object });
  return { status: response.statusCode, type: String(response.headers['content-type']), body: response.json() };
}

interface GradcheckCase {
  kind: 'gradcheck';
  name: string;
  functions: Record<string, { params: string[]; forward: string; backward: string[] }>;
  expr: string;
  x: number[];
  passes: boolean;
}
const cases = (reference.cases as { kind: string }[]).filter((c) => c.kind === 'gradcheck') as GradcheckCase[];

describe('POST /v1/gradcheck', () => {
  it.each(cases)("$name: torch.autograd.gradcheck says $passes", async (c) => {
    const r = await gradcheck({ program: { inputs: { x: c.x }, functions: c.functions, expr: c.expr } });
    expect(r.status).toBe(200);
    expect(r.body.pass).toBe(c.passes);
    expect(r.body.dtype).toBe('float64');
  });

  it("the course's SQ (backward 2 * i) fails with a message saying the Jacobians differ", async () => {
    const r = await gradcheck({
      program: {
        inputs: { x: [0.5, 1.5] },
        functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } },
        expr: 'y = SQ(x)',
      },
    });
    expect(r.body.pass).toBe(false);
    const [x] = r.body.inputs;
    expect(x.name).toBe('x');
    expect(x.pass).toBe(false);
    expect(x.message).toMatch(/the analytical and numerical Jacobians differ/);
    expect(r.body.message).toMatch(/the analytical and numerical Jacobians differ/);
    // Ignoring grad_output, every column of the analytical Jacobian is 2x: [[1, 1], [3, 3]].
    expect(x.analytical).toEqual([[1, 1], [3, 3]]);
    expect(x.numerical[0][0]).toBeCloseTo(1, 6);
    expect(x.numerical[0][1]).toBeCloseTo(0, 6);
    expect(x.numerical[1][1]).toBeCloseTo(3, 6);
    expect(x.worst).toMatchObject({ input_index: [1], output_index: [0], analytical: 3 });
    expect(x.max_abs_error).toBeCloseTo(3, 6);
  });

  it('the corrected SQ (grad_output * 2 * i) passes, with errors near zero', async () => {
    const r = await gradcheck({
      program: {
        inputs: { x: [0.5, 1.5] },
        functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['grad_output * 2 * i'] } },
        expr: 'y = SQ(x)',
      },
    });
    expect(r.body.pass).toBe(true);
    expect(r.body.inputs[0].max_abs_error).toBeLessThan(1e-6);
  });

  it('checks a graph-form program the same way: built once, run on every perturbed input', async () => {
    const graph = [
      { id: 'a', op: 'pow', args: ['x', 3] },
      { id: 'b', op: 'mul', args: ['a', 'w'] },
      { id: 'y', op: 'sum', args: ['b'] },
    ];
    const r = await gradcheck({ program: { inputs: { x: [0.5, 1.5], w: [2, -1] }, graph }, inputs: ['x'] });
    expect(r.status).toBe(200);
    expect(r.body).toMatchObject({ pass: true, output: 'y' });
    // d/dx sum(w * x^3) = 3 w x^2
    expect(r.body.inputs[0].analytical[0][0]).toBeCloseTo(1.5, 12);
    expect(r.body.inputs[0].analytical[1][0]).toBeCloseTo(-6.75, 12);
  });

  it('checks only the named inputs, and a float32 input is checked in float64', async () => {
    const r = await gradcheck({
      program: { inputs: { a: [1, 2], b: { data: [3, 4], dtype: 'float32' } }, expr: 'y = (a * b).sum()' },
      inputs: ['b'],
    });
    expect(r.body.inputs.map((i: { name: string }) => i.name)).toEqual(['b']);
    expect(r.body.pass).toBe(true);
    expect(r.body.inputs[0].analytical).toEqual([[1], [2]]);
  });

  it('a tighter tolerance can fail a check that passes by default', async () => {
    const program = { inputs: { x: [0.3] }, expr: 'y = torch.exp(x) * 1e6' };
    expect((await gradcheck({ program })).body.pass).toBe(true);
    expect((await gradcheck({ program, eps: 1e-2, atol: 0, rtol: 0 })).body.pass).toBe(false);
  });

  it('a program that cannot run is a 422, an unknown input a 422, a malformed body a 400', async () => {
    const broken = await gradcheck({ program: { inputs: { x: 1 }, expr: 'y = x @ x' } });
    expect(broken.status).toBe(422);
    expect(broken.type).toContain('application/problem+json');
    const unknown = await gradcheck({ program: { inputs: { x: 1 }, expr: 'y = x * 2' }, inputs: ['z'] });
    expect(unknown.status).toBe(422);
    expect(unknown.body.detail).toMatch(/'z'/);
    const malformed = await gradcheck({ program: { inputs: { x: 1 } } });
    expect(malformed.status).toBe(400);
  });

  it('refuses a check that would run the program too often', async () => {
    const r = await gradcheck({ program: { inputs: { x: { zeros: [3000] } }, expr: 'y = (x * 2).sum()' } });
    expect(r.status).toBe(422);
    expect(r.body.limit.name).toBe('gradcheckRuns');
  });
});
