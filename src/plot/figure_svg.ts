import { scaleLinear } from 'd3-scale';
import { allocateBytes, asciiText, grownBytes, writeAscii } from '../engine/ascii_bytes.js';
import { packedTexts, viewOf, WHOLE_TEXT } from '../engine/digit_text.js';

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
  /** A missing value (null, or the answer's text of a non-finite one) breaks the line. */
  x: ArrayLike<number | string | null>;
  y: ArrayLike<number | string | null>;
  /** The range of the finite values, when the caller has it: then they are not read again to find it. */
  xRange?: ValueRange;
  yRange?: ValueRange;
  /** Legend text; null leaves the line out of the legend (matplotlib's `_child0`). */
  label: string | null;
  /** Default: matplotlib's colour cycle by position. */
  color?: string;
  /** 'line' joins the points; 'scatter' marks each point. */
  style?: 'line' | 'scatter';
}

/** The least and greatest finite value (Infinity and -Infinity when there is none), and whether every value is a finite number. */
export interface ValueRange {
  low: number;
  high: number;
  allFinite: boolean;
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

  // every line's values as doubles (a missing value NaN), read by one kind of loop
  const xs = figure.lines.map((l) => doubles(l.x, l.xRange));
  const ys = figure.lines.map((l) => doubles(l.y, l.yRange));
  const xDomain = paddedDomain(xs, figure.lines.map((l) => l.xRange));
  const yDomain = paddedDomain(ys, figure.lines.map((l) => l.yRange));
  const x = scaleLinear().domain(xDomain).range([plot.x, plot.x + plot.width]);
  const y = scaleLinear().domain(yDomain).range([plot.y + plot.height, plot.y]);
  // each axis's map worked out once for every line of the figure
  const toX = linearMap(x);
  const toY = linearMap(y);

  // ASCII only (escapeXml writes everything else as references), written as bytes and decoded once
  const out = svgWriter;
  out.at = 0;
  out.text(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">` +
      `<rect class="background" width="${width}" height="${height}" fill="white"/>`,
  );
  if (figure.title) {
    out.text(`<g class="role-title"><text class="role-title-text" x="${plot.x}" y="${12 + 16}" font-size="14" font-family="monospace">${escapeXml(figure.title)}</text></g>`);
  }
  out.text(axesCached(xDomain, yDomain, x, y, plot, figure.grid ?? true));
  if (figure.xlabel) {
    out.text(`<g class="role-axis-title"><text x="${plot.x + plot.width / 2}" y="${height - 10}" text-anchor="middle">${escapeXml(figure.xlabel)}</text></g>`);
  }
  if (figure.ylabel) {
    const cy = plot.y + plot.height / 2;
    out.text(`<g class="role-axis-title"><text x="16" y="${cy}" text-anchor="middle" transform="rotate(-90 16 ${cy})">${escapeXml(figure.ylabel)}</text></g>`);
  }
  out.text(`<defs><clipPath id="plot-area"><rect x="${plot.x}" y="${plot.y}" width="${plot.width}" height="${plot.height}"/></clipPath></defs>`);
  figure.lines.forEach((l, i) => series(out, l.style === 'scatter', xs[i], ys[i], escapeXml(colorOf(l, i)), x, y, toX, toY));
  if (legendEntries.length > 0) out.text(legendCached(legendEntries, plot.x, 12 + (figure.title ? TITLE_HEIGHT : 0), plot.width));
  out.text('</svg>');
  return out.toString();
}

type Scale = ReturnType<typeof scaleLinear<number, number>>;

function colorOf(line: FigureLine, index: number): string {
  return line.color ?? COLOR_CYCLE[index % COLOR_CYCLE.length];
}

/** The values as an array of numbers (itself when it is one), a missing value as NaN. */
function doubles(values: ArrayLike<number | string | null>, range: ValueRange | undefined): readonly number[] {
  if (Array.isArray(values)) {
    if (range?.allFinite) return values as number[];
    let allNumbers = true;
    for (let i = 0; i < values.length && allNumbers; i++) allNumbers = typeof values[i] === 'number';
    if (allNumbers) return values as number[];
  }
  const out = new Array<number>(values.length);
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    out[i] = typeof v === 'number' ? v : Number.NaN;
  }
  return out;
}

