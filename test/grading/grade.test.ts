import { describe, expect, it } from 'vitest';
import { withWorkMeter, WorkLimitExceeded } from '../../src/engine/meter.js';
import { ProblemError } from '../../src/errors.js';
import { type GradeJob, type GradeTestSpec, gradeNotebook } from '../../src/grading/grade.js';
import { DEFAULT_RUN_LIMITS, runNotebook } from '../../src/python/run.js';
import { GRADE_LIMITS } from '../../schemas/grade.js';

/** The lab's first practice: the derivative of y = 2x³ + x at x = 1 (y = 3, dy/dx = 7). */
const PRACTICE = 'import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward()';
const FORGOT_X = PRACTICE.replace(' + x\n', '\n');

const TESTS: GradeTestSpec[] = [
  { name: 'value', points: 1, source: 'assert torch.isclose(y, torch.tensor(3.0))' },
  { name: 'derivative', points: 2, source: "assert torch.isclose(x.grad, torch.tensor(7.0)), f'dy/dx at 1 should be 7, got {x.grad}'" },
];

function grade(cells: string[], tests: GradeTestSpec[] = TESTS, extra: Partial<GradeJob> = {}) {
  return gradeNotebook({ submission: cells, tests, compare: [], tolerance: { rtol: 1e-5, atol: 1e-8 }, includeSubmission: true, ...extra }, DEFAULT_RUN_LIMITS);
}

/** name -> [passed, message, error type] of every result. */
function outcomes(answer: ReturnType<typeof grade>) {
  return Object.fromEntries(answer.tests.map((t) => [t.name, [t.passed, t.message, t.error?.type ?? null]]));
}

