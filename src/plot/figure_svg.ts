import { scaleLinear } from 'd3-scale';

/**
 * One chart, drawn the way matplotlib draws the course's figures: lines (or
 * scatter points) over one pair of axes, optional axis labels, title, grid and
 * legend. `/v1/plot` and the pyplot recorder of `/v1/run` both render through
 * here, so a notebook figure and a plot look the same.
 */
export interface FigureSpec {
  lines: readonly FigureLine[];
  xlabel: string | null;
  ylabel: string | null;
  title: string | null;
  legend: boolean;
  grid?: boolean;
  /** Outer size in pixels (default 640 × 420). */
  width?: number;
  height?: number;
}

export interface FigureLine {
  x: readonly (number | null)[];
  y: readonly (number | null)[];
  /** Legend text; null leaves the line out of the legend (matplotlib's `_child0`). */
  label: string | null;
  /** Default: matplotlib's colour cycle by position. */
  color?: string;
  /** 'line' joins the points; 'scatter' marks each point. */
  style?: 'line' | 'scatter';
}

/** matplotlib's default colour cycle (tab10). */
export const COLOR_CYCLE = ['#1f77b4', '#ff7f0e', '#2ca02c', '#d62728', '#9467bd', '#8c564b', '#e377c2', '#7f7f7f', '#bcbd22', '#17becf'] as const;

const MARGIN = { left: 64, right: 20, bottom: 48 };
const TITLE_HEIGHT = 26;
const LEGEND_ROW = 18;
const TICKS = 6;

/** Renders a figure to a standalone SVG document (no browser, no fonts needed: text is left to the viewer). */
export function renderFigureSvg(figure: FigureSpec): string {
  const width = figure.width ?? 640;
  const height = figure.height ?? 420;
  const legendEntries = figure.legend ? figure.lines.map((l, i) => ({ label: l.label, color: colorOf(l, i) })).filter((e) => e.label !== null) : [];
  // The legend sits in a band above the axes, so it never hides a curve.
  const legendRows = legendEntries.length === 0 ? 0 : Math.ceil(legendEntries.length / 3);
  const top = 12 + (figure.title ? TITLE_HEIGHT : 0) + legendRows * LEGEND_ROW + (legendRows > 0 ? 6 : 0);
  const plot = { x: MARGIN.left, y: top, width: width - MARGIN.left - MARGIN.right, height: height - top - MARGIN.bottom };

  const x = scaleLinear().domain(paddedDomain(figure.lines.map((l) => l.x))).range([plot.x, plot.x + plot.width]);
  const y = scaleLinear().domain(paddedDomain(figure.lines.map((l) => l.y))).range([plot.y + plot.height, plot.y]);

  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect class="background" width="${width}" height="${height}" fill="white"/>`,
  );
  if (figure.title) {
    out.push(`<g class="role-title"><text class="role-title-text" x="${plot.x}" y="${12 + 16}" font-size="14" font-family="monospace">${escapeXml(figure.title)}</text></g>`);
  }
  out.push(axes(x, y, plot, figure.grid ?? true));
  if (figure.xlabel) {
    out.push(`<g class="role-axis-title"><text x="${plot.x + plot.width / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(figure.xlabel)}</text></g>`);
  }
  if (figure.ylabel) {
    const cy = plot.y + plot.height / 2;
    out.push(`<g class="role-axis-title"><text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(figure.ylabel)}</text></g>`);
  }
  out.push(`<defs><clipPath id="plot-area"><rect x="${plot.x}" y="${plot.y}" width="${plot.width}" height="${plot.height}"/></clipPath></defs>`);
  figure.lines.forEach((l, i) => out.push(series(l, colorOf(l, i), x, y)));
  if (legendEntries.length > 0) out.push(legend(legendEntries, plot.x, 12 + (figure.title ? TITLE_HEIGHT : 0), plot.width));
  out.push('</svg>');
  return out.join('');
}

type Scale = ReturnType<typeof scaleLinear<number, number>>;

