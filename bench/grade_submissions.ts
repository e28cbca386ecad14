/**
 * Submissions of the course's two practice exercises (the lab "Differentiation in PyTorch"), as a
 * class hands them in: right answers written in several ways, wrong ones (a term forgotten, the
 * wrong point, backward never called), broken ones (syntax errors, a name error halfway, attempts to
 * tamper with torch) and a few bodies that are not notebooks at all. Each comes with the answer
 * POST /v1/grade/batch must give it (status, and score when graded). Used by the batch test
 * (test/routes/grade.test.ts) and the grading benchmark (bench/grade.ts).
 */
import type { CompareField } from '../schemas/grade.js';

export interface PracticeTest {
  name: string;
  points: number;
  source: string;
}

export interface PracticeExercise {
  name: string;
  /** The instructor's notebook. */
  reference: string[];
  tests: PracticeTest[];
  compare: { name: string; points: number; fields?: CompareField[] }[];
  variants: Variant[];
}

interface Variant {
  kind: 'right' | 'wrong' | 'broken' | 'malformed';
  /** The submission body (a notebook, or for `malformed` anything else). */
  body: unknown;
  /** What the batch answers for it: 200 with this score, or this status. */
  status: number;
  score?: number;
}

const IMPORTS = 'import torch\nimport matplotlib.pylab as plt';

/** A notebook of the imports cell and one practice cell. */
function notebook(cell: string, imports = IMPORTS): { cells: string[] } {
  return { cells: [imports, `# Practice\n\n# Type your code here\n${cell}`] };
}

const graded = (kind: Variant['kind'], cell: string, score: number, imports?: string): Variant => ({ kind, body: notebook(cell, imports), status: 200, score });

/** Nested arrays deeper than any valid body: refused before it is read. */
function deepBody(): unknown {
  let nested: unknown = 'x = 1';
  for (let i = 0; i < 40; i++) nested = [nested];
  return { cells: nested };
}

const NOT_NOTEBOOKS: Variant[] = [
  { kind: 'malformed', body: { cells: 'x = 1' }, status: 400 },
  { kind: 'malformed', body: 42, status: 400 },
  { kind: 'malformed', body: { cells: [] }, status: 400 },
  { kind: 'malformed', body: deepBody(), status: 400 },
];

const TAMPER = '\ntorch.isclose = lambda *args, **kwargs: True';
const FAKE_TORCH = '\nclass Fake:\n    def isclose(self, *args):\n        return True\n    def tensor(self, value, **kwargs):\n        return value\ntorch = Fake()';

