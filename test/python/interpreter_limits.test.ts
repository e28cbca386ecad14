import { describe, expect, it } from 'vitest';
import { withWorkMeter, WorkLimitExceeded } from '../../src/engine/meter.js';
import { DEFAULT_RUN_LIMITS, runNotebook } from '../../src/python/run.js';

function errorsOf(cells: string[], limits = DEFAULT_RUN_LIMITS) {
  return runNotebook(cells, limits).cells.map((c) => (c.error ? `${c.error.type}@${c.error.line}` : c.stdout));
}

describe('step budget', () => {
  it('stops `while True: pass` with a TimeoutError in that cell; the next cell still runs', () => {
    const answer = runNotebook(['x = 0\nwhile True:\n    x += 1', 'print("still alive", x > 1000)']);
    expect(answer.cells[0].error?.type).toBe('TimeoutError');
    expect(answer.cells[0].error?.line).toBe(2);
    expect(answer.cells[1]).toMatchObject({ stdout: 'still alive True\n', error: null });
  });

  it('cannot be caught by try/except (not even BaseException)', () => {
    const answer = runNotebook(['try:\n    while True:\n        pass\nexcept BaseException:\n    print("caught")', 'print(1)']);
    expect(answer.cells[0].stdout).toBe('');
    expect(answer.cells[0].error?.type).toBe('TimeoutError');
    expect(answer.cells[1].stdout).toBe('1\n');
  });

  it('is per cell and configurable', () => {
    const limits = { ...DEFAULT_RUN_LIMITS, maxStepsPerCell: 1000 };
    expect(errorsOf(['for i in range(10):\n    pass\nprint("ok")', 'for i in range(10000):\n    pass'], limits)).toEqual(['ok\n', 'TimeoutError@1']);
  });

  it('gives reporting the variables a budget of its own', () => {
    const limits = { ...DEFAULT_RUN_LIMITS, maxStepsPerCell: 5000 };
    const answer = runNotebook(['big = list(range(4000))\nfor i in range(900):\n    pass'], limits);
    expect(answer.cells[0].error).toBeNull();
    expect(answer.variables.big).toMatchObject({ type: 'list' });
    expect((answer.variables.big as { repr: string }).repr.startsWith('[0, 1, 2')).toBe(true);
  });

  it('counts work in built-ins too (a long sum over a range)', () => {
    const limits = { ...DEFAULT_RUN_LIMITS, maxStepsPerCell: 10_000 };
    expect(errorsOf(['sum(range(10 ** 9))'], limits)).toEqual(['TimeoutError@1']);
  });
});

describe('recursion limit', () => {
  it('stops endless recursion with a RecursionError at the calling line; the next cell runs', () => {
    expect(errorsOf(['def f(n):\n    return f(n + 1)\n\nf(0)', 'print("alive")'])).toEqual(['RecursionError@4', 'alive\n']);
  });

  it('lets a program catch RecursionError', () => {
    const [cell] = runNotebook(['def f(n):\n    try:\n        return f(n + 1)\n    except RecursionError:\n        return n\nprint(f(0) > 100)']).cells;
    expect(cell).toMatchObject({ stdout: 'True\n', error: null });
  });

  it('runs recursion as deep as Python allows without overflowing Node', () => {
    const [cell] = runNotebook(['def f(n):\n    if n == 0:\n        return 0\n    return 1 + f(n - 1)\nprint(f(900))']).cells;
    expect(cell).toMatchObject({ stdout: '900\n', error: null });
  });

  it('survives mutual recursion through methods, lambdas and comprehensions', () => {
    const cells = [
      'class A:\n    def go(self, n):\n        return B().go(n + 1)\nclass B:\n    def go(self, n):\n        return A().go(n + 1)\nA().go(0)',
      'f = lambda n: [f(n + 1) for _ in range(1)]\nf(0)',
      'print("alive")',
    ];
    expect(errorsOf(cells)).toEqual(['RecursionError@7', 'RecursionError@2', 'alive\n']);
  });
});

