import * as vega from 'vega';
import type { PlotRequest } from '../../schemas/plot.js';
import type { PlotSeries } from './sample.js';

/** matplotlib's first two colours, as in the course's figure. */
export const FUNCTION_COLOR = '#1f77b4';
export const DERIVATIVE_COLOR = '#ff7f0e';

export interface ChartLabels {
  /** Shown above the chart, e.g. the program text. */
  title: string;
}

/** The program on one line, shortened: the chart's title. */
export function chartTitle(request: Pick<PlotRequest, 'expr' | 'graph'>): string {
  const text = request.expr ?? request.graph?.map((node) => `${node.id} = ${node.op}(…)`).join('; ') ?? '';
  const oneLine = text.split(/\r?\n|;/).map((s) => s.trim()).filter(Boolean).join('; ');
  return oneLine.length > 80 ? `${oneLine.slice(0, 79)}…` : oneLine;
}

/** The legend entries, named after the plotted statement and the axis: "Y", "dY/dx". */
export function seriesLabels(series: Pick<PlotSeries, 'of' | 'axis'>): { fn: string; derivative: string } {
  return { fn: `${series.of} (function)`, derivative: `d${series.of}/d${series.axis} (derivative)` };
}

/** A Vega spec: the function and its derivative as two lines over the axis, with axes and a legend. */
export function chartSpec(series: PlotSeries, labels: ChartLabels): vega.Spec {
  const names = seriesLabels(series);
  const rows: { x: number | null; value: number | null; series: string }[] = [];
  series.x.forEach((x, i) => rows.push({ x, value: series.y[i], series: names.fn }));
  series.x.forEach((x, i) => rows.push({ x, value: series.dydx[i], series: names.derivative }));
  return {
    $schema: 'https://vega.github.io/schema/vega/v6.json',
    description: `${names.fn} and ${names.derivative}`,
    width: 560,
    height: 340,
    padding: 8,
    background: 'white',
    title: { text: labels.title, anchor: 'start', fontSize: 13, font: 'monospace', limit: 560 },
    data: [{ name: 'points', values: rows }],
    scales: [
      { name: 'x', type: 'linear', domain: { data: 'points', field: 'x' }, range: 'width', zero: false, nice: true },
      { name: 'y', type: 'linear', domain: { data: 'points', field: 'value' }, range: 'height', zero: true, nice: true },
      { name: 'color', type: 'ordinal', domain: [names.fn, names.derivative], range: [FUNCTION_COLOR, DERIVATIVE_COLOR] },
    ],
    axes: [
      { orient: 'bottom', scale: 'x', title: series.axis, grid: true, gridOpacity: 0.35 },
      { orient: 'left', scale: 'y', title: 'value', grid: true, gridOpacity: 0.35 },
    ],
    legends: [{ stroke: 'color', orient: 'top-left', symbolType: 'stroke', symbolStrokeWidth: 2.5, fillColor: 'white', padding: 6, labelLimit: 400 }],
    marks: [
      {
        type: 'group',
        from: { facet: { name: 'line', data: 'points', groupby: 'series' } },
        marks: [
          {
            type: 'line',
            from: { data: 'line' },
            encode: {
              enter: {
                x: { scale: 'x', field: 'x' },
                y: { scale: 'y', field: 'value' },
                stroke: { scale: 'color', field: 'series' },
                strokeWidth: { value: 2 },
                defined: { signal: 'isValid(datum.value) && isValid(datum.x)' },
              },
            },
          },
        ],
      },
    ],
  };
}

/** Renders the chart to SVG on the server: vega's headless view, no canvas, no browser. */
export async function renderChartSvg(series: PlotSeries, labels: ChartLabels): Promise<string> {
  const view = new vega.View(vega.parse(chartSpec(series, labels)), { renderer: 'none', logLevel: vega.Error });
  try {
    return await view.toSVG();
  } finally {
    view.finalize();
  }
}
