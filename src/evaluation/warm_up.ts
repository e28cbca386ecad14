/**
 * Representative work a server runs before it takes traffic, on the main thread and in every
 * worker thread. V8 compiles a function to fast code only after it has run a while, and the meter's
 * units are priced for fast code: on a cold process the first heavy requests held the event loop
 * 70-150 ms in their inline starts, where a warm one holds it 15-20 ms (test/operations/latency.alone).
 */
import { checkSchemas } from '../../schemas/check.js';
import { gradcheckSchemas } from '../../schemas/gradcheck.js';
import { DEFAULT_LIMITS } from '../../schemas/limits.js';
import { programSchemas } from '../../schemas/program.js';
import { performTaskNow, type TaskInput, type TaskKind } from './tasks.js';

/** Rounds of the set below: about 100-200 ms at start-up. */
const WARM_UP_ROUNDS = 40;

/** A short notebook touching what the course's cells do: tensors, backward, printing, a custom Function, loops, pyplot. */
const NOTEBOOK = [
  'import torch\nimport matplotlib.pyplot as plt',
  'x = torch.tensor(2.0, requires_grad=True)\ny = x ** 2 + 2 * x + 1\ny.backward()\nprint("y:", y, "grad:", x.grad, x.grad_fn, y.grad_fn)',
  [
    'class SQ(torch.autograd.Function):',
    '    @staticmethod',
    '    def forward(ctx, i):',
    '        ctx.save_for_backward(i)',
    '        return i ** 2',
    '    @staticmethod',
    '    def backward(ctx, grad_output):',
    '        i, = ctx.saved_tensors',
    '        return 2 * i * grad_output',
    'u = torch.tensor(1.5, requires_grad=True)',
    'SQ.apply(u).backward()',
    'u.grad',
  ].join('\n'),
  'w = torch.tensor(-10.0, requires_grad=True)\nX = torch.arange(-3, 3, 0.1).view(-1, 1)\nfor epoch in range(3):\n    loss = torch.mean((w * X + 3 * X) ** 2)\n    loss.backward()\n    w.data = w.data - 0.1 * w.grad.data\n    w.grad.data.zero_()\nprint(f"{loss.item():.4f}", [round(v, 2) for v in X[:3, 0].tolist()])',
  'x = torch.linspace(-10, 10, 200, requires_grad=True)\nY = torch.relu(x)\nY.sum().backward()\nplt.plot(x.detach().numpy(), Y.detach().numpy(), label="f")\nplt.plot(x.detach().numpy(), x.grad.numpy(), label="df")\nplt.legend()\nplt.show()\nprint(Y)',
];

/** Runs the set WARM_UP_ROUNDS times through the tasks the routes use (answers serialized too). */
export function warmUp(rounds: number = WARM_UP_ROUNDS): void {
  const limits = DEFAULT_LIMITS;
  const { EvaluateRequest } = programSchemas(limits);
  const { CheckRequest } = checkSchemas(limits);
  const small = EvaluateRequest.parse({ inputs: { x: 2.0 }, expr: 'y = x**2 + 2*x + 1' });
  const vector = EvaluateRequest.parse({ inputs: { x: { linspace: { start: -10, end: 10, steps: 1000 } } }, expr: 'Y = relu(x) * x ** 2\ny = sum(Y)' });
  const graph = EvaluateRequest.parse({ inputs: { u: 1.0, v: 2.0 }, graph: [{ id: 'p', op: 'mul', args: ['u', 'v'] }, { id: 'f', op: 'add', args: ['p', 'u'] }] });
  const { GradcheckRequest } = gradcheckSchemas(limits);
  // higher derivatives, a matmul, views and broadcasting: the paths heavy requests take before they leave the event loop
  const tower = EvaluateRequest.parse({
    inputs: { x: 0.5 },
    expr: 'g0 = sin(x)*cos(x)*exp(x)*tanh(x)\ng1 = grad(g0, x)\ng2 = grad(g1, x)\ng3 = grad(g2, x)',
    backward: false,
  });
  const matrices = EvaluateRequest.parse({ inputs: { x: { linspace: { start: 0, end: 1, steps: 30 } } }, expr: 'a = x.view(30, 1) * x\nb = (a @ a).sum()' });
  const gradcheck = GradcheckRequest.parse({ program: { inputs: { x: { linspace: { start: 0, end: 1, steps: 4 } } }, expr: 'y = x.view(4, 1) * x.view(1, 4)' } });
  const check = CheckRequest.parse({ submission: { inputs: { x: [1, 2, 3] }, expr: 'y = (x * x).sum()' }, reference: { expr: 'y = (x ** 2).sum()' }, points: 2 });
  const tasks: { [K in TaskKind]?: TaskInput<K>[] } = {
    run: [{ request: { cells: NOTEBOOK }, limits }],
    evaluate: [small, vector, graph, tower, matrices].map((request) => ({ request, limits })),
    check: [{ request: check, limits }],
    gradcheck: [{ request: gradcheck, limits }],
  };
  for (let round = 0; round < rounds; round++) {
    for (const [kind, inputs] of Object.entries(tasks)) for (const input of inputs) performTaskNow(kind as TaskKind, input, Infinity);
  }
}
