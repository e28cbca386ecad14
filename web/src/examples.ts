/** The course's examples ("Differentiation in PyTorch"), as evaluate requests. */
export interface Example {
  id: string;
  title: string;
  /** What the course says the example shows. */
  note: string;
  inputs: Record<string, unknown>;
  expr?: string;
  graph?: unknown[];
  functions?: Record<string, unknown>;
}

const linspace = (start: number, end: number, steps: number) => ({ linspace: { start, end, steps } });

export const EXAMPLES: Example[] = [
  {
    id: 'square',
    title: 'Derivative of x ** 2 at 2',
    note: 'y = x², dy/dx = 2x = 4 at x = 2.',
    inputs: { x: 2.0 },
    expr: 'y = x ** 2',
  },
  {
    id: 'quadratic',
    title: 'y = x ** 2 + 2x + 1 at 2',
    note: 'y = 9, dy/dx = 2x + 2 = 6.',
    inputs: { x: 2.0 },
    expr: 'y = x ** 2 + 2 * x + 1',
  },
  {
    id: 'cubic',
    title: 'y = 2x ** 3 + x at 1',
    note: 'dy/dx = 6x² + 1 = 7.',
    inputs: { x: 1.0 },
    expr: 'y = 2 * x ** 3 + x',
  },
  {
    id: 'partials',
    title: 'Partial derivatives of u*v + u ** 2',
    note: 'At u = 1, v = 2: ∂f/∂u = v + 2u = 4, ∂f/∂v = u = 1.',
    inputs: { u: 1.0, v: 2.0 },
    expr: 'f = u * v + u ** 2',
  },
  {
    id: 'sum-trick',
    title: 'The sum trick: x ** 2 over linspace(-10, 10, 10)',
    note: 'y = Y.sum() is a scalar; backward leaves dY/dx = 2x at every point in x.grad.',
    inputs: { x: linspace(-10, 10, 10) },
    expr: 'Y = x ** 2\ny = torch.sum(Y)',
  },
  {
    id: 'relu',
    title: 'relu over linspace(-10, 10, 1000)',
    note: 'The derivative of relu is 0 left of zero and 1 right of it.',
    inputs: { x: linspace(-10, 10, 1000) },
    expr: 'Y = torch.relu(x)\ny = Y.sum()',
  },
  {
    id: 'custom-sq',
    title: 'Custom autograd function SQ',
    note: 'forward i ** 2, backward 2 * i — run exactly as written (this SQ ignores grad_output).',
    inputs: { x: 2.0 },
    functions: { SQ: { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] } },
    expr: 'y = SQ(x)',
  },
  {
    id: 'graph',
    title: 'JSON graph: y = x ** 2 + 1',
    note: 'The same program as a flat node list: a string argument names an input or an earlier node.',
    inputs: { x: 3.0 },
    graph: [
      { id: 'a', op: 'pow', args: ['x', 2] },
      { id: 'y', op: 'add', args: ['a', 1] },
    ],
  },
];
