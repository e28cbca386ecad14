/**
 * The load scenarios: what a grading system sends. Each lists its requests
 * (autocannon cycles through them per connection) and the statuses it may
 * answer; anything else — a 5xx other than deliberate 503 shedding, or any
 * connection error — fails the scenario.
 */
export interface Scenario {
  name: string;
  description: string;
  connections: number;
  requests: { method: 'POST' | 'GET'; path: string; body?: string; headers?: Record<string, string> }[];
  allowed: number[];
}

const json = { 'content-type': 'application/json' };
const evaluate = (program: unknown) => ({ method: 'POST' as const, path: '/v1/evaluate', headers: json, body: JSON.stringify(program) });

/** The course's small programs ("Differentiation in PyTorch"). */
export const COURSE_PROGRAMS = [
  { inputs: { x: 2 }, expr: 'x**2' },
  { inputs: { x: 2.0 }, expr: 'y = x ** 2 + 2 * x + 1' },
  { inputs: { x: 1.0 }, expr: 'y = 2 * x ** 3 + x' },
  { inputs: { u: 1.0, v: 2.0 }, expr: 'f = u * v + u ** 2' },
  { inputs: { x: { linspace: { start: -10, end: 10, steps: 10 } } }, expr: 'Y = x ** 2\ny = torch.sum(Y)' },
  { inputs: { x: { linspace: { start: -10, end: 10, steps: 1000 } } }, expr: 'Y = torch.relu(x)\ny = Y.sum()' },
  { inputs: { x: 2.0 }, functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } }, expr: 'y = SQ(x)' },
];

const vector1000 = Array.from({ length: 1000 }, (_, i) => Math.round((i / 100 - 5) * 1000) / 1000);

export function scenarios(maxBodyBytes: number): Scenario[] {
  return [
    {
      name: 'course',
      description: "the course's small programs, round robin",
      connections: 16,
      requests: COURSE_PROGRAMS.map(evaluate),
      allowed: [200],
    },
    {
      name: 'vector-1000',
      description: 'a 1000-element vector sent as data: sigmoid, mean, backward',
      connections: 16,
      requests: [evaluate({ inputs: { x: vector1000 }, expr: 'y = torch.sigmoid(x * 2 - 1).mean()' })],
      allowed: [200],
    },
    {
      name: 'mixed',
      description: 'valid programs mixed with invalid, huge and oversized requests',
      connections: 8,
      requests: [
        evaluate(COURSE_PROGRAMS[1]),
        { method: 'POST', path: '/v1/evaluate', headers: json, body: '{"inputs": {"x": 2}, "expr": ' },
        evaluate({ inputs: { x: 2 }, expr: 'y = torch.frobnicate(x)' }),
        evaluate({ inputs: { x: [[1, 2], [3]] }, expr: 'x.sum()' }),
        evaluate({ inputs: { x: { zeros: [100000, 100000] } }, expr: 'x.sum()' }),
        evaluate({ inputs: { x: [1, 2, 3] }, expr: 'x ** 2' }), // backward of a non-scalar: 422
        { method: 'POST', path: '/v1/evaluate', headers: json, body: JSON.stringify({ inputs: { x: 1 }, expr: `x${' + 1'.repeat(Math.ceil(maxBodyBytes / 4) + 16)}` }) },
        evaluate(COURSE_PROGRAMS[5]),
        { method: 'GET', path: '/v1/nope' },
      ],
      allowed: [200, 400, 404, 413, 422],
    },
    {
      name: 'burst',
      description: 'a burst above capacity: many connections of pool-sized programs; 503 shedding is expected',
      connections: 128,
      requests: [evaluate({ inputs: { x: { ones: [160, 160] } }, expr: 'y = (x @ x).sum()' }), evaluate(COURSE_PROGRAMS[0])],
      allowed: [200, 503],
    },
  ];
}