/**
 * matplotlib's 5% margins around the finite values; a single value gets a unit-wide window;
 * nothing gets [0, 1]. A line whose range is known is not read.
 */
function paddedDomain(arrays: readonly (readonly number[])[], ranges: readonly (ValueRange | undefined)[]): [number, number] {
  let low = Infinity;
  let high = -Infinity;
  for (let a = 0; a < arrays.length; a++) {
    const range = ranges[a];
    if (range !== undefined) {
      if (range.low < low) low = range.low;
      if (range.high > high) high = range.high;
      continue;
    }
    const array = arrays[a];
    // lines plotted against the same x share its array: read once
    if (arrays.indexOf(array) < a) continue;
    for (let i = 0; i < array.length; i++) {
      const v = array[i];
      // v - v is 0 exactly for finite v
      if (v - v !== 0) continue;
      if (v < low) low = v;
      if (v > high) high = v;
    }
  }
  if (low > high) return [0, 1];
  if (low === high) return [low - 1, high + 1];
  const pad = (high - low) * 0.05;
  return [low - pad, high + pad];
}

/**
 * The axes' markup by what alone decides it (both domains, the plot box, the grid): the same
 * axes come back figure after figure (a lab plots over one x range), and their ticks and tick
 * labels (d3's) cost as much as a 1000-point line. At most AXES_KEPT are kept, most recent last;
 * they are told apart by their numbers (a text key took ~1 us: doubles printed as text).
 */
function axesCached(
  xDomain: readonly [number, number],
  yDomain: readonly [number, number],
  x: Scale,
  y: Scale,
  plot: { x: number; y: number; width: number; height: number },
  grid: boolean,
): string {
  const key = [xDomain[0], xDomain[1], yDomain[0], yDomain[1], plot.x, plot.y, plot.width, plot.height, grid ? 1 : 0];
  for (let i = axesKept.length - 1; i >= 0; i--) {
    const entry = axesKept[i];
    if (!sameNumbers(entry.key, key)) continue;
    if (i !== axesKept.length - 1) {
      axesKept.splice(i, 1);
      axesKept.push(entry);
    }
    return entry.text;
  }
  const text = axes(x, y, plot, grid);
  if (axesKept.length >= AXES_KEPT) axesKept.shift();
  axesKept.push({ key, text });
  return text;
}

/** Equal numbers (Object.is: -0 and 0 differ, NaN equals NaN; a domain is never NaN). */
function sameNumbers(a: readonly number[], b: readonly number[]): boolean {
  for (let i = 0; i < a.length; i++) if (!Object.is(a[i], b[i])) return false;
  return true;
}

const AXES_KEPT = 64;
const axesKept: { key: readonly number[]; text: string }[] = [];

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

function series(out: SvgWriter, scatter: boolean, xs: readonly number[], ys: readonly number[], color: string, x: Scale, y: Scale, toX: LinearMap | null, toY: LinearMap | null): void {
  if (scatter) {
    const n = Math.min(xs.length, ys.length);
    const dots: string[] = [];
    for (let i = 0; i < n; i++) {
      const xv = xs[i];
      const yv = ys[i];
      if (Number.isFinite(xv) && Number.isFinite(yv)) dots.push(`<circle cx="${round(x(xv))}" cy="${round(y(yv))}" r="3" fill="${color}"/>`);
    }
    out.text(`<g class="mark-symbol" clip-path="url(#plot-area)">${dots.join('')}</g>`);
    return;
  }
  out.text('<g class="mark-line" clip-path="url(#plot-area)"><path d="');
  writeLinePath(out, xs, ys, x, y, toX, toY, SIMPLIFY_THRESHOLD);
  out.text(`" fill="none" stroke="${color}" stroke-width="2"/></g>`);
}

/**
 * matplotlib's `path.simplify_threshold` (its default, 1/9 pixel; `path.simplify` is on by
 * default): a line's points within this distance of the straight run they continue are merged
 * into it, so a straight or flat stretch of 1000 points is drawn as one segment.
 */
export const SIMPLIFY_THRESHOLD = 1 / 9;