describe('gradeNotebook: tests', () => {
  it('a right answer passes every test and earns every point; the submission is answered as /v1/run answers it', () => {
    const answer = grade([PRACTICE]);
    expect(answer.score).toBe(3);
    expect(answer.max_score).toBe(3);
    expect(answer.tests).toEqual([
      { name: 'value', kind: 'test', points: 1, max_points: 1, passed: true, message: null, error: null },
      { name: 'derivative', kind: 'test', points: 2, max_points: 2, passed: true, message: null, error: null },
    ]);
    expect(answer.submission).toEqual(runNotebook([PRACTICE]));
    expect(answer.feedback).toBe('All 2 checks passed: 3 of 3 points.');
  });

  it("a failed assert fails its test: the message is str() of the assertion's message, null without one", () => {
    const answer = grade([FORGOT_X], [
      ...TESTS,
      { name: 'empty message', points: 1, source: "assert False, ''" },
      { name: 'tensor message', points: 1, source: 'assert x.grad is None, x.grad' },
      { name: 'raised', points: 1, source: "raise AssertionError('by hand')" },
    ]);
    expect(answer.score).toBe(0);
    expect(answer.max_score).toBe(6);
    expect(outcomes(answer)).toEqual({
      value: [false, null, null],
      derivative: [false, 'dy/dx at 1 should be 7, got 6.0', null],
      'empty message': [false, '', null],
      'tensor message': [false, 'tensor(6.)', null],
      raised: [false, 'by hand', null],
    });
    expect(answer.tests[1]).toEqual({ name: 'derivative', kind: 'test', points: 0, max_points: 2, passed: false, message: 'dy/dx at 1 should be 7, got 6.0', error: null });
    expect(answer.feedback).toBe(
      'You earned 0 of 6 points (0 of 5 checks passed). "value" failed. "derivative" failed: dy/dx at 1 should be 7, got 6.0. "empty message" failed. "tensor message" failed: tensor(6.). "raised" failed: by hand.',
    );
  });

  it("any other exception is the test's error (type, message, line), and the other tests still run", () => {
    const answer = grade([PRACTICE], [
      { name: 'typo', points: 1, source: 'assert torch.isclose(y, torch.tensor(3.0))\nassert torch.isclose(z, y)' },
      { name: 'torch error', points: 1, source: 'y.backward()' },
      { name: 'division', points: 1, source: 'n = 1 / 0' },
      TESTS[1],
    ]);
    expect(answer.tests.slice(0, 3).map((t) => t.error)).toEqual([
      { type: 'NameError', message: "name 'z' is not defined", line: 2 },
      { type: 'RuntimeError', message: expect.stringContaining('Trying to backward through the graph a second time'), line: 1 },
      { type: 'ZeroDivisionError', message: 'division by zero', line: 1 },
    ]);
    expect(answer.tests.slice(0, 3).every((t) => !t.passed && t.message === null && t.points === 0)).toBe(true);
    expect(answer.tests[3].passed).toBe(true);
    expect(answer.score).toBe(2);
    expect(answer.feedback).toContain(`"typo" raised NameError: name 'z' is not defined.`);
    expect(answer.feedback).toContain('"division" raised ZeroDivisionError: division by zero.');
  });

  it('a test past its share of the step or work budget fails with a TimeoutError; the next test runs', () => {
    const answer = grade([PRACTICE], [
      { name: 'endless', points: 1, source: 'while True:\n    pass' },
      { name: 'heavy', points: 1, source: 't = torch.ones(1000000)\nfor i in range(100):\n    t = t * 2' },
      TESTS[0],
    ]);
    expect(answer.tests[0].error).toEqual({ type: 'TimeoutError', message: `the test did not finish within its share of the budget (${GRADE_LIMITS.maxStepsPerTest} interpreter steps)` });
    expect(answer.tests[1].error).toEqual({ type: 'TimeoutError', message: expect.stringContaining(`its share of the budget (${GRADE_LIMITS.maxWorkPerTest} units`) });
    expect(answer.tests[2].passed).toBe(true);
    expect(answer.feedback).toContain('"endless" was stopped: the test did not finish within its share of the budget');
  });

  it("a test that passes the request's own work limit stops the request (the runner then moves it to the pool), not the test", () => {
    const job = () => grade([PRACTICE], [{ name: 'endless', points: 1, source: 'while True:\n    pass' }]);
    expect(() => withWorkMeter(200_000, job)).toThrow(WorkLimitExceeded);
  });

  it('a submission that raises halfway: tests see what was bound before the error, and the feedback names the error', () => {
    const halfway = 'import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\nprint(undefined_name)\ny.backward()';
    const answer = grade([halfway, 'z = 1'], [...TESTS, { name: 'later cells ran', points: 1, source: 'assert z == 1' }]);
    expect(answer.submission?.cells[0].error).toEqual({ type: 'NameError', message: "name 'undefined_name' is not defined", line: 4 });
    expect(outcomes(answer)).toEqual({
      value: [true, null, null],
      derivative: [false, null, 'TypeError'],
      'later cells ran': [true, null, null],
    });
    expect(answer.score).toBe(2);
    expect(answer.feedback).toMatch(/^You earned 2 of 4 points \(2 of 3 checks passed\)\. Your notebook did not run cleanly: cell 1 raised NameError at line 4: name 'undefined_name' is not defined\. "derivative" raised TypeError: /);
  });
});