function colorOf(line: FigureLine, index: number): string {
  return line.color ?? COLOR_CYCLE[index % COLOR_CYCLE.length];
}

/** matplotlib's 5% margins around the finite values; a single value gets a unit-wide window; nothing gets [0, 1]. */
function paddedDomain(arrays: readonly (readonly (number | null)[])[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (const array of arrays) {
    for (let i = 0; i < array.length; i++) {
      const v = array[i];
      if (v === null || !Number.isFinite(v)) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  if (low > high) return [0, 1];
  if (low === high) return [low - 1, high + 1];
  const pad = (high - low) * 0.05;
  return [low - pad, high + pad];
}

function axes(x: Scale, y: Scale, plot: { x: number; y: number; width: number; height: number }, grid: boolean): string {
  const parts: string[] = [`<g class="role-axis">`];
  const xTicks = x.ticks(TICKS);
  const yTicks = y.ticks(TICKS);
  const xFormat = x.tickFormat(TICKS);
  const yFormat = y.tickFormat(TICKS);
  const bottom = plot.y + plot.height;
  if (grid) {
    for (const t of xTicks) parts.push(`<line class="grid" x1="${round(x(t))}" x2="${round(x(t))}" y1="${plot.y}" y2="${bottom}" stroke="#ddd"/>`);
    for (const t of yTicks) parts.push(`<line class="grid" x1="${plot.x}" x2="${plot.x + plot.width}" y1="${round(y(t))}" y2="${round(y(t))}" stroke="#ddd"/>`);
  }
  parts.push(`<rect x="${plot.x}" y="${plot.y}" width="${plot.width}" height="${plot.height}" fill="none" stroke="#333"/>`);
  for (const t of xTicks) {
    const px = round(x(t));
    parts.push(`<line x1="${px}" x2="${px}" y1="${bottom}" y2="${bottom + 5}" stroke="#333"/><text class="tick" x="${px}" y="${bottom + 18}" text-anchor="middle">${escapeXml(xFormat(t))}</text>`);
  }
  for (const t of yTicks) {
    const py = round(y(t));
    parts.push(`<line x1="${plot.x - 5}" x2="${plot.x}" y1="${py}" y2="${py}" stroke="#333"/><text class="tick" x="${plot.x - 8}" y="${py + 4}" text-anchor="end">${escapeXml(yFormat(t))}</text>`);
  }
  parts.push('</g>');
  return parts.join('');
}

function series(l: FigureLine, color: string, x: Scale, y: Scale): string {
  if (l.style === 'scatter') {
    const n = Math.min(l.x.length, l.y.length);
    const dots: string[] = [];
    for (let i = 0; i < n; i++) {
      const xv = l.x[i];
      const yv = l.y[i];
      if (isFiniteNumber(xv) && isFiniteNumber(yv)) dots.push(`<circle cx="${round(x(xv))}" cy="${round(y(yv))}" r="3" fill="${color}"/>`);
    }
    return `<g class="mark-symbol" clip-path="url(#plot-area)">${dots.join('')}</g>`;
  }
  return `<g class="mark-line" clip-path="url(#plot-area)"><path d="${linePathData(l.x, l.y, x, y)}" fill="none" stroke="${color}" stroke-width="2"/></g>`;
}

/**
 * The `d` of a line through the points (d3-shape's line() with its linear curve, written out:
 * a figure of 1000 points is drawn on every notebook run). A missing or non-finite value breaks
 * the line into segments instead of drawing through it: each segment starts with M, and a
 * segment of one point is closed (Z) as d3 closes it. Coordinates are rounded to 1/100 pixel.
 */
export function linePathData(xs: readonly (number | null)[], ys: readonly (number | null)[], x: Scale, y: Scale): string {
  const n = Math.min(xs.length, ys.length);
  const path = pathWriter;
  path.length = 0;
  let segmentLength = 0;
  for (let i = 0; i < n; i++) {
    const xv = xs[i];
    const yv = ys[i];
    if (isFiniteNumber(xv) && isFiniteNumber(yv)) {
      path.char(segmentLength === 0 ? 0x4d /* M */ : 0x4c /* L */);
      path.number(round(x(xv)));
      path.char(0x2c /* , */);
      path.number(round(y(yv)));
      segmentLength++;
    } else {
      if (segmentLength === 1) path.char(0x5a /* Z */);
      segmentLength = 0;
    }
  }
  if (segmentLength === 1) path.char(0x5a /* Z */);
  return path.text();
}

/** A path's text written as ASCII bytes and decoded once (a 1000-point line is one string, not thousands). */
class PathWriter {
  bytes = new Uint8Array(1 << 14);
  length = 0;
  private readonly decoder = new TextDecoder();

  room(count: number): Uint8Array {
    if (this.length + count > this.bytes.length) {
      const grown = new Uint8Array(Math.max(this.bytes.length * 2, this.length + count));
      grown.set(this.bytes.subarray(0, this.length));
      this.bytes = grown;
    }
    return this.bytes;
  }

  char(code: number): void {
    this.room(1)[this.length++] = code;
  }

  /**
   * `String(Math.round(v * 1000) / 1000)` (d3-path's number text at 3 digits) without a float's
   * shortest-digits search: below 2^31 thousandths an ulp is far below 0.0005, so the shortest
   * decimal of m / 1000 is m / 1000 itself, written from integers.
   */
  number(v: number): void {
    const thousandths = Math.round(v * 1000);
    if (!(thousandths > -2147483648 && thousandths < 2147483648)) {
      const text = String(thousandths / 1000);
      const bytes = this.room(text.length);
      for (let i = 0; i < text.length; i++) bytes[this.length++] = text.charCodeAt(i);
      return;
    }
    const bytes = this.room(16);
    let at = this.length;
    const magnitude = (thousandths < 0 ? -thousandths : thousandths) | 0;
    if (thousandths < 0) bytes[at++] = 0x2d; /* - */
    let whole = (magnitude / 1000) | 0;
    const fraction = magnitude - whole * 1000;
    let digits = 1;
    for (let bound = 10; whole >= bound && digits < 10; bound *= 10) digits++;
    for (let i = at + digits - 1; i >= at; i--) {
      const quotient = (whole / 10) | 0;
      bytes[i] = 0x30 + (whole - quotient * 10);
      whole = quotient;
    }
    at += digits;
    if (fraction !== 0) {
      const hundreds = (fraction / 100) | 0;
      const tens = ((fraction / 10) | 0) - hundreds * 10;
      const ones = fraction - ((fraction / 10) | 0) * 10;
      bytes[at++] = 0x2e; /* . */
      bytes[at++] = 0x30 + hundreds;
      if (tens !== 0 || ones !== 0) bytes[at++] = 0x30 + tens;
      if (ones !== 0) bytes[at++] = 0x30 + ones;
    }
    this.length = at;
  }

  text(): string {
    return this.decoder.decode(this.bytes.subarray(0, this.length));
  }
}

const pathWriter = new PathWriter();

function legend(entries: readonly { label: string | null; color: string }[], left: number, top: number, width: number): string {
  const column = width / 3;
  const parts = entries.map((entry, i) => {
    const ex = left + (i % 3) * column;
    const ey = top + Math.floor(i / 3) * LEGEND_ROW + 12;
    return (
      `<g class="role-legend-symbol"><line x1="${ex}" x2="${ex + 22}" y1="${ey - 4}" y2="${ey - 4}" stroke="${entry.color}" stroke-width="2.5"/></g>` +
      `<g class="role-legend-label"><text x="${ex + 28}" y="${ey}">${escapeXml(entry.label ?? '')}</text></g>`
    );
  });
  return `<g class="role-legend">${parts.join('')}</g>`;
}

function isFiniteNumber(v: number | null | undefined): v is number {
  return typeof v === 'number' && Number.isFinite(v);
}

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Program text and labels come from clients: escaped, they can never become markup. */
export function escapeXml(text: string): string {
  return text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c] as string);
}
