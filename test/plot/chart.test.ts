import { describe, expect, it } from 'vitest';
import { DERIVATIVE_COLOR, FUNCTION_COLOR, renderChartSvg } from '../../src/plot/chart.js';
import type { PlotSeries } from '../../src/plot/sample.js';
import { axisTitles, byClass, legendLabels, lineSeries, parseSvg } from './svg.js';

const series: PlotSeries = { axis: 'x', of: 'Y', gradFn: 'PowBackward0', x: [-1, 0, 1, 2], y: [1, 0, 1, 4], dydx: [-2, 0, 2, 4] };

describe('renderChartSvg', () => {
  it('draws both series in the course colours with a legend and axis titles', async () => {
    const root = parseSvg(await renderChartSvg(series, { title: 'Y = x ** 2' }));
    expect(root.tag).toBe('svg');
    expect(lineSeries(root)).toEqual([
      { stroke: FUNCTION_COLOR, points: 4 },
      // dY/dx = 2x is a straight line: drawn from its first point to its last (matplotlib's path.simplify)
      { stroke: DERIVATIVE_COLOR, points: 2 },
    ]);
    expect(legendLabels(root)).toEqual(['Y (function)', 'dY/dx (derivative)']);
    expect(axisTitles(root)).toContain('x');
    expect(byClass(root, 'role-title-text')).toHaveLength(1);
  });

  it('escapes the title: program text cannot inject markup', async () => {
    const svg = await renderChartSvg(series, { title: '</text><script>alert(1)</script> & "q"' });
    const root = parseSvg(svg);
    expect(svg).not.toContain('<script>');
    const title = byClass(root, 'role-title-text')[0];
    expect(JSON.stringify(title)).toContain('alert(1)');
  });

  it('breaks the line at missing values instead of drawing through them', async () => {
    const gappy: PlotSeries = { ...series, y: [1, null, 1, 4] };
    const root = parseSvg(await renderChartSvg(gappy, { title: '' }));
    const [fn] = byClass(root, 'mark-line')[0].children.filter((c) => c.tag === 'path');
    expect(fn.attrs.d.match(/M/g)).toHaveLength(2); // two segments
  });
});