/**
 * The `d` of a line through the points (d3-shape's line() with its linear curve, written out:
 * a figure of 1000 points is drawn on every notebook run), simplified as matplotlib draws lines:
 * a run of points that stays within `threshold` pixels of the direction it started in, always
 * moving forward along it, is drawn as one segment to its last point (every point then lies
 * within twice the threshold of what is drawn; a negative threshold keeps every point). A missing
 * or non-finite value breaks the line into segments instead of drawing through it: each segment
 * starts with M, and a segment of one point is closed (Z) as d3 closes it. Coordinates are
 * rounded to 1/100 pixel.
 */
export function linePathData(xs: ArrayLike<number | string | null>, ys: ArrayLike<number | string | null>, x: Scale, y: Scale, threshold = SIMPLIFY_THRESHOLD): string {
  const out = pathWriter;
  out.at = 0;
  writeLinePath(out, doubles(xs, undefined), doubles(ys, undefined), x, y, linearMap(x), linearMap(y), threshold);
  return out.toString();
}

const MOVE = 0x4d; /* M */
const LINE = 0x4c; /* L */
const CLOSE = 0x5a; /* Z */

/** Writes linePathData's text at the writer's end; toX and toY are linearMap(x) and linearMap(y). */
function writeLinePath(out: SvgWriter, xs: readonly number[], ys: readonly number[], x: Scale, y: Scale, toX: LinearMap | null, toY: LinearMap | null, threshold: number): void {
  const n = Math.min(xs.length, ys.length);
  // Which points to keep is decided on coordinates from one multiply-add (within an ulp or so of
  // the scale's); the points kept are written with the scale's own (d3's) arithmetic.
  const slopeX = toX === null ? 0 : toX.slope;
  const interceptX = toX === null ? 0 : toX.intercept;
  const slopeY = toY === null ? 0 : toY.slope;
  const interceptY = toY === null ? 0 : toY.intercept;
  // squared, against cross² / |direction|²; -1 never merges
  const limit = threshold < 0 ? -1 : threshold * threshold;
  let written = 0; // points of the current segment written
  // the last point written; the direction from it to the first point after it; the furthest
  // point of the run merged along that direction (not written yet: -1 for none) and how far along it lies
  let anchorX = 0;
  let anchorY = 0;
  let directionX = 0;
  let directionY = 0;
  let norm2 = 0;
  let pending = -1;
  let pendingX = 0;
  let pendingY = 0;
  let reach = 0;
  for (let i = 0; i < n; i++) {
    const xv = xs[i];
    const yv = ys[i];
    // v - v is 0 exactly for finite v
    if (xv - xv !== 0 || yv - yv !== 0) {
      if (pending >= 0) {
        writePoint(out, LINE, xs[pending], ys[pending], x, y, toX, toY);
        written++;
        pending = -1;
      }
      if (written === 1) out.bytes[out.at++] = CLOSE;
      written = 0;
      continue;
    }
    const px = toX === null ? x(xv) : xv * slopeX + interceptX;
    const py = toY === null ? y(yv) : yv * slopeY + interceptY;
    if (written === 0) {
      writePoint(out, MOVE, xv, yv, x, y, toX, toY);
      written = 1;
      anchorX = px;
      anchorY = py;
      continue;
    }
    if (pending >= 0) {
      const offsetX = px - anchorX;
      const offsetY = py - anchorY;
      const cross = directionX * offsetY - directionY * offsetX;
      const along = directionX * offsetX + directionY * offsetY;
      if (norm2 > 0 && cross * cross <= limit * norm2 && along >= reach) {
        pending = i;
        pendingX = px;
        pendingY = py;
        reach = along;
        continue;
      }
      // a pending point on the anchor itself has no direction: it is dropped when merging
      if (norm2 > 0 || limit < 0) {
        writePoint(out, LINE, xs[pending], ys[pending], x, y, toX, toY);
        written++;
        anchorX = pendingX;
        anchorY = pendingY;
      }
    }
    directionX = px - anchorX;
    directionY = py - anchorY;
    norm2 = directionX * directionX + directionY * directionY;
    pending = i;
    pendingX = px;
    pendingY = py;
    reach = norm2;
  }
  if (pending >= 0) {
    writePoint(out, LINE, xs[pending], ys[pending], x, y, toX, toY);
    written++;
  }
  if (written === 1) out.bytes[out.at++] = CLOSE;
}