describe('gradeNotebook: tampering', () => {
  it("assigning or deleting module attributes is an error in the student's cell, and changes nothing", () => {
    const attempts = [
      'torch.isclose = lambda *a, **k: True',
      "setattr(torch, 'allclose', lambda *a, **k: True)",
      'del torch.isclose',
      'torch.Tensor.isclose = lambda *a, **k: True',
      'torch.nn.functional.relu = abs',
      'math.pi = 3',
      'np.pi = 3',
      'plt.show = print',
    ];
    const imports = 'import torch\nimport math\nimport numpy as np\nimport matplotlib.pyplot as plt\nimport torch.nn.functional as F';
    const answer = grade([imports, FORGOT_X, ...attempts], [...TESTS, { name: 'modules intact', points: 1, source: 'assert math.pi > 3.14 and np.pi > 3.14\nassert F.relu is torch.nn.functional.relu' }]);
    const errors = answer.submission?.cells.slice(2).map((c) => c.error && `${c.error.type}: ${c.error.message}`);
    expect(errors).toEqual([
      "AttributeError: module 'torch' is read-only here: cannot set attribute 'isclose'",
      "AttributeError: module 'torch' is read-only here: cannot set attribute 'allclose'",
      "AttributeError: module 'torch' is read-only here: cannot delete attribute 'isclose'",
      "TypeError: cannot set 'isclose' attribute of immutable type 'torch.Tensor'",
      "AttributeError: module 'torch.nn.functional' is read-only here: cannot set attribute 'relu'",
      "AttributeError: module 'math' is read-only here: cannot set attribute 'pi'",
      "AttributeError: module 'numpy' is read-only here: cannot set attribute 'pi'",
      "AttributeError: module 'matplotlib.pyplot' is read-only here: cannot set attribute 'show'",
    ]);
    expect(outcomes(answer)).toEqual({ value: [false, null, null], derivative: [false, 'dy/dx at 1 should be 7, got 6.0', null], 'modules intact': [true, null, null] });
  });

  it('shadowing torch (and np, math, F, plt) never reaches a test: there they are the real modules', () => {
    const fake = 'class FakeTorch:\n    def isclose(self, a, b):\n        return True\n    def tensor(self, v):\n        return v\ntorch = FakeTorch()\nnp = math = F = plt = nn = FakeTorch()';
    const answer = grade([FORGOT_X, fake], [...TESTS, { name: 'real modules', points: 1, source: "assert type(torch).__name__ == 'module'" }]);
    expect(answer.submission?.cells.map((c) => c.error)).toEqual([null, null]);
    expect(outcomes(answer)).toEqual({ value: [false, null, null], derivative: [false, 'dy/dx at 1 should be 7, got 6.0', null], 'real modules': [true, null, null] });
    const named = grade([FORGOT_X, fake], [{ name: 'names', points: 1, source: 'import torch as real\nassert torch is real and np.pi > 3 and math.sqrt(4) == 2 and F.relu is real.nn.functional.relu and plt.plot and nn.functional is F' }]);
    expect(outcomes(named)).toEqual({ names: [true, null, null] });
  });

  it('builtins a submission rebinds (assert-like helpers, isinstance, abs, len, bool, AssertionError) are the real ones in tests', () => {
    const cheats = [
      'def isinstance(*args):\n    return True',
      'abs = lambda v: 0',
      'len = lambda v: 3',
      'bool = lambda v: True',
      'def isclose(*args, **kwargs):\n    return True',
      'class AssertionError(Exception):\n    pass',
      'def assert_equal(a, b):\n    return True',
      'print = None',
    ];
    const tests: GradeTestSpec[] = [
      { name: 'isinstance', points: 1, source: "assert not isinstance(y, str), 'y is a tensor'" },
      { name: 'abs', points: 1, source: 'assert abs(y.item() - 3) < 1e-6, f"y should be 3, got {y.item()}"' },
      { name: 'len', points: 1, source: "assert len('ab') == 2" },
      { name: 'bool', points: 1, source: 'assert not bool(0)' },
      { name: 'assert', points: 1, source: 'assert torch.isclose(y, torch.tensor(3.0)), "y should be 3"' },
      { name: 'print', points: 1, source: "print('works')" },
    ];
    const answer = grade([FORGOT_X, ...cheats], tests);
    expect(answer.submission?.cells.every((c) => c.error === null)).toBe(true);
    expect(outcomes(answer)).toEqual({
      isinstance: [true, null, null],
      abs: [false, 'y should be 3, got 2.0', null],
      len: [true, null, null],
      bool: [true, null, null],
      assert: [false, 'y should be 3', null],
      print: [true, null, null],
    });
    // The submission's own code keeps its bindings.
    const own = grade(['def isinstance(*args):\n    return True\nanswer = isinstance(1, str)'], [{ name: 'own', points: 1, source: 'assert answer is True' }]);
    expect(own.tests[0].passed).toBe(true);
  });

  it('a class whose __eq__ always answers True does not pass a comparison with the reference', () => {
    const answer = grade(['class Liar:\n    def __eq__(self, other):\n        return True\nn = Liar()'], [], {
      reference: ['n = 3'],
      compare: [{ name: 'n', points: 1 }],
    });
    expect(answer.tests[0]).toMatchObject({ passed: false, message: 'n is a __main__.Liar object, expected 3' });
  });
});

