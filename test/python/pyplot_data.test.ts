import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/python/run.js';
import { withWorkMeter, WorkLimitExceeded } from '../../src/engine/meter.js';

describe('pyplot records the data as it was when plotted', () => {
  it('keeps each line its own values when a tensor changes in place between plots, and shares equal ones', () => {
    const answer = runNotebook([
      [
        'import torch',
        'import matplotlib.pyplot as plt',
        'x = torch.linspace(0, 1, 5)',
        'plt.plot(x.numpy(), (x * 2).numpy())',
        'plt.plot(x.numpy(), (x * 3).numpy())',
        'x.add_(1)',
        'plt.plot(x.numpy(), x.numpy())',
        'plt.show()',
      ].join('\n'),
    ]);
    expect(answer.cells[0].error).toBeNull();
    const [figure] = answer.cells[0].figures;
    const xs = figure.lines.map((l) => l.x);
    expect(xs[0]).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(xs[1]).toEqual([0, 0.25, 0.5, 0.75, 1]);
    expect(xs[2]).toEqual([1, 1.25, 1.5, 1.75, 2]);
    expect(figure.lines[2].y).toEqual([1, 1.25, 1.5, 1.75, 2]);
    expect(figure.lines[1].y).toEqual([0, 0.75, 1.5, 2.25, 3]);
    // the same tensor plotted twice (unchanged) is one array in the answer
    expect(xs[1]).toBe(xs[0]);
  });

  it('shares one array between a figure and variables for a tensor unchanged since it was plotted, and a new one after a write', () => {
    const answer = runNotebook([
      ['import torch', 'import matplotlib.pyplot as plt', 'x = torch.linspace(-1, 1, 100)', 'g = torch.relu(x)', 'plt.plot(x.detach().numpy(), g.numpy())', 'plt.show()'].join('\n'),
      ['plt.plot(x.numpy(), x.numpy())', 'x.mul_(2)', 'plt.plot(x.numpy(), g.numpy())', 'plt.show()'].join('\n'),
    ]);
    const [first, second] = answer.cells.map((c) => c.figures[0]);
    const variables = answer.variables as Record<string, { data: unknown }>;
    expect(first.lines[0].y).toBe(variables.g.data);
    expect(second.lines[0].x).toBe(first.lines[0].x);
    expect(second.lines[1].y).toBe(variables.g.data);
    // x was written after it was plotted: the figures keep the values they were drawn with
    expect(second.lines[1].x).toBe(variables.x.data);
    expect(second.lines[1].x).not.toBe(first.lines[0].x);
    expect((second.lines[1].x as number[])[99]).toBe(2);
    expect((first.lines[0].x as number[])[99]).toBe(1);
  });
});

describe('plotting is metered', () => {
  const workOf = (cell: string) => withWorkMeter(Infinity, () => runNotebook([`import torch\nimport matplotlib.pyplot as plt\n${cell}`])).work;

  it('drawing a figure costs work in proportion to its points', () => {
    const small = workOf('x = torch.linspace(0, 1, 10)\nplt.plot(x.numpy(), x.numpy())\nplt.show()');
    const large = workOf('x = torch.linspace(0, 1, 1010)\nplt.plot(x.numpy(), x.numpy())\nplt.show()');
    // 1000 more points: read twice (x and y), drawn once (10 units a point)
    expect(large - small).toBeGreaterThanOrEqual(1000 * (2 + 10));
  });

  it('every plotted value is paid for, also when the values are shared with an earlier line', () => {
    const lines = 40;
    const changing = workOf(`x = torch.zeros(1000)\nfor i in range(${lines}):\n    x[999] = i\n    plt.plot(x.numpy())`);
    const same = workOf(`x = torch.zeros(1000)\nfor i in range(${lines}):\n    plt.plot(x.numpy())`);
    for (const work of [changing, same]) expect(work).toBeGreaterThanOrEqual(lines * 1000);
  });

  it('a cell that plots without end is stopped by the work limit, as a loop is', () => {
    const cells = ['import torch\nimport matplotlib.pyplot as plt\nx = torch.zeros(1000)\nwhile True:\n    plt.plot(x.numpy())'];
    expect(() => withWorkMeter(200_000, () => runNotebook(cells))).toThrow(WorkLimitExceeded);
  });
});
