import { type FigureSpec, renderFigureSvg } from '../../src/plot/figure_svg.js';
import { fromWire, type WireNumber } from './torch_print.js';

/** One Axes of a /v1/run figure, as the answer gives it. */
export interface AxesAnswer {
  lines: { x: WireNumber[]; y: WireNumber[]; label: string | null }[];
  xlabel: string | null;
  ylabel: string | null;
  title: string | null;
  legend: boolean;
}
export interface FigureAnswer extends AxesAnswer {
  more_axes?: AxesAnswer[];
}

/**
 * A notebook figure drawn by the server's SVG writer (src/plot/figure_svg.ts, the one /v1/plot uses):
 * matplotlib's colour cycle, gaps at non-finite values, the legend above the axes. Shown as an <img>,
 * so nothing in the SVG can run; one image per Axes.
 */
export function drawFigure(figure: FigureAnswer): HTMLImageElement[] {
  return [figure, ...(figure.more_axes ?? [])].map((axes) => {
    const spec: FigureSpec = {
      lines: axes.lines.map((line) => ({ x: line.x.map(fromWire), y: line.y.map(fromWire), label: line.label })),
      xlabel: axes.xlabel,
      ylabel: axes.ylabel,
      title: axes.title,
      legend: axes.legend,
    };
    const image = document.createElement('img');
    image.className = 'figure';
    image.alt = axes.title ?? (axes.lines.map((l) => l.label).filter(Boolean).join(' and ') || 'a figure');
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(renderFigureSvg(spec))}`;
    return image;
  });
}