describe('gradeNotebook: each test on its own copy of the namespace', () => {
  it("what a test changes in place (tensors, grads, graphs, containers, objects, globals of the submission's functions) the next test does not see", () => {
    const submission = [
      'import torch\nx = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward(retain_graph=True)',
      "w = torch.tensor([1.0, 2.0])\nv = w[1:]\nq = [1, 2]\nd = {'k': 1}\nclass Box:\n    pass\nbox = Box()\nbox.v = 1\ncounter = 0\ndef bump():\n    global counter\n    counter += 1",
    ];
    const reads =
      'assert x.grad.item() == 7.0 and x.item() == 1.0 and x.requires_grad, f"x {x}, x.grad {x.grad}"\n' +
      'assert w.tolist() == [1.0, 2.0] and v.tolist() == [2.0], f"w {w}, v {v}"\n' +
      "assert q == [1, 2] and d == {'k': 1} and box.v == 1 and counter == 0, f'{q} {d} {box.v} {counter}'\n" +
      'assert torch.isclose(y, torch.tensor(3.0)) and y.grad_fn is not None\n' +
      'try:\n    leaked\n    seen = True\nexcept NameError:\n    seen = False\nassert not seen, "a binding of an earlier test leaked"\n' +
      'y.backward(retain_graph=True)\nassert x.grad.item() == 14.0';
    const vandal =
      'y.backward()\n' + // accumulates into x.grad and frees the graph
      'x.grad.zero_()\nx.data = torch.tensor(5.0)\nx.requires_grad_(False)\n' +
      'w[0] = 50.0\nv.add_(1)\nw.mul_(3)\n' +
      "q.append(99)\nq[0] = -1\nd['k'] = 0\nd['new'] = 1\nbox.v = 0\nbox.extra = 1\nbump()\nbump.attribute = 1\n" +
      'y = 0\nleaked = True';
    const answer = grade(submission, [
      { name: 'reads first', points: 1, source: reads },
      { name: 'vandal', points: 1, source: vandal },
      { name: 'reads after', points: 1, source: reads },
      { name: 'vandal again', points: 1, source: vandal },
      { name: 'reads last', points: 1, source: reads },
    ]);
    expect(outcomes(answer)).toEqual({
      'reads first': [true, null, null],
      vandal: [true, null, null],
      'reads after': [true, null, null],
      'vandal again': [true, null, null],
      'reads last': [true, null, null],
    });
  });

  it('in-place writes of a test through a view and a custom autograd.Function are undone too', () => {
    const submission =
      'import torch\nclass SQ(torch.autograd.Function):\n    @staticmethod\n    def forward(ctx, i):\n        ctx.save_for_backward(i)\n        return i ** 2\n    @staticmethod\n    def backward(ctx, g):\n        i, = ctx.saved_tensors\n        return 2 * i * g\n' +
      'a = torch.tensor([1.0, 2.0, 3.0], requires_grad=True)\nb = SQ.apply(a).sum()\nb.backward(retain_graph=True)\nrows = a.detach().view(3, 1)';
    const check = 'assert a.grad.tolist() == [2.0, 4.0, 6.0] and rows.view(-1).tolist() == [1.0, 2.0, 3.0], f"{a.grad} {rows}"\nb.backward(retain_graph=True)\nassert a.grad.tolist() == [4.0, 8.0, 12.0]';
    const answer = grade([submission], [
      { name: 'check', points: 1, source: check },
      { name: 'write', points: 1, source: 'rows[0, 0] = 100.0\na.grad.mul_(0)\nb.backward()' },
      { name: 'check again', points: 1, source: check },
    ]);
    // rows shares a's version counter: writing it makes a's saved value stale, as in PyTorch; the next test sees none of it.
    expect(answer.tests[1].error).toMatchObject({ type: 'RuntimeError', message: expect.stringContaining('modified by an inplace operation'), line: 3 });
    expect(outcomes(answer)).toMatchObject({ check: [true, null, null], 'check again': [true, null, null] });
  });
});

