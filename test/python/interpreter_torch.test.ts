import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/python/run.js';

interface Program {
  name: string;
  source: string;
  stdout: string;
  error: string | null;
}

const { programs } = JSON.parse(readFileSync(new URL('./fixtures/torch_programs.json', import.meta.url), 'utf8')) as { programs: Program[] };

/** Object addresses differ from run to run. */
const normalize = (text: string) => text.replace(/0x[0-9a-f]+/g, '0x?');

describe('PyTorch programs print what torch 1.13 prints (fixture computed by Python 3.11 + torch)', () => {
  it.each(programs.map((p) => [p.name, p] as const))('%s', (_name, program) => {
    const [cell] = runNotebook([program.source]).cells;
    expect(cell.error).toBeNull();
    expect(normalize(cell.stdout)).toBe(normalize(program.stdout));
  });
});

describe('custom autograd.Function', () => {
  it("names its node <Name>Backward and prints it as torch.autograd.function's", () => {
    const source = [
      'import torch',
      'class SQ(torch.autograd.Function):',
      '    @staticmethod',
      '    def forward(ctx, i):',
      '        ctx.save_for_backward(i)',
      '        return i ** 2',
      '    @staticmethod',
      '    def backward(ctx, grad_output):',
      '        i, = ctx.saved_tensors',
      '        return 2 * i',
      'x = torch.tensor(2.0, requires_grad=True)',
      'y = SQ.apply(x) * 3',
      'y.backward()',
      'print(y.grad_fn.next_functions[0][0])',
      'print(x.grad)',
      'SQ.apply(x).grad_fn',
    ].join('\n');
    const [cell] = runNotebook([source]).cells;
    expect(cell.error).toBeNull();
    expect(normalize(cell.stdout)).toBe('<torch.autograd.function.SQBackward object at 0x?>\ntensor(4.)\n');
    expect(normalize(cell.display ?? '')).toBe('<torch.autograd.function.SQBackward at 0x?>');
  });

  it('fails as torch does on a second backward through saved tensors', () => {
    const source = [
      'import torch',
      'class Cube(torch.autograd.Function):',
      '    @staticmethod',
      '    def forward(ctx, i):',
      '        ctx.save_for_backward(i)',
      '        return i ** 3',
      '    @staticmethod',
      '    def backward(ctx, g):',
      '        i, = ctx.saved_tensors',
      '        return 3 * i ** 2 * g',
      'x = torch.tensor(1.0, requires_grad=True)',
      'y = Cube.apply(x)',
      'y.backward()',
      'y.backward()',
    ].join('\n');
    const [cell] = runNotebook([source]).cells;
    expect(cell.error).toMatchObject({ type: 'RuntimeError', line: 14 });
    expect(cell.error?.message).toMatch(/^Trying to backward through the graph a second time/);
  });

  it('runs a backward pass inside its backward over nodes the outer pass is walking (tensor(9.), as torch 1.13)', () => {
    const source = [
      'import torch',
      'a = torch.tensor(2.0, requires_grad=True)',
      'b = a * 3',
      'class F(torch.autograd.Function):',
      '    @staticmethod',
      '    def forward(ctx, x):',
      '        ctx.save_for_backward(x)',
      '        return x * 2',
      '    @staticmethod',
      '    def backward(ctx, g):',
      '        x, = ctx.saved_tensors',
      '        inner, = torch.autograd.grad(b, a, retain_graph=True)',
      '        return g * 2 + inner * 0',
      'y = F.apply(b) + b',
      'y.backward()',
      'print(a.grad)',
    ].join('\n');
    const [cell] = runNotebook([source]).cells;
    expect(cell.error).toBeNull();
    expect(cell.stdout).toBe('tensor(9.)\n');
  });
});

describe('display and variables', () => {
  it('shows the last expression as IPython does, nothing after a semicolon or for None', () => {
    const answer = runNotebook(['import torch\nx = torch.tensor([1.0, 2.0])\nx * 2', 'x * 2;', 'print("p")', '[list(range(30)), "a" * 40]', '{"key": (1, 2.5), "n": None}']);
    expect(answer.cells.map((c) => c.display)).toEqual([
      'tensor([2., 4.])',
      null,
      null,
      "[[0,\n  1,\n  2,\n  3,\n  4,\n  5,\n  6,\n  7,\n  8,\n  9,\n  10,\n  11,\n  12,\n  13,\n  14,\n  15,\n  16,\n  17,\n  18,\n  19,\n  20,\n  21,\n  22,\n  23,\n  24,\n  25,\n  26,\n  27,\n  28,\n  29],\n 'aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa']",
      "{'key': (1, 2.5), 'n': None}",
    ]);
  });

  it('reports every bound name but private ones, modules, classes and functions', () => {
    const answer = runNotebook(['import torch\nimport math as m\nclass A: pass\ndef f(): pass\nsq = torch.exp\n_hidden = 1\nn = 2\ns = "t"\nl = [1.5]\nt = torch.tensor([1, 2])']);
    expect(Object.keys(answer.variables).sort()).toEqual(['l', 'n', 's', 't']);
    expect(answer.variables.n).toEqual({ type: 'int', repr: '2' });
    expect(answer.variables.s).toEqual({ type: 'str', repr: "'t'" });
    expect(answer.variables.t).toMatchObject({ dtype: 'int64', data: [1, 2], repr: 'tensor([1, 2])' });
  });
});