/** Writes `M` or `L` and the point (xv, yv) through the scales, rounded to 1/100 pixel, as d3-path writes it. */
function writePoint(out: SvgWriter, command: number, xv: number, yv: number, x: Scale, y: Scale, toX: LinearMap | null, toY: LinearMap | null): void {
  // a command, two coordinates of at most 11 characters (sign, 7 digits, point, 2 digits), a
  // comma, a Z; and 4 bytes of slack (table entries are stored 4 bytes at a time)
  const bytes = out.room(29);
  let at = out.at;
  const px = Math.round((toX === null ? x(xv) : toX.at(xv)) * 100);
  const py = Math.round((toY === null ? y(yv) : toY.at(yv)) * 100);
  bytes[at++] = command;
  if (px > -MAX_HUNDREDTHS && px < MAX_HUNDREDTHS && py > -MAX_HUNDREDTHS && py < MAX_HUNDREDTHS) {
    const view = out.view;
    at = writeHundredths(bytes, view, at, px);
    bytes[at++] = 0x2c; /* , */
    out.at = writeHundredths(bytes, view, at, py);
  } else {
    // far outside the plot (it is clipped): written as d3-path writes any number
    out.at = at;
    out.text(`${coordinateText(px)},${coordinateText(py)}`);
    out.room(5);
  }
}

/**
 * Coordinates are written from integers below this many hundredths: then d3-path's text
 * (`String(Math.round(v * 1000) / 1000)` of v = hundredths / 100) is exactly hundredths / 100
 * (the thousandths are 10 · hundredths, and the shortest decimal of m / 100 is m / 100 itself).
 */
const MAX_HUNDREDTHS = 2e8;

/** d3-path's text of the coordinate hundredths / 100 for any size. */
function coordinateText(hundredths: number): string {
  return String(Math.round((hundredths / 100) * 1000) / 1000);
}

/** The fractions .00-.99 as written (`.5`, `.07`, nothing for .00), packed as WHOLE_TEXT is. */
const FRACTION_TEXT = packedTexts(100, (hundredths) => (hundredths === 0 ? '' : `.${String(hundredths).padStart(2, '0')}`.replace(/0$/, '')));

/**
 * Writes hundredths / 100 (|hundredths| < MAX_HUNDREDTHS) at `at`: `-12.5`, `3`, `0.07`; returns the
 * end. `view` views `bytes`, with 4 bytes of room past the text.
 */
function writeHundredths(bytes: Uint8Array, view: DataView, at: number, hundredths: number): number {
  // int32 arithmetic from here (|hundredths| < MAX_HUNDREDTHS < 2^31)
  let magnitude = hundredths | 0;
  if (magnitude < 0) {
    bytes[at++] = 0x2d; /* - */
    magnitude = -magnitude;
  }
  let whole = (magnitude / 100) | 0;
  const fraction = magnitude - whole * 100;
  if (whole < 1000) {
    const text = WHOLE_TEXT[whole];
    view.setUint32(at, text, true);
    at += text >>> 24;
  } else {
    let digits = 4;
    for (let bound = 10000; whole >= bound; bound *= 10) digits++;
    for (let k = at + digits - 1; k >= at; k--) {
      const quotient = (whole / 10) | 0;
      bytes[k] = 0x30 + (whole - quotient * 10);
      whole = quotient;
    }
    at += digits;
  }
  const text = FRACTION_TEXT[fraction];
  view.setUint32(at, text, true);
  return at + (text >>> 24);
}

/** ASCII text written as bytes and decoded once (a figure is one string, not its pieces joined). */
class SvgWriter {
  private buffer = allocateBytes(1 << 15);
  /**
   * The same bytes as a plain Uint8Array (stores into Node's Buffer subclass ran ~20% slower)
   * and as a DataView, for stores of several at once.
   */
  bytes = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
  view = viewOf(this.buffer);
  /** Bytes written so far. */
  at = 0;

  /** The bytes, with room for `count` more after `at` (write from `at`, then advance it). */
  room(count: number): Uint8Array {
    if (this.at + count > this.bytes.length) {
      this.buffer = grownBytes(this.buffer, this.at, this.at + count);
      this.bytes = new Uint8Array(this.buffer.buffer, this.buffer.byteOffset, this.buffer.byteLength);
      this.view = viewOf(this.buffer);
    }
    return this.bytes;
  }

