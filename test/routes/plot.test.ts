import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/app.js';
import { DERIVATIVE_COLOR, FUNCTION_COLOR } from '../../src/plot/chart.js';
import { legendLabels, lineSeries, parseSvg } from '../plot/svg.js';

let app: FastifyInstance;
beforeAll(async () => {
  app = await buildApp();
});
afterAll(() => app.close());

const post = (payload: unknown) =>
  app.inject({ method: 'POST', url: '/v1/plot', payload: JSON.stringify(payload), headers: { 'content-type': 'application/json' } });
const get = (query: Record<string, string | number>) =>
  app.inject({ method: 'GET', url: `/v1/plot?${new URLSearchParams(Object.entries(query).map(([k, v]) => [k, String(v)]))}` });

/**
 * Both series drawn, with the points each is drawn with: a count, or [least, most] for a curve
 * whose straighter stretches merge as matplotlib merges them (path.simplify, 1/9 pixel).
 */
function expectChart(response: Awaited<ReturnType<typeof post>>, drawn: [number | [number, number], number | [number, number]], labels: string[]) {
  expect(response.statusCode).toBe(200);
  expect(response.headers['content-type']).toContain('image/svg+xml');
  const root = parseSvg(response.body);
  const series = lineSeries(root);
  expect(series.map((s) => s.stroke)).toEqual([FUNCTION_COLOR, DERIVATIVE_COLOR]);
  series.forEach((s, i) => {
    const expected = drawn[i];
    if (typeof expected === 'number') expect(s.points).toBe(expected);
    else {
      expect(s.points).toBeGreaterThanOrEqual(expected[0]);
      expect(s.points).toBeLessThanOrEqual(expected[1]);
    }
  });
  expect(legendLabels(root)).toEqual(labels);
}

/** relu (or its step) over points either side of 0: flat to the last point below 0, across it, straight on. */
const RELU: [number, number] = [4, 4];

function expectProblem(response: Awaited<ReturnType<typeof post>>, status: number, code: string) {
  expect(response.statusCode).toBe(status);
  expect(response.headers['content-type']).toContain('application/problem+json');
  const body = response.json();
  expect(body.type).toMatch(new RegExp(`/${code}$`));
  expect(JSON.stringify(body)).not.toMatch(/\bat .*\.(ts|js):\d+/);
  return body;
}

describe('POST /v1/plot', () => {
  it('the course sum trick x ** 2 over linspace(-10, 10, 10): valid SVG, both series, a legend', async () => {
    const response = await post({ inputs: { x: { linspace: { start: -10, end: 10, steps: 10 } } }, expr: 'Y = x ** 2\ny = torch.sum(Y)' });
    // the parabola's 10 points bend too much to merge; its derivative 2x is one straight segment
    expectChart(response, [10, 2], ['Y (function)', 'dY/dx (derivative)']);
  });

  it('relu over linspace(-10, 10, 1000)', async () => {
    const response = await post({ inputs: { x: { linspace: { start: -10, end: 10, steps: 1000 } } }, expr: 'y = torch.relu(x)' });
    expectChart(response, RELU, ['y (function)', 'dy/dx (derivative)']);
  });

  it('a graph body with a custom function and a named axis', async () => {
    const response = await post({
      inputs: { t: { linspace: { start: 0, end: 3, steps: 7 } } },
      functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i * grad_output'] } },
      graph: [{ id: 'q', op: 'SQ', args: ['t'] }],
    });
    expectChart(response, [7, 2], ['q (function)', 'dq/dt (derivative)']);
  });

  it('refuses a parse error with its position', async () => {
    const body = expectProblem(await post({ inputs: { x: [1, 2] }, expr: 'y = x +* 2' }), 422, 'parse-error');
    expect(body.position).toEqual({ line: 1, column: 8, offset: 7 });
  });

  it('refuses two inputs without an axis with 400 pointing at axis', async () => {
    const body = expectProblem(await post({ inputs: { x: [1, 2], z: [1, 2] }, expr: 'x * z' }), 400, 'invalid-request');
    expect(body.errors.map((e: { pointer: string }) => e.pointer)).toContain('/axis');
  });

  it('refuses an axis that is not an input, and unknown fields', async () => {
    expectProblem(await post({ inputs: { x: [1, 2] }, axis: 'q', expr: 'x * 2' }), 400, 'invalid-request');
    expectProblem(await post({ inputs: { x: [1, 2] }, expr: 'x * 2', backward: false }), 400, 'invalid-request');
  });

  it('refuses a scalar axis with 422', async () => expectProblem(await post({ inputs: { x: 2 }, expr: 'x ** 2' }), 422, 'shape-error'));

  it('refuses more than 10000 points with 422 naming the limit', async () => {
    const body = expectProblem(await post({ inputs: { x: { linspace: { start: 0, end: 1, steps: 20_000 } } }, expr: 'x * 2' }), 422, 'limit-exceeded');
    expect(body.limit).toEqual({ name: 'maxPlotPoints', value: 10_000 });
  });
});