/** y = 2x³ + x at x = 1: y = 3, dy/dx = 7. Tests 3 points, comparisons 2. */
export const PRACTICE_DERIVATIVE: PracticeExercise = {
  name: 'y = 2x^3 + x at x = 1',
  reference: [IMPORTS, 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward()'],
  tests: [
    { name: 'y at x = 1', points: 1, source: "assert torch.isclose(y, torch.tensor(3.0)), f'y should be 3, got {y}'" },
    { name: 'dy/dx at x = 1', points: 2, source: "assert x.grad is not None, 'x.grad is None: call y.backward()'\nassert torch.isclose(x.grad, torch.tensor(7.0)), f'dy/dx at 1 should be 7, got {x.grad}'" },
  ],
  compare: [
    { name: 'y', points: 1 },
    { name: 'x', points: 1, fields: ['grad'] },
  ],
  variants: [
    graded('right', 'x = torch.tensor(1.0, requires_grad = True)\ny = 2 * x ** 3 + x\ny.backward()\nprint("The derivative result: ", x.grad)', 5),
    graded('right', 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x * x * x + x\ny.backward()', 5),
    graded('right', 'x = torch.tensor(1., requires_grad=True)\ny = x + 2 * x ** 3\ny.backward()\nx.grad', 5),
    graded('right', 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward()' + FAKE_TORCH, 5),
    graded('wrong', 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3\ny.backward()', 0),
    graded('wrong', 'x = torch.tensor(2.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward()', 0),
    // y is right, its derivative is missing: the value test and the comparison of y pass
    graded('wrong', 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x', 2),
    // 2x² + x is 3 at 1 too, but its derivative is 5
    graded('wrong', 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 2 + x\ny.backward()', 2),
    graded('broken', 'x = torch.tensor(1.0, requires_grad=True\ny = 2 * x ** 3 + x\ny.backward()', 0),
    graded('broken', 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\nprint(X.grad)\ny.backward()', 2),
    graded('broken', 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3\ny.backward()' + TAMPER, 0),
    // no requires_grad: backward raises; y's value is right but it is no graph's output
    graded('broken', 'x = torch.tensor(1.0)\ny = 2 * x ** 3 + x\ny.backward()', 1),
    graded('broken', 'x = torch.tensor(1.0, requires_grad=True)\ny = 2 * x ** 3 + x\ny.backward()', 0, 'import os\nimport torch'),
    ...NOT_NOTEBOOKS,
  ],
};

/** f = uv + (uv)² at u = 2, v = 1: f = 6, df/du = 5, df/dv = 10. Tests 5 points (the playground's), comparison 1. */
export const PRACTICE_PARTIALS: PracticeExercise = {
  name: 'f = uv + (uv)^2 at u = 2, v = 1',
  reference: [IMPORTS, 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + (u * v) ** 2\nf.backward()'],
  tests: [
    { name: 'f at u = 2, v = 1', points: 1, source: "assert torch.isclose(f, torch.tensor(6.0)), f'f should be 6, got {f}'" },
    { name: 'df/du', points: 2, source: "assert torch.isclose(u.grad, torch.tensor(5.0)), f'df/du at (2, 1) should be 5, got {u.grad}'" },
    { name: 'df/dv', points: 2, source: "assert v.grad is not None, 'v.grad is None: call f.backward()'\nassert torch.isclose(v.grad, torch.tensor(10.0)), f'df/dv at (2, 1) should be 10, got {v.grad}'" },
  ],
  compare: [{ name: 'f', points: 1 }],
  variants: [
    graded('right', 'u = torch.tensor(2.0, requires_grad = True)\nv = torch.tensor(1.0, requires_grad = True)\nf = u * v + (u * v) ** 2\nf.backward()\nprint("The result is ", u.grad)', 6),
    graded('right', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + u ** 2 * v ** 2\nf.backward()', 6),
    graded('right', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nw = u * v\nf = w + w ** 2\nf.backward()\nprint(u.grad, v.grad)', 6),
    graded('wrong', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + u * v ** 2\nf.backward()', 0),
    // u and v swapped: f is 6 there too, the partial derivatives are not
    graded('wrong', 'u = torch.tensor(1.0, requires_grad=True)\nv = torch.tensor(2.0, requires_grad=True)\nf = u * v + (u * v) ** 2\nf.backward()', 2),
    graded('wrong', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + (u * v) ** 2', 2),
    graded('wrong', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + (u * v) ** 3\nf.backward()', 0),
    graded('broken', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + (u * v) ** 2\n  f.backward()', 0),
    graded('broken', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + (u * v) ** 2\nprint(g)\nf.backward()', 2),
    graded('broken', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + u * v ** 2\nf.backward()' + TAMPER, 0),
    graded('broken', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + u * v ** 2\nf.backward()' + FAKE_TORCH, 0),
    graded('broken', 'u = torch.tensor(2.0, requires_grad=True)\nv = torch.tensor(1.0, requires_grad=True)\nf = u * v + (u * v) ** 2\nf.backward()', 0, 'import os\nimport torch'),
    ...NOT_NOTEBOOKS,
  ],
};

/** How often each kind is handed in. */
const SHARE: Record<Variant['kind'], number> = { right: 0.45, wrong: 0.3, broken: 0.2, malformed: 0.05 };

/**
 * `count` submissions of an exercise, drawn from its variants (right, wrong, broken, malformed in
 * the shares above) by a seeded generator, each with the answer it must get.
 */
export function practiceSubmissions(exercise: PracticeExercise, count: number, seed = 1): { submissions: unknown[]; expected: { status: number; score?: number }[] } {
  const random = mulberry32(seed);
  const byKind = new Map<Variant['kind'], Variant[]>();
  for (const v of exercise.variants) byKind.set(v.kind, [...(byKind.get(v.kind) ?? []), v]);
  const submissions: unknown[] = [];
  const expected: { status: number; score?: number }[] = [];
  for (let i = 0; i < count; i++) {
    let r = random();
    let kind: Variant['kind'] = 'right';
    for (const [k, share] of Object.entries(SHARE) as [Variant['kind'], number][]) {
      kind = k;
      if ((r -= share) < 0) break;
    }
    const choices = byKind.get(kind) as Variant[];
    const variant = choices[Math.floor(random() * choices.length)];
    submissions.push(variant.body);
    expected.push(variant.score === undefined ? { status: variant.status } : { status: variant.status, score: variant.score });
  }
  return { submissions, expected };
}

/** A small seeded generator (mulberry32): the same submissions on every run. */
function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The body of POST /v1/grade/batch for `count` submissions of an exercise. */
export function practiceBatch(exercise: PracticeExercise, count: number, seed = 1, includeSubmission = false) {
  const { submissions, expected } = practiceSubmissions(exercise, count, seed);
  return {
    body: { submissions, tests: exercise.tests, reference: { cells: exercise.reference }, compare: exercise.compare, include_submission: includeSubmission },
    expected,
  };
}
