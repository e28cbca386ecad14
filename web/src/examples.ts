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
    id: 'log',
    title: 'log over linspace(-2, 4, 121): no value left of 0',
    note: 'log(x) is NaN for x < 0, so neither the function nor its derivative 1/x is drawn there.',
    inputs: { x: linspace(-2, 4, 121) },
    expr: 'Y = torch.log(x)\ny = Y.sum()',
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

/** Notebook mode's examples: cells as students write them (the course's lab and typical mistakes). */
export interface NotebookExample {
  id: string;
  title: string;
  note: string;
  cells: string[];
  /** Hidden tests the Grade panel starts with for this notebook. */
  tests: GradeTest[];
}

/** One hidden test of POST /v1/grade: Python run in the submission's final namespace. */
export interface GradeTest {
  name: string;
  points: number;
  source: string;
}

/** The lab's closing practice: f = u * v + (u * v) ** 2 at u = 2, v = 1 (f = 6, df/du = 5, df/dv = 10). */
const PRACTICE_TESTS: GradeTest[] = [
  { name: 'f at u = 2, v = 1', points: 1, source: "assert torch.isclose(f, torch.tensor(6.0)), f'f should be 6, got {f}'" },
  { name: 'df/du', points: 2, source: "assert torch.isclose(u.grad, torch.tensor(5.0)), f'df/du at (2, 1) should be 5, got {u.grad}'" },
  { name: 'df/dv', points: 2, source: "assert v.grad is not None, 'v.grad is None: call f.backward()'\nassert torch.isclose(v.grad, torch.tensor(10.0)), f'df/dv at (2, 1) should be 10, got {v.grad}'" },
];