describe('POST /v1/plot shorthand: the axis as a key of the body', () => {
  const linspace = { linspace: { start: -10, end: 10, steps: 1000 } };

  it('the issue\'s example {"expr": "y = torch.relu(x)", "x": {"linspace": ...}} draws the same chart as the full form', async () => {
    const shorthand = await post({ expr: 'y = torch.relu(x)', x: linspace });
    expectChart(shorthand, RELU, ['y (function)', 'dy/dx (derivative)']);
    const full = await post({ inputs: { x: linspace }, expr: 'y = torch.relu(x)' });
    expect(shorthand.body).toBe(full.body);
  });

  it('the top-level input is the axis; other inputs go under inputs', async () => {
    const shorthand = await post({ inputs: { w: 3 }, expr: 'y = w * x ** 2', x: { linspace: { start: -2, end: 2, steps: 20 } } });
    expectChart(shorthand, [20, 2], ['y (function)', 'dy/dx (derivative)']);
    const full = await post({ inputs: { w: 3, x: { linspace: { start: -2, end: 2, steps: 20 } } }, axis: 'x', expr: 'y = w * x ** 2' });
    expect(shorthand.body).toBe(full.body);
  });

  it('refuses two top-level inputs, an input given twice, an axis naming another input, and names that are not identifiers', async () => {
    const pointers = async (payload: unknown) =>
      expectProblem(await post(payload), 400, 'invalid-request').errors.map((e: { pointer: string }) => e.pointer);
    expect(await pointers({ expr: 'y = x * z', x: [1, 2], z: [3, 4] })).toEqual(['/z']);
    expect(await pointers({ expr: 'y = x * 2', inputs: { x: [1, 2] }, x: [1, 2] })).toEqual(['/x']);
    expect(await pointers({ expr: 'y = x * z', inputs: { z: [1, 2] }, axis: 'z', x: [1, 2] })).toEqual(['/axis']);
    expect(await pointers({ expr: 'y = x * 2', '2x': [1, 2] })).toEqual(['/2x']);
    expect(await pointers({ expr: 'y = x * 2', prototype: [1, 2] })).toEqual(['/prototype']);
  });
});

describe('GET /v1/plot', () => {
  it('plots expr over linspace(from, to, steps) for curl users', async () => {
    expectChart(await get({ expr: 'y = torch.relu(x)', from: -10, to: 10, steps: 50 }), RELU, ['y (function)', 'dy/dx (derivative)']);
  });

  it('defaults to x over [-10, 10] in 200 steps', async () => {
    // 200 points of a parabola: its flatter ends merge, the bend near 0 does not
    expectChart(await get({ expr: 'x ** 2' }), [[20, 199], 2], ['result (function)', 'dresult/dx (derivative)']);
  });

  it('takes another axis name and a statement to plot', async () => {
    expectChart(await get({ expr: 'a = torch.tanh(t)\nb = a.sum()', axis: 't', of: 'a' }), [[10, 199], [10, 199]], ['a (function)', 'da/dt (derivative)']);
  });

  it('refuses a bad query with 400', async () => {
    expectProblem(await get({ expr: 'x', steps: 1 }), 400, 'invalid-request');
    expectProblem(await get({ expr: 'x', from: 'left' }), 400, 'invalid-request');
    expectProblem(await get({ from: 1 }), 400, 'invalid-request');
  });

  it('refuses an unknown name with 422', async () => expectProblem(await get({ expr: 'y = w * 2' }), 422, 'unknown-name'));
});