describe('resource limits', () => {
  it('refuses huge tensors before allocating them', () => {
    expect(errorsOf(['import torch\nx = torch.zeros(10 ** 6, 10 ** 6)'])).toEqual(['MemoryError@2']);
  });

  it('refuses huge sequences and ints before building them', () => {
    expect(errorsOf(['x = [0] * 10 ** 9', "s = 'ab' * 10 ** 9", 'n = 10 ** (10 ** 8)'])).toEqual(['MemoryError@1', 'MemoryError@1', 'MemoryError@1']);
  });

  it('charges the text a format spec asks for before writing it (so a huge width moves to the pool)', () => {
    for (const source of ["x = f'{1.5:.1000000f}'", "x = '%.1000000f' % 1.5", "x = '{:>1000000}'.format(1)", "x = 'a'.center(10 ** 6)"]) {
      expect(() => withWorkMeter(50_000, () => runNotebook([source]))).toThrow(WorkLimitExceeded);
    }
  });

  it('meters the digits of printed numpy arrays by the elements shown (~1-2.5 us a float here: 300 reprs of 1000 took 0.7 s on 40k units before)', () => {
    const loop = (dtype: string) => `import torch\na = torch.linspace(-10, 10, 1000, dtype=torch.${dtype}).numpy()\nfor i in range(20):\n    s = repr(a)\n    t = str(a)`;
    for (const dtype of ['float32', 'float64', 'int64']) {
      expect(() => withWorkMeter(150_000, () => runNotebook([loop(dtype)])), dtype).toThrow(WorkLimitExceeded);
    }
    // a summarised array is charged for what it prints, not for its size
    const { work } = withWorkMeter(Infinity, () => runNotebook(['import torch\na = torch.zeros(10 ** 6).numpy()\ns = repr(a)']));
    expect(work).toBeLessThan(1_200_000);
  });

  it("meters a tensor's repr by the elements it shows, and a big int's digits", () => {
    // views are printed afresh each time (a repr is cached per tensor): ~45 us each, 164 units before
    expect(() => withWorkMeter(150_000, () => runNotebook(['import torch\nx = torch.linspace(-10, 10, 1000)\nfor i in range(40):\n    s = repr(x[:])']))).toThrow(WorkLimitExceeded);
    expect(() => withWorkMeter(150_000, () => runNotebook(['n = 7 ** 5000\nfor i in range(20):\n    s = str(n)']))).toThrow(WorkLimitExceeded);
    // printing the same tensor again is a cached text, not work
    const once = withWorkMeter(Infinity, () => runNotebook(['import torch\nx = torch.linspace(-10, 10, 1000)\ns = repr(x)'])).work;
    const often = withWorkMeter(Infinity, () => runNotebook(['import torch\nx = torch.linspace(-10, 10, 1000)\nfor i in range(40):\n    s = repr(x)'])).work;
    expect(often - once).toBeLessThan(40 * 1000);
  });

  it('refuses a long string from replace or join before building it, and replaces with a count in one pass', () => {
    expect(errorsOf(["s = 'a' * 10 ** 6\nt = s.replace('a', 'b' * 400)", "s = 'a' * 10 ** 6\nt = s.replace('', 'b' * 400)", "s = 'ab' * 10 ** 5\nt = ('x' * 100).join([s] * 1000)"])).toEqual(['MemoryError@2', 'MemoryError@2', 'MemoryError@2']);
    // a million single replacements (quadratic before: each rebuilt the whole text)
    expect(errorsOf(["s = 'a' * 10 ** 6\nprint(len(s.replace('a', 'bc', 10 ** 6)))"])).toEqual(['2000000\n']);
    // CPython 3.11's results
    const [cell] = runNotebook(["print(repr('abc'.replace('', '-', 2)), repr('a😀b'.replace('', '|')), repr('aaaa'.replace('a', 'b', 2)), repr(''.replace('', 'x')), repr('abc'.replace('', '-', 0)), repr('a-b-c'.replace('-', '', 1)), repr(', '.join(['a', 'b'])))"]).cells;
    expect(cell.stdout).toBe("'-a-bc' '|a|😀|b|' 'bbaa' 'x' 'abc' 'ab-c' 'a, b'\n");
  });

  it("meters repr() of long strings and whole-string methods (strip, count, case), and refuses expandtabs' long results", () => {
    // 10,000 characters: making the text is well under the limit, working on it 20 times is not
    for (const loop of ["s = ' ' * 10 ** 4 + 'a'\nfor i in range(20):\n    t = s.strip()", "s = 'ab' * 5000\nfor i in range(20):\n    t = s.count('a')", "s = '\\t' * 10 ** 4\nfor i in range(20):\n    t = repr(s)", "s = 'é\\n' * 5000\nfor i in range(20):\n    t = repr(s)", "s = 'aB' * 5000\nfor i in range(20):\n    t = s.swapcase()", "s = 'a b' * 3000\nfor i in range(20):\n    t = s.title()"]) {
      expect(() => withWorkMeter(150_000, () => runNotebook([loop])), loop).toThrow(WorkLimitExceeded);
    }
    expect(errorsOf(["s = 'a\\t' * 2 * 10 ** 6\nt = s.expandtabs()", "print('a\\tb'.expandtabs(), 'hello world'.title(), 'aB'.swapcase())"])).toEqual(['MemoryError@2', 'a        b Hello World Ab\n']);
  });

  it('bounds what a cell may print', () => {
    const limits = { ...DEFAULT_RUN_LIMITS, maxOutputChars: 100 };
    expect(errorsOf(['for i in range(100):\n    print("0123456789")'], limits)).toEqual(['MemoryError@2']);
  });

  it('lets the work meter stop a run: WorkLimitExceeded passes through try/except and cell boundaries', () => {
    const program = ['try:\n    while True:\n        pass\nexcept BaseException:\n    pass', 'print("never")'];
    expect(() => withWorkMeter(10_000, () => runNotebook(program))).toThrow(WorkLimitExceeded);
  });
});

