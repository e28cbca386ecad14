import type { ProblemCode, ProblemExtras } from '../errors.js';

/**
 * Examples for the OpenAPI document (Swagger UI's dropdown per route): the
 * programs of the course ("Differentiation in PyTorch") and one problem answer
 * per code. test/routes/openapi.test.ts sends every request example and checks
 * its status; redocly validates them all against their schemas.
 */

interface Example {
  summary: string;
  value: unknown;
}

const SQ = { params: ['i'], forward: 'i ** 2', backward: ['2 * i'] };
const LINSPACE_10 = { linspace: { start: -10, end: 10, steps: 10 } };
const LINSPACE_1000 = { linspace: { start: -10, end: 10, steps: 1000 } };

const EVALUATE: Record<string, Example> = {
  square: { summary: 'y = x ** 2 at 2: dy/dx = 4', value: { inputs: { x: 2 }, expr: 'y = x ** 2' } },
  quadratic: { summary: 'y = x ** 2 + 2x + 1 at 2: y = 9, dy/dx = 6', value: { inputs: { x: 2.0 }, expr: 'y = x ** 2 + 2 * x + 1' } },
  cubic: { summary: 'y = 2x ** 3 + x at 1: dy/dx = 7', value: { inputs: { x: 1.0 }, expr: 'y = 2 * x ** 3 + x' } },
  partials: { summary: 'f = uv + u ** 2 at u = 1, v = 2: df/du = 4, df/dv = 1', value: { inputs: { u: 1.0, v: 2.0 }, expr: 'f = u * v + u ** 2' } },
  sumTrick: {
    summary: 'The sum trick: dY/dx at every point of linspace(-10, 10, 10)',
    value: { inputs: { x: LINSPACE_10 }, expr: 'Y = x ** 2\ny = torch.sum(Y)', backward: { of: 'y', retain_grad: ['Y'] } },
  },
  relu: { summary: 'relu over 1000 points, summed', value: { inputs: { x: LINSPACE_1000 }, expr: 'Y = torch.relu(x)\ny = Y.sum()' } },
  customFunction: {
    summary: 'A custom autograd function, run exactly as written (this SQ ignores grad_output)',
    value: { inputs: { x: 2.0 }, functions: { SQ }, expr: 'y = SQ(x)' },
  },
  graph: {
    summary: 'The graph form of y = x ** 2 + 1',
    value: { inputs: { x: 3 }, graph: [{ id: 'a', op: 'pow', args: ['x', 2] }, { id: 'y', op: 'add', args: ['a', 1] }] },
  },
  higherOrder: { summary: 'Second derivative of x ** 3 at 2: g = 12, h = 12', value: { inputs: { x: 2.0 }, expr: 'g = grad(x ** 3, x); h = grad(g, x)', backward: false } },
  base64: {
    summary: 'Binary values both ways (little-endian float32, base64)',
    value: { inputs: { x: { dtype: 'float32', shape: [3], base64: 'AACAPwAAAEAAAEBA' } }, expr: 'y = (x ** 2).sum()', outputs: ['x', 'y'], fields: ['data', 'grad'], encoding: 'base64' },
  },
};

const CHECK: Record<string, Example> = {
  expected: {
    summary: 'Practice 1 against expected values (the student forgot + x)',
    value: {
      submission: { inputs: { x: 1.0 }, expr: 'y = 2 * x ** 3' },
      expected: { tensors: { y: { data: 3 }, x: { grad: 7 } }, grad_fn: { y: 'AddBackward0' } },
    },
  },
  reference: {
    summary: "Practice 2 against the instructor's program at 3 random points",
    value: {
      submission: { inputs: { u: 2.0, v: 1.0 }, expr: 'f = u * v + u * v ** 2' },
      reference: { expr: 'f = u * v + (u * v) ** 2' },
      points: 3,
    },
  },
};

const GRADCHECK: Record<string, Example> = {
  failing: {
    summary: "The course's SQ, whose backward ignores grad_output: fails",
    value: { program: { inputs: { x: [0.5, 1.5] }, functions: { SQ }, expr: 'y = SQ(x)' } },
  },
  passing: {
    summary: 'SQ with the chain rule: passes',
    value: { program: { inputs: { x: [0.5, 1.5] }, functions: { SQ: { ...SQ, backward: ['grad_output * 2 * i'] } }, expr: 'y = SQ(x)' } },
  },
};

const PLOT: Record<string, Example> = {
  relu: { summary: 'relu and its derivative (shorthand: x is the axis)', value: { expr: 'y = torch.relu(x)', x: LINSPACE_1000 } },
  sumTrick: { summary: 'Y = x ** 2 through the sum trick (full form)', value: { inputs: { x: { linspace: { start: -10, end: 10, steps: 100 } } }, expr: 'Y = x ** 2\ny = torch.sum(Y)' } },
};

const LAB_CELLS = [
  'import torch\nimport matplotlib.pylab as plt',
  'x = torch.tensor(2.0, requires_grad = True)\ny = x ** 2\nprint("The result of y = x^2: ", y)',
  'y.backward()\nprint("The dervative at x = 2: ", x.grad)\ny.grad_fn',
];

