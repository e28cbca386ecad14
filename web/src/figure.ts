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
  /** The first Axes as the server drew it (with what the data leaves out: scatter points, the grid). */
  svg?: string;
}

/**
 * A notebook figure as an <img> per Axes, so nothing in the SVG can run: the server's drawing
 * (`svg`) where the answer has one, else drawn here from the data by the same writer
 * (src/plot/figure_svg.ts, the one /v1/plot uses): matplotlib's colour cycle, gaps at
 * non-finite values, the legend above the axes.
 */
export function drawFigure(figure: FigureAnswer): HTMLImageElement[] {
  return [figure, ...(figure.more_axes ?? [])].map((axes, index) => {
    const svg = index === 0 && figure.svg ? figure.svg : renderFigureSvg(specOf(axes));
    const image = document.createElement('img');
    image.className = 'figure';
    image.alt = axes.title ?? (axes.lines.map((l) => l.label).filter(Boolean).join(' and ') || 'a figure');
    image.src = `data:image/svg+xml;charset=utf-8,${encodeURIComponent(svg)}`;
    return image;
  });
}

function specOf(axes: AxesAnswer): FigureSpec {
  return {
    lines: axes.lines.map((line) => ({ x: line.x.map(fromWire), y: line.y.map(fromWire), label: line.label })),
    xlabel: axes.xlabel,
    ylabel: axes.ylabel,
    title: axes.title,
    legend: axes.legend,
  };
}