describe('sandbox', () => {
  const refused = (source: string) => runNotebook([source, 'print("still alive")']).cells;

  it.each([
    ['import os', 'ModuleNotFoundError'],
    ['import subprocess', 'ModuleNotFoundError'],
    ['import sys', 'ModuleNotFoundError'],
    ['from os import path', 'ModuleNotFoundError'],
    ['import importlib', 'ModuleNotFoundError'],
    ['from . import x', 'ImportError'],
    ["open('/etc/passwd')", 'PermissionError'],
    ["eval('1 + 1')", 'PermissionError'],
    ["exec('y = 1')", 'PermissionError'],
    ["compile('1', 'f', 'eval')", 'PermissionError'],
    ["__import__('os')", 'PermissionError'],
    ['globals()', 'PermissionError'],
    ['locals()', 'PermissionError'],
    ['vars()', 'PermissionError'],
    ['breakpoint()', 'PermissionError'],
    ['input()', 'PermissionError'],
    ['().__class__.__bases__[0].__subclasses__()', 'AttributeError'],
    ["getattr(1, '__class__')", 'AttributeError'],
    ['(lambda: 0).__globals__', 'AttributeError'],
    ['print.__self__', 'AttributeError'],
    ['import math\nmath.__dict__', 'AttributeError'],
    ["import torch\ntorch.load('model.pt')", 'PermissionError'],
    ["import torch\ntorch.save(1, 'f')", 'PermissionError'],
    ["import numpy as np\nnp.load('x.npy')", 'PermissionError'],
    ["import matplotlib.pyplot as plt\nplt.savefig('f.png')", 'PermissionError'],
    ['import torch\ntorch.isclose = None', 'AttributeError'],
    ['int.x = 1', 'TypeError'],
    ['constructor', 'NameError'],
    ['__proto__', 'NameError'],
    ['toString()', 'NameError'],
    ["{}.constructor", 'AttributeError'],
    ["''.__proto__", 'AttributeError'],
    ["x = 1\nx.constructor", 'AttributeError'],
  ])('%s is refused with %s and the next cell runs', (source, type) => {
    const [first, second] = refused(source);
    expect(first.error?.type).toBe(type);
    expect(second).toMatchObject({ stdout: 'still alive\n', error: null });
  });

  it('hasattr sees no dunder attributes', () => {
    expect(runNotebook(["print(hasattr(1, '__class__'), hasattr([], 'append'))"]).cells[0].stdout).toBe('False True\n');
  });

  it('never lets two runs share a namespace or module state', () => {
    runNotebook(['import torch\nleak = 1\ntorch.manual_seed(5)']);
    const [cell] = runNotebook(['print(leak)']).cells;
    expect(cell.error?.type).toBe('NameError');
  });
});
