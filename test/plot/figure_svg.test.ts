import { describe, expect, it } from 'vitest';
import { chartFigure } from '../../src/plot/chart.js';
import { COLOR_CYCLE, renderFigureSvg } from '../../src/plot/figure_svg.js';
import { axisTitles, byClass, descendants, legendLabels, lineSeries, parseSvg } from './svg.js';

describe('renderFigureSvg', () => {
  it('draws lines in matplotlib colour order, labels, title, and a legend of the labelled lines only', () => {
    const root = parseSvg(
      renderFigureSvg({
        lines: [
          { x: [0, 1, 2], y: [0, 1, 4], label: 'function' },
          { x: [0, 1, 2], y: [0, 2, 4], label: null },
          { x: [0, 1, 2], y: [1, 1, 1], label: 'flat' },
        ],
        xlabel: 'x',
        ylabel: 'y',
        title: 'a title',
        legend: true,
      }),
    );
    expect(lineSeries(root)).toEqual([
      { stroke: COLOR_CYCLE[0], points: 3 },
      { stroke: COLOR_CYCLE[1], points: 3 },
      { stroke: COLOR_CYCLE[2], points: 3 },
    ]);
    expect(legendLabels(root)).toEqual(['function', 'flat']);
    expect(axisTitles(root)).toEqual(['x', 'y']);
    expect(byClass(root, 'role-title-text')[0].text).toBe('a title');
  });

  it('has no legend, title or axis titles when the figure has none', () => {
    const root = parseSvg(renderFigureSvg({ lines: [{ x: [0, 1], y: [3, 4], label: null }], xlabel: null, ylabel: null, title: null, legend: false }));
    expect(byClass(root, 'role-legend')).toHaveLength(0);
    expect(byClass(root, 'role-title-text')).toHaveLength(0);
    expect(axisTitles(root)).toEqual([]);
  });

  it('marks scatter points one circle each, skipping non-finite ones', () => {
    const root = parseSvg(
      renderFigureSvg({ lines: [{ x: [0, 1, 2, 3], y: [1, Number.NaN, 2, null], label: null, style: 'scatter' }], xlabel: null, ylabel: null, title: null, legend: false }),
    );
    expect(descendants(byClass(root, 'mark-symbol')[0]).filter((e) => e.tag === 'circle')).toHaveLength(2);
  });

  it('draws an empty figure and a constant line without dividing by zero', () => {
    for (const lines of [[], [{ x: [1, 1], y: [2, 2], label: null }]]) {
      const svg = renderFigureSvg({ lines, xlabel: null, ylabel: null, title: null, legend: false });
      expect(svg).not.toMatch(/NaN|Infinity/);
      parseSvg(svg);
    }
  });

  it('escapes labels: text from programs never becomes markup', () => {
    const svg = renderFigureSvg({ lines: [{ x: [0], y: [0], label: '<b>&' }], xlabel: '<i>', ylabel: null, title: '"t"', legend: true });
    expect(svg).not.toContain('<b>');
    expect(svg).not.toContain('<i>');
    expect(legendLabels(parseSvg(svg))).toEqual(['<b>&']);
  });
});

describe('chartFigure', () => {
  it('leaves the derivative out where the function has no value', () => {
    const figure = chartFigure({ axis: 'x', of: 'y', gradFn: null, x: [0, 1, 2], y: [1, null, 3], dydx: [5, 6, 7] }, { title: '' });
    expect(figure.lines[1].y).toEqual([5, null, 7]);
  });
});
