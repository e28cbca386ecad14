import { describe, expect, it } from 'vitest';
import { runNotebook } from '../../src/python/run.js';

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
