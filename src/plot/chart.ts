import type { PlotRequest } from '../../schemas/plot.js';
import type { PlotSeries } from './sample.js';
import { COLOR_CYCLE, type FigureSpec, renderFigureSvg } from './figure_svg.js';

/** matplotlib's first two colours, as in the course's figure. */
export const FUNCTION_COLOR = COLOR_CYCLE[0];
export const DERIVATIVE_COLOR = COLOR_CYCLE[1];

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

/** The chart as a figure: the function in matplotlib's blue, its derivative in orange, over the axis. */
export function chartFigure(series: PlotSeries, labels: ChartLabels): FigureSpec {
  const names = seriesLabels(series);
  // Where the function has no value the derivative means nothing either: it is left out there too.
  const dydx = series.dydx.map((d, i) => (isFiniteValue(series.y[i]) ? d : null));
  return {
    title: labels.title,
    xlabel: series.axis,
    ylabel: 'value',
    legend: true,
    grid: true,
    lines: [
      { x: series.x, y: series.y, label: names.fn, color: FUNCTION_COLOR },
      { x: series.x, y: dydx, label: names.derivative, color: DERIVATIVE_COLOR },
    ],
  };
}

function isFiniteValue(v: number | null | undefined): boolean {
  return typeof v === 'number' && Number.isFinite(v);
}

/** Renders the chart to SVG on the server (a few milliseconds for 10,000 points; no canvas, no browser). */
export async function renderChartSvg(series: PlotSeries, labels: ChartLabels): Promise<string> {
  return renderFigureSvg(chartFigure(series, labels));
}
