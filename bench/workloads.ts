/** The programs both benchmarks run (issue 6). Inputs are float32 values, so JSON carries them exactly. */

/** `steps` float32 values evenly spaced from `start` to `end`, as plain numbers. */
export function float32Linspace(start: number, end: number, steps: number): number[] {
  const out = new Float32Array(steps);
  const step = steps > 1 ? (end - start) / (steps - 1) : 0;
  for (let i = 0; i < steps; i++) out[i] = start + i * step;
  return Array.from(out);
}

/** The elementwise chain of the issue, summed: its fused and unfused forms are compared. */
export const CHAIN_EXPR = 'y = (torch.relu(x) * x ** 2 + torch.exp(-x)).sum()';

export interface HttpWorkload {
  name: string;
  description: string;
  body: Record<string, unknown>;
  /** Connections autocannon keeps open: 32 for small programs (the setting), fewer for big bodies. */
  connections: number;
  /** The same program as plain Python for the FastAPI + torch peer (inputs arrive as float32 tensors that require grad). */
  python?: string;
}

function base64Of(values: number[]): string {
  return Buffer.from(new Float32Array(values).buffer).toString('base64');
}

export function httpWorkloads(): HttpWorkload[] {
  const x1000 = float32Linspace(-10, 10, 1000);
  const x1e5 = float32Linspace(-10, 10, 100_000);
  return [
    { name: 'w1', description: 'y = x**2 + 2*x + 1 at x = 2', connections: 32, body: { inputs: { x: 2.0 }, expr: 'y = x**2 + 2*x + 1' }, python: 'y = x**2 + 2*x + 1\ny.backward()' },
    { name: 'w2', description: 'f = u*v + (u*v)**2 at u = 1, v = 2', connections: 32, body: { inputs: { u: 1.0, v: 2.0 }, expr: 'f = u*v + (u*v)**2' }, python: 'f = u*v + (u*v)**2\nf.backward()' },
    {
      name: 'w3',
      description: '1000 values from -10 to 10 as a JSON array; Y = relu(x) * x ** 2; y = sum(Y)',
      connections: 32,
      body: { inputs: { x: x1000 }, expr: 'Y = relu(x) * x ** 2\ny = sum(Y)' },
      python: 'Y = torch.relu(x) * x ** 2\nY.retain_grad()\ny = torch.sum(Y)\ny.backward()',
    },
    {
      name: 'w3-base64',
      description: 'w3 with x sent and data/grad answered as base64 float32',
      connections: 32,
      body: { inputs: { x: { dtype: 'float32', shape: [1000], base64: base64Of(x1000) } }, expr: 'Y = relu(x) * x ** 2\ny = sum(Y)', encoding: 'base64' },
    },
    {
      name: 'chain-1e5',
      description: `1e5 values as a JSON array; ${CHAIN_EXPR}`,
      connections: 4,
      body: { inputs: { x: x1e5 }, expr: CHAIN_EXPR },
    },
    {
      name: 'chain-1e5-base64',
      description: 'chain-1e5 with x sent and data/grad answered as base64 float32',
      connections: 4,
      body: { inputs: { x: { dtype: 'float32', shape: [100_000], base64: base64Of(x1e5) } }, expr: CHAIN_EXPR, encoding: 'base64' },
    },
    {
      name: 'chain-1e6',
      description: `1e6 values (linspace input: 1e6 numbers as JSON exceed the 8 MB body limit); JSON answer; ${CHAIN_EXPR}`,
      connections: 2,
      body: { inputs: { x: { linspace: { start: -10, end: 10, steps: 1_000_000 } } }, expr: CHAIN_EXPR },
    },
    {
      name: 'chain-1e6-base64',
      description: 'chain-1e6 with x sent and data/grad answered as base64 float32 (5.3 MB request)',
      connections: 2,
      body: {
        inputs: { x: { dtype: 'float32', shape: [1_000_000], base64: base64Of(float32Linspace(-10, 10, 1_000_000)) } },
        expr: CHAIN_EXPR,
        encoding: 'base64',
      },
    },
  ];
}