export const NOTEBOOK_EXAMPLES: NotebookExample[] = [
  {
    id: 'lab',
    title: 'The lab: Differentiation in PyTorch (19 cells)',
    note: 'The course lab cell by cell, as one kernel session: derivatives, a custom autograd Function, partial derivatives, and the function/derivative plots.',
    // notebooks.json, case seed/whole-notebook
    cells: [
      "# These are the libraries will be useing for this lab.\n\nimport torch\nimport matplotlib.pylab as plt",
      "# Create a tensor x\n\nx = torch.tensor(2.0, requires_grad = True)\nprint(\"The tensor x: \", x)",
      "# Create a tensor y according to y = x^2\n\ny = x ** 2\nprint(\"The result of y = x^2: \", y)",
      "# Take the derivative. Try to print out the derivative at the value x = 2\n\ny.backward()\nprint(\"The dervative at x = 2: \", x.grad)",
      "print('data:',x.data)\nprint('grad_fn:',x.grad_fn)\nprint('grad:',x.grad)\nprint(\"is_leaf:\",x.is_leaf)\nprint(\"requires_grad:\",x.requires_grad)",
      "print('data:',y.data)\nprint('grad_fn:',y.grad_fn)\nprint('grad:',y.grad)\nprint(\"is_leaf:\",y.is_leaf)\nprint(\"requires_grad:\",y.requires_grad)",
      "# Calculate the y = x^2 + 2x + 1, then find the derivative\n\nx = torch.tensor(2.0, requires_grad = True)\ny = x ** 2 + 2 * x + 1\nprint(\"The result of y = x^2 + 2x + 1: \", y)\ny.backward()\nprint(\"The dervative at x = 2: \", x.grad)",
      "# Practice: Calculate the derivative of y = 2x^3 + x at x = 1\n\n# Type your code here\nx = torch.tensor(1.0, requires_grad = True)\ny = 2 * x ** 3 + x\ny.backward()\nprint(\"The derivative result: \", x.grad)",
      "class SQ(torch.autograd.Function):\n\n\n    @staticmethod\n    def forward(ctx,i):\n        \"\"\"\n        In the forward pass we receive a Tensor containing the input and return\n        a Tensor containing the output. ctx is a context object that can be used\n        to stash information for backward computation. You can cache arbitrary\n        objects for use in the backward pass using the ctx.save_for_backward method.\n        \"\"\"\n        result=i**2\n        ctx.save_for_backward(i)\n        return result\n\n    @staticmethod\n    def backward(ctx, grad_output):\n        \"\"\"\n        In the backward pass we receive a Tensor containing the gradient of the loss\n        with respect to the output, and we need to compute the gradient of the loss\n        with respect to the input.\n        \"\"\"\n        i, = ctx.saved_tensors\n        grad_output = 2*i\n        return grad_output",
      "x=torch.tensor(2.0,requires_grad=True )\nsq=SQ.apply\n\ny=sq(x)\ny\nprint(y.grad_fn)\ny.backward()\nx.grad",
      "# Calculate f(u, v) = v * u + u^2 at u = 1, v = 2\n\nu = torch.tensor(1.0,requires_grad=True)\nv = torch.tensor(2.0,requires_grad=True)\nf = u * v + u ** 2\nprint(\"The result of v * u + u^2: \", f)",
      "# Calculate the derivative with respect to u\n\nf.backward()\nprint(\"The partial derivative with respect to u: \", u.grad)",
      "# Calculate the derivative with respect to v\n\nprint(\"The partial derivative with respect to u: \", v.grad)",
      "# Calculate the derivative with multiple values\n\nx = torch.linspace(-10, 10, 10, requires_grad = True)\nY = x ** 2\ny = torch.sum(x ** 2)",
      "# Take the derivative with respect to multiple value. Plot out the function and its derivative\n\ny.backward()\n\nplt.plot(x.detach().numpy(), Y.detach().numpy(), label = 'function')\nplt.plot(x.detach().numpy(), x.grad.detach().numpy(), label = 'derivative')\nplt.xlabel('x')\nplt.legend()\nplt.show()",
      "# Take the derivative of Relu with respect to multiple value. Plot out the function and its derivative\n\nx = torch.linspace(-10, 10, 1000, requires_grad = True)\nY = torch.relu(x)\ny = Y.sum()\ny.backward()\nplt.plot(x.detach().numpy(), Y.detach().numpy(), label = 'function')\nplt.plot(x.detach().numpy(), x.grad.detach().numpy(), label = 'derivative')\nplt.xlabel('x')\nplt.legend()\nplt.show()",
      "print(x)\nprint(Y)\nprint(y)",
      "y.grad_fn",
      "# Practice: Calculate the derivative of f = u * v + (u * v) ** 2 at u = 2, v = 1\n\n# Type the code here\nu = torch.tensor(2.0, requires_grad = True)\nv = torch.tensor(1.0, requires_grad = True)\nf = u * v + (u * v) ** 2\nf.backward()\nprint(\"The result is \", u.grad)",
    ],
    tests: PRACTICE_TESTS,
  },
  {
    id: 'grad-mode-forgot',
    title: 'A mistake: backward without requires_grad',
    note: 'The first cell raises as PyTorch does; the later cells still run in the same namespace.',
    // notebooks.json, case student/grad-mode-forgot
    cells: [
      "import torch\nx = torch.tensor(2.0)\ny = x ** 3\nprint(y.requires_grad)\ny.backward()\nprint('never printed')",
      "print(x.grad)",
      "x.requires_grad_()\ny = x ** 3\ny.backward()\nx.grad",
    ],
    tests: [
      { name: 'x requires grad', points: 1, source: "assert x.requires_grad, 'x must be created with requires_grad=True'" },
      { name: 'dy/dx at 2', points: 2, source: "assert torch.isclose(x.grad, torch.tensor(12.0)), f'dy/dx = 3x^2 = 12 at 2, got {x.grad}'" },
    ],
  },
  {
    id: 'gradient-descent',
    title: 'Gradient descent on (x - 2) ** 2',
    note: 'A hand-written loop from the neighbouring lab: x moves from 5 towards 2 in 8 steps.',
    // notebooks.json, case sibling/while-gradient-descent
    cells: [
      "import torch\nx = torch.tensor(5.0, requires_grad=True)\nlr = 0.25\nstep = 0\nwhile step < 8:\n    y = (x - 2) ** 2\n    y.backward()\n    x.data -= lr * x.grad.data\n    x.grad.data.zero_()\n    step += 1\nprint(step, x, y)\nx.item()",
    ],
    tests: [
      { name: 'eight steps', points: 1, source: "assert step == 8, f'expected 8 steps, got {step}'" },
      { name: 'x near 2', points: 2, source: "assert abs(x.item() - 2) < 0.05, f'x should end near 2, got {x.item()}'" },
    ],
  },
];