const RUN: Record<string, Example> = {
  lab: { summary: "The lab's first cells: y = x ** 2 and its derivative at 2", value: { cells: LAB_CELLS } },
  sumTrick: {
    summary: 'The sum trick, plotted with matplotlib',
    value: {
      cells: [
        'import torch\nimport matplotlib.pylab as plt',
        'x = torch.linspace(-10, 10, 10, requires_grad = True)\nY = x ** 2\ny = torch.sum(x ** 2)\ny.backward()',
        "plt.plot(x.detach().numpy(), Y.detach().numpy(), label = 'function')\nplt.plot(x.detach().numpy(), x.grad.detach().numpy(), label = 'derivative')\nplt.xlabel('x')\nplt.legend()\nplt.show()",
      ],
    },
  },
  oneCell: { summary: 'One cell as source', value: { source: 'import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\n(x ** 2).sum()' } },
};

/** Request body examples by operationId. */
export const REQUEST_EXAMPLES: Record<string, Record<string, Example>> = {
  evaluate: EVALUATE,
  evaluateBatch: {
    course: { summary: "The course's first three programs in one request", value: { items: [EVALUATE.quadratic.value, EVALUATE.cubic.value, EVALUATE.partials.value] } },
  },
  check: CHECK,
  checkBatch: { practice: { summary: 'Two submissions of practice 1', value: { items: [CHECK.expected.value, { ...(CHECK.expected.value as object), submission: { inputs: { x: 1.0 }, expr: 'y = 2 * x ** 3 + x' } }] } } },
  gradcheck: GRADCHECK,
  plot: PLOT,
  run: RUN,
};

/** One answer per problem code, as the service words it. */
export const PROBLEM_EXAMPLES: Record<ProblemCode, { detail: string } & Omit<ProblemExtras, 'pythonType'>> = {
  'invalid-json': {
    detail: "the body is not valid JSON: a ',' is missing: expected ',' or '}' after a property value, found '\"' (line 3, column 2)",
    position: { line: 3, column: 2, offset: 44 },
  },
  'invalid-request': {
    detail: '(body): unknown key "input": did you mean "inputs"? (and 1 more)',
    errors: [
      { pointer: '', detail: 'unknown key "input": did you mean "inputs"?' },
      { pointer: '/inputs/x/dtype', detail: 'dtype must be one of float32, float64 (got "float16")' },
    ],
  },
  'unsupported-media-type': {
    detail: "the body was sent as application/x-www-form-urlencoded (what curl -d sends unless told otherwise); gradserve takes JSON: add -H 'content-type: application/json'",
  },
  'body-too-large': { detail: 'Request body is too large' },
  'parse-error': { detail: "invalid syntax: expected an expression after '+'", position: { line: 1, column: 9, offset: 8 } },
  'unknown-name': { detail: "name 'sigmiod' is not defined. Did you mean: 'sigmoid'?", node: 'y = sigmiod(x)', position: { line: 1, column: 1, offset: 0 } },
  'unknown-function': {
    detail: "module 'torch' has no attribute 'rleu'. Did you mean: 'relu'?",
    node: 'y = torch.rleu(h).sum()',
    position: { line: 2, column: 11, offset: 20 },
  },
  'invalid-argument': { detail: 'sum(): argument \'dim\' must be int, not str', node: 'y' },
  'shape-error': {
    detail: 'The size of tensor a (2) must match the size of tensor b (3) at non-singleton dimension 0',
    node: 'y = (a * w).sum()',
    position: { line: 2, column: 1, offset: 10 },
  },
  'autograd-error': {
    detail:
      'grad can be implicitly created only for scalar outputs (y has shape [2] and backward() needs a single value: end the program with `y.sum()` (the sum trick: the derivative at every point lands in .grad), send "backward": false to skip the backward pass, or send "backward": {"gradient": [...]} with one value per element of y)',
  },
  'limit-exceeded': { detail: 'the program allocates more than 16000000 elements in one tensor', limit: { name: 'maxElementsPerTensor', value: 16_000_000 } },
  'reference-failed': { detail: "the reference notebook raised NameError in cell 2: name 'x' is not defined" },
  'not-found': { detail: 'no route GET /v1/evaluat' },
  'method-not-allowed': { detail: 'GET is not allowed on /v1/evaluate; it answers POST' },
  'request-timeout': { detail: 'the request was not received within 30000 ms' },
  'headers-too-large': { detail: 'the request headers are larger than the server accepts' },
  'not-implemented': { detail: 'the method BREW is not known' },
  'too-many-requests': { detail: 'more than 100 requests in 60000 ms from this client; retry after 1 minute', limit: { name: 'rateLimitMax', value: 100 } },
  overloaded: { detail: 'the worker queue is full (64 waiting); try again later' },
  timeout: { detail: 'the evaluation ran past its time budget of 5000 ms', limit: { name: 'evaluationBudgetMs', value: 5000 } },
  'client-closed': { detail: 'the client closed the request before its answer' },
  internal: { detail: 'An internal error occurred; it has been logged.' },
};