  /** ASCII text (escapeXml's, numbers, markup): short text copied here (a Buffer write is a call into C++). */
  text(text: string): void {
    const bytes = this.room(text.length);
    if (text.length > SHORT_TEXT) {
      this.at += writeAscii(this.buffer, text, this.at);
      return;
    }
    let at = this.at;
    for (let i = 0; i < text.length; i++) bytes[at++] = text.charCodeAt(i);
    this.at = at;
  }

  toString(): string {
    return asciiText(this.buffer, 0, this.at);
  }
}

/** Text at most this long is copied by SvgWriter itself. */
const SHORT_TEXT = 160;

/** Rendering is never re-entered: one writer for figures, one for paths asked for alone. */
const svgWriter = new SvgWriter();
const pathWriter = new SvgWriter();

/**
 * A linear scale's mapping with d3-scale's arithmetic (its bimap: normalize, then interpolateNumber),
 * so every coordinate is the very double `scale(v)` gives, without its closures per call.
 * Null for a scale that is not a plain two-point linear map (clamped, piecewise): then call it.
 */
class LinearMap {
  /** The map as one multiply-add (not always the very double `at` gives). */
  readonly slope: number;
  readonly intercept: number;

  constructor(
    private readonly d0: number,
    private readonly span: number,
    private readonly r0: number,
    private readonly r1: number,
  ) {
    this.slope = (r1 - r0) / span;
    this.intercept = r0 - d0 * this.slope;
  }

  at(v: number): number {
    const t = (v - this.d0) / this.span;
    return this.r0 * (1 - t) + this.r1 * t;
  }
}

function linearMap(scale: Scale): LinearMap | null {
  const domain = scale.domain();
  const range = scale.range();
  if (domain.length !== 2 || range.length !== 2 || scale.clamp()) return null;
  let [d0, d1] = [+domain[0], +domain[1]];
  let [r0, r1] = [+range[0], +range[1]];
  if (d1 < d0) [d0, d1, r0, r1] = [d1, d0, r1, r0];
  const span = d1 - d0;
  // d3 maps everything to the middle of the range for an empty (or NaN) domain
  if (!span) return null;
  return new LinearMap(d0, span, r0, r1);
}


/** The legend's markup, kept by its labels, colours and place (a lab's figures share one). */
function legendCached(entries: readonly { label: string | null; color: string }[], left: number, top: number, width: number): string {
  let key = `${left} ${top} ${width}`;
  for (const entry of entries) key += `\u0000${entry.label}\u0000${entry.color}`;
  const hit = legendsKept.get(key);
  if (hit !== undefined) return hit;
  const text = legend(entries, left, top, width);
  if (legendsKept.size >= LEGENDS_KEPT) legendsKept.delete(legendsKept.keys().next().value as string);
  legendsKept.set(key, text);
  return text;
}

const LEGENDS_KEPT = 64;
const legendsKept = new Map<string, string>();

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

function round(v: number): number {
  return Math.round(v * 100) / 100;
}

/** Markup characters, and everything outside ASCII text (d3's tick labels write minus as U+2212). */
const ESCAPED = /[<>&"']|[^\x09\x0a\x0d\x20-\x7e]/u;
const ESCAPED_ALL = /[<>&"']|[^\x09\x0a\x0d\x20-\x7e]/gu;
const ENTITIES: Readonly<Record<string, string>> = { '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' };

/**
 * Program text and labels come from clients: escaped, they can never become markup. Characters
 * outside ASCII are written as character references (`−` as `&#8722;`), so the document is
 * ASCII: a one-byte string, which JSON and the socket write without widening it. What XML cannot
 * hold (control characters, a lone surrogate) is written as U+FFFD.
 */
export function escapeXml(text: string): string {
  if (!ESCAPED.test(text)) return text;
  return text.replace(ESCAPED_ALL, (c) => ENTITIES[c] ?? `&#${xmlCharacter(c.codePointAt(0) as number)};`);
}

function xmlCharacter(code: number): number {
  return code < 0x20 || (code >= 0xd800 && code <= 0xdfff) || code === 0xfffe || code === 0xffff ? 0xfffd : code;
}