describe('gradeNotebook: deep values', () => {
  it('a namespace of deeply nested lists is copied for each test and compared without recursing on the stack', () => {
    const nested = 'a = []\nfor i in range(20000):\n    a = [a]';
    const answer = grade([nested], [
      { name: 'cut', points: 1, source: 'a[0][0] = None' },
      { name: 'intact', points: 1, source: 'assert a[0][0] is not None and len(a[0][0]) == 1' },
    ], { reference: [nested], compare: [{ name: 'a', points: 1 }] });
    expect(outcomes(answer)).toEqual({
      cut: [true, null, null],
      intact: [true, null, null],
      a: [false, 'a cannot be compared: it holds more than grading compares (32 levels of nesting, 10000 items, 1000000 tensor elements)', null],
    });
  });
});

describe('gradeNotebook: comparison with a reference notebook', () => {
  const REFERENCE =
    "import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 3\ny.sum().backward()\nn = 3\nlr = 0.1\nnames = ['a', 'b']";
  const COMPARE = [
    { name: 'x', points: 2 },
    { name: 'y', points: 1 },
    { name: 'n', points: 1 },
    { name: 'lr', points: 1 },
    { name: 'names', points: 1 },
  ];
  const compare = (submission: string, items: GradeJob['compare'] = COMPARE, tolerance = { rtol: 1e-5, atol: 1e-8 }) => {
    const answer = grade([submission], [], { reference: [REFERENCE], compare: items, tolerance });
    return Object.fromEntries(answer.tests.map((t) => [t.name, t.message]));
  };

  it('the same notebook passes every comparison', () => {
    const answer = grade([REFERENCE], [], { reference: [REFERENCE], compare: COMPARE });
    expect(answer.score).toBe(6);
    expect(answer.tests.every((t) => t.kind === 'compare' && t.passed && t.message === null && t.error === null)).toBe(true);
  });

  it('each tensor field: shape, dtype, data, grad, grad_fn, requires_grad, with what differs and by how much', () => {
    const variant = (from: string, to: string) => compare(REFERENCE.replace(from, to));
    expect(variant('[1.0, 2.0], requires_grad', '[[1.0, 2.0]], requires_grad')).toMatchObject({
      x: 'x.shape is torch.Size([1, 2]), expected torch.Size([2]); x.grad has shape torch.Size([1, 2]), expected torch.Size([2])',
      y: 'y.shape is torch.Size([1, 2]), expected torch.Size([2])',
    });
    expect(variant('requires_grad=True)', 'requires_grad=True, dtype=torch.float64)')).toMatchObject({
      x: 'x.dtype is torch.float64, expected torch.float32',
      y: 'y.dtype is torch.float64, expected torch.float32',
    });
    expect(variant('[1.0, 2.0]', '[1.0, 2.5]')).toMatchObject({ x: 'x is [1, 2.5], expected [1, 2] (off by 0.5 at index [1])', y: 'y is [3, 7.5], expected [3, 6] (off by 1.5 at index [1])' });
    expect(variant('y.sum().backward()', '(2 * y).sum().backward()')).toMatchObject({ x: 'x.grad is [6, 6], expected [3, 3] (off by 3 at index [0])', y: null });
    expect(variant('y = x * 3', 'y = x + x + x')).toMatchObject({ x: null, y: 'y.grad_fn is AddBackward0, expected MulBackward0' });
    expect(variant('[1.0, 2.0], requires_grad=True)\ny = x * 3\ny.sum().backward()', '[1.0, 2.0])\ny = x * 3')).toMatchObject({
      x: 'x.requires_grad is False, expected True; x.grad is None (no gradient reached x), expected [3, 3]',
      y: 'y.requires_grad is False, expected True; y.grad_fn is None, expected MulBackward0',
    });
    expect(variant('y.sum().backward()', 'y.sum().backward()\nx.grad = x.grad * 0 + 3\nx.grad = None')).toMatchObject({ x: 'x.grad is None (no gradient reached x), expected [3, 3]' });
  });

  it('fields choose what is compared, and the tolerance is /v1/check\'s (per request and per variable)', () => {
    const float64 = REFERENCE.replace('requires_grad=True)', 'requires_grad=True, dtype=torch.float64)');
    expect(compare(float64, [{ name: 'x', points: 1, fields: ['data', 'grad', 'grad_fn'] }])).toEqual({ x: null });
    const close = REFERENCE.replace('[1.0, 2.0]', '[1.0, 2.00001]');
    expect(compare(close, [{ name: 'x', points: 1, fields: ['data'] }])).toEqual({ x: null });
    expect(compare(close, [{ name: 'x', points: 1, fields: ['data'] }], { rtol: 0, atol: 0 })).toEqual({ x: 'x is [1, 2.00001], expected [1, 2] (off by 1.00136e-05 at index [1])' });
    expect(compare(close, [{ name: 'x', points: 1, fields: ['data'], tolerance: { rtol: 0 } }])).toEqual({ x: 'x is [1, 2.00001], expected [1, 2] (off by 1.00136e-05 at index [1])' });
    const far = REFERENCE.replace('[1.0, 2.0]', '[1.0, 2.1]');
    expect(compare(far, [{ name: 'x', points: 1, fields: ['data'], tolerance: { atol: 0.2 } }])).toEqual({ x: null });
  });

  it('other values by equality (numbers within the tolerance), a missing variable, a tensor where a number is expected', () => {
    const others = (body: string) => compare(`import torch\nx = torch.tensor([1.0, 2.0], requires_grad=True)\ny = x * 3\ny.sum().backward()\n${body}`);
    expect(others("n = 3.0\nlr = 0.1 + 1e-9\nnames = ['a', 'b']")).toMatchObject({ n: null, lr: null, names: null });
    expect(others("n = 4\nlr = 0.2\nnames = ('a', 'b')")).toMatchObject({ n: 'n is 4, expected 3', lr: 'lr is 0.2, expected 0.1', names: "names is ('a', 'b'), expected ['a', 'b']" });
    expect(others("lr = 0.1\nnames = ['a', 'b']")).toMatchObject({ n: 'n is not defined in your notebook' });
    expect(others("n = torch.tensor(3)\nlr = 0.1\nnames = ['a']")).toMatchObject({ n: 'n should be an int (3), but yours is a tensor (3)', names: "names is ['a'], expected ['a', 'b']" });
    expect(compare('x = 1.5', [{ name: 'x', points: 1 }])).toEqual({ x: 'x should be a tensor, but yours is a float (1.5)' });
  });

  it('compare entries follow the tests; a missing variable is named in the feedback', () => {
    const answer = grade([FORGOT_X], TESTS.slice(0, 1), { reference: [`${PRACTICE}\nz = 1`], compare: [{ name: 'y', points: 1 }, { name: 'z', points: 1 }] });
    expect(answer.tests.map((t) => [t.name, t.kind])).toEqual([['value', 'test'], ['y', 'compare'], ['z', 'compare']]);
    expect(answer.feedback).toBe(
      'You earned 0 of 3 points (0 of 3 checks passed). "value" failed. Compared with the reference, y.grad_fn is MulBackward0, expected AddBackward0; y is 2, expected 3 (off by 1). Compared with the reference, z is not defined in your notebook.',
    );
  });

  it('a reference that raises, or that does not define a compared name, is a problem (422), not a grade', () => {
    const failing = () => grade([PRACTICE], [], { reference: ['import torch\ny = torch.tensor(1.0)\ny.backward()'], compare: [{ name: 'y', points: 1 }] });
    expect(failing).toThrow(ProblemError);
    expect(failing).toThrow("the reference notebook raised RuntimeError in cell 1 (line 3): element 0 of tensors does not require grad and does not have a grad_fn");
    const missing = () => grade([PRACTICE], [], { reference: [PRACTICE], compare: [{ name: 'q', points: 1 }] });
    expect(missing).toThrow("compare names 'q', which the reference notebook does not define");
  });
});
