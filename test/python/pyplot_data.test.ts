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
    // equal data plotted twice is one array in the answer
    expect(xs[1]).toBe(xs[0]);
  });
});

describe('plotting is metered', () => {
  const workOf = (cell: string) => withWorkMeter(Infinity, () => runNotebook([`import torch\nimport matplotlib.pyplot as plt\n${cell}`])).work;

  it('drawing a figure costs work in proportion to its points', () => {
    const small = workOf('x = torch.linspace(0, 1, 10)\nplt.plot(x.numpy(), x.numpy())\nplt.show()');
    const large = workOf('x = torch.linspace(0, 1, 1010)\nplt.plot(x.numpy(), x.numpy())\nplt.show()');
    // 1000 more points: copied twice, compared once, drawn once (10 units a point)
    expect(large - small).toBeGreaterThanOrEqual(1000 * (2 + 10));
  });

  it('finding an equal recorded line is paid for: lines that differ only at the end cost each comparison', () => {
    const lines = 40;
    const cell = `x = torch.zeros(1000)\nfor i in range(${lines}):\n    x[999] = i\n    plt.plot(x.numpy())`;
    // each new line is compared, in full, with every line already recorded
    expect(workOf(cell)).toBeGreaterThanOrEqual(((lines * (lines - 1)) / 2) * 1000);
  });

  it('a cell that plots without end is stopped by the work limit, as a loop is', () => {
    const cells = ['import torch\nimport matplotlib.pyplot as plt\nx = torch.zeros(1000)\nwhile True:\n    plt.plot(x.numpy())'];
    expect(() => withWorkMeter(200_000, () => runNotebook(cells))).toThrow(WorkLimitExceeded);
  });
});
