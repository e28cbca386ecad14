import { scaleLinear } from 'd3-scale';
import { line } from 'd3-shape';
import { describe, expect, it, vi } from 'vitest';
import { chartFigure } from '../../src/plot/chart.js';
import { COLOR_CYCLE, linePathData, renderFigureSvg } from '../../src/plot/figure_svg.js';
import { axisTitles, byClass, descendants, legendLabels, lineSeries, parseSvg } from './svg.js';

describe('renderFigureSvg', () => {
  it('draws lines in matplotlib colour order, labels, title, and a legend of the labelled lines only', () => {
    const root = parseSvg(
      renderFigureSvg({
        lines: [
          { x: [0, 1, 2], y: [0, 1, 4], label: 'function' },
          { x: [0, 1, 2], y: [0, 2, 3], label: null },
          { x: [0, 1, 2], y: [1, 2, 1], label: 'bent' },
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
    expect(legendLabels(root)).toEqual(['function', 'bent']);
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
  it('is ASCII: minus signs of negative ticks and non-ASCII labels are character references', () => {
    const svg = renderFigureSvg({ lines: [{ x: [-3, 3], y: [-2, 5], label: 'α−β 😀' }], xlabel: 'é', ylabel: null, title: 'ok\u0001', legend: true });
    expect(svg).toMatch(/^[\x09\x0a\x0d\x20-\x7e]*$/);
    expect(svg).toContain('&#8722;');
    expect(svg).toContain('&#945;&#8722;&#946; &#128512;');
    expect(svg).toContain('ok&#65533;');
    parseSvg(svg);
  });
});

describe('renderFigureSvg with the value ranges given', () => {
  it('draws what it draws when it finds them itself', () => {
    let seed = 5;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const rangeOf = (values: (number | string | null)[]) => {
      const finite = values.filter((v): v is number => typeof v === 'number' && Number.isFinite(v));
      return { low: Math.min(Infinity, ...finite), high: Math.max(-Infinity, ...finite), allFinite: finite.length === values.length };
    };
    for (let trial = 0; trial < 100; trial++) {
      const n = 1 + Math.floor(random() * 50);
      const value = (): number | string => (random() < 0.05 ? ['NaN', 'Infinity', '-Infinity'][Math.floor(random() * 3)] : (random() - 0.5) * 10 ** Math.floor(random() * 6 - 2));
      const lines = Array.from({ length: 1 + (trial % 3) }, (_, i) => ({ x: Array.from({ length: n }, value), y: Array.from({ length: n }, value), label: `line ${i}` }));
      const figure = { lines, xlabel: 'x', ylabel: null, title: null, legend: true };
      const given = { ...figure, lines: lines.map((l) => ({ ...l, xRange: rangeOf(l.x), yRange: rangeOf(l.y) })) };
      expect(renderFigureSvg(given)).toBe(renderFigureSvg(figure));
    }
  });
});

describe('renderFigureSvg keeps the axes it drew', () => {
  it('draws a figure the same whether its axes were drawn before or not', async () => {
    const figures = [0, 1, 2, 0, 3, 1, 0].map((k) => ({
      lines: [{ x: [-10, 0, 10], y: [k, k * k + 1, -k], label: k % 2 === 0 ? 'even' : null }],
      xlabel: k === 3 ? 'x' : null,
      ylabel: null,
      title: k === 2 ? 'title' : null,
      legend: k % 2 === 0,
      grid: k !== 1,
    }));
    const drawn = figures.map((f) => renderFigureSvg(f));
    for (const [i, figure] of figures.entries()) {
      vi.resetModules();
      const fresh = (await import('../../src/plot/figure_svg.js')) as typeof import('../../src/plot/figure_svg.js');
      expect(drawn[i]).toBe(fresh.renderFigureSvg(figure));
    }
  });
});

describe('linePathData', () => {
  /** d3-shape's line() over the same scales: the reference the written-out path must equal. */
  function d3Path(xs: (number | null)[], ys: (number | null)[], x: (v: number) => number, y: (v: number) => number): string {
    const finite = (v: number | null): v is number => typeof v === 'number' && Number.isFinite(v);
    const indices = Array.from({ length: Math.min(xs.length, ys.length) }, (_, i) => i);
    const round = (v: number): number => Math.round(v * 100) / 100;
    const d = line<number>()
      .defined((i) => finite(xs[i]) && finite(ys[i]))
      .x((i) => round(x(xs[i] as number)))
      .y((i) => round(y(ys[i] as number)))(indices);
    return d ?? '';
  }

  const KEEP_ALL = -1;

  it("equals d3-shape's line() without simplification: gaps, one-point segments, negative, tiny and huge coordinates", () => {
    let seed = 7;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const special = [null, Number.NaN, Number.POSITIVE_INFINITY, 0, -0, 1e-9, -1e-9, 0.0005, -0.0005, 0.0015, 1e7, -1e7, 2.5e6];
    for (let trial = 0; trial < 200; trial++) {
      const n = Math.floor(random() * 40);
      const value = (): number | null => (random() < 0.15 ? special[Math.floor(random() * special.length)] : (random() - 0.5) * 10 ** Math.floor(random() * 8 - 3));
      const xs = Array.from({ length: n }, value);
      const ys = Array.from({ length: n + (trial % 3) - 1 }, value);
      const domain = trial % 5 === 0 ? [-1e12, 1e12] : [-10 * random() - 0.1, 10 * random() + 0.1];
      const x = scaleLinear().domain(domain).range([64, 620]);
      const y = scaleLinear().domain([-3, 3 + random() * 100]).range([372, 12]);
      expect(linePathData(xs, ys, x, y, KEEP_ALL)).toBe(d3Path(xs, ys, x, y));
    }
    const identity = scaleLinear().domain([0, 1]).range([0, 1]);
    const grid = Array.from({ length: 4001 }, (_, i) => (i - 2000) / 997);
    expect(linePathData(grid, grid, identity, identity, KEEP_ALL)).toBe(d3Path(grid, grid, identity, identity));
    expect(linePathData([1, null, 2, 3], [1, 1, null, 3], identity, identity, KEEP_ALL)).toBe('M1,1ZM3,3Z');
    // every whole 0..999 and fraction .00-.99 of the coordinate tables, both signs, and past them
    const hundredths = Array.from({ length: 240_001 }, (_, i) => (i - 120_000) / 100);
    expect(linePathData(hundredths, hundredths.slice().reverse(), identity, identity, KEEP_ALL)).toBe(d3Path(hundredths, hundredths.slice().reverse(), identity, identity));
    // a reversed domain, a clamped scale (called as d3 calls it) and typed arrays (a tensor's values)
    const values = Float32Array.from({ length: 1000 }, (_, i) => -10 + (20 * i) / 999);
    const reversed = scaleLinear().domain([12, -12]).range([64, 620]);
    const clamped = scaleLinear().domain([-5, 5]).range([372, 12]).clamp(true);
    expect(linePathData(values, values, reversed, clamped, KEEP_ALL)).toBe(d3Path([...values], [...values], reversed, clamped));
    expect(linePathData([], [], identity, identity, KEEP_ALL)).toBe('');
  });
});

describe('linePathData simplifies as matplotlib draws (path.simplify, 1/9 pixel)', () => {
  type Point = [number, number];
  /** The path's segments as points (M starts one; a Z closes a one-point segment). */
  function segmentsOf(d: string): Point[][] {
    const segments: Point[][] = [];
    for (const [, command, xText, yText] of d.matchAll(/([ML])(-?[\d.e+]+),(-?[\d.e+]+)Z?/g)) {
      if (command === 'M') segments.push([]);
      segments[segments.length - 1].push([Number(xText), Number(yText)]);
    }
    return segments;
  }
  function distanceToPolyline(p: Point, polyline: Point[]): number {
    if (polyline.length === 1) return Math.hypot(p[0] - polyline[0][0], p[1] - polyline[0][1]);
    let best = Infinity;
    for (let i = 1; i < polyline.length; i++) {
      const [ax, ay] = polyline[i - 1];
      const [bx, by] = polyline[i];
      const length2 = (bx - ax) ** 2 + (by - ay) ** 2;
      const t = length2 === 0 ? 0 : Math.max(0, Math.min(1, ((p[0] - ax) * (bx - ax) + (p[1] - ay) * (by - ay)) / length2));
      best = Math.min(best, Math.hypot(p[0] - (ax + t * (bx - ax)), p[1] - (ay + t * (by - ay))));
    }
    return best;
  }

  it('keeps a subsequence of the points, each segment from its first point to its last, every point within 2/9 pixel of what is drawn', () => {
    let seed = 11;
    const random = (): number => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const x = scaleLinear().domain([-11, 11]).range([64, 620]);
    const y = scaleLinear().domain([-2, 2]).range([372, 12]);
    const shapes: ((v: number) => number)[] = [Math.sin, (v) => Math.max(0, v) / 6, (v) => (v > 0 ? 1 : 0), (v) => Math.round(v * 3) / 10, (v) => (v * v) / 60 - 1, () => random() - 0.5, (v) => Math.sin(v * 40) / 50];
    let kept = 0;
    let total = 0;
    for (let trial = 0; trial < 140; trial++) {
      const n = 2 + Math.floor(random() * 1500);
      const shape = shapes[trial % shapes.length];
      const reversed = trial % 3 === 0;
      const xs: (number | null)[] = Array.from({ length: n }, (_, i) => Math.fround(-10 + (20 * (reversed ? n - 1 - i : i)) / (n - 1)));
      const ys: (number | null)[] = xs.map((v) => (random() < 0.01 ? null : Math.fround(shape(v as number))));
      const simplified = segmentsOf(linePathData(xs, ys, x, y));
      const all = segmentsOf(linePathData(xs, ys, x, y, -1));
      expect(simplified.length).toBe(all.length);
      all.forEach((points, s) => {
        const drawn = simplified[s];
        expect(drawn[0]).toEqual(points[0]);
        expect(drawn[drawn.length - 1]).toEqual(points[points.length - 1]);
        // a subsequence of the original points
        let at = 0;
        for (const p of drawn) {
          while (at < points.length && (points[at][0] !== p[0] || points[at][1] !== p[1])) at++;
          expect(at).toBeLessThan(points.length);
        }
        // 2/9 pixel, and the 1/100 pixel the coordinates are rounded to
        for (const p of points) expect(distanceToPolyline(p, drawn)).toBeLessThanOrEqual(2 / 9 + 0.015);
        kept += drawn.length;
        total += points.length;
      });
    }
    expect(kept).toBeLessThan(total / 2);
  });

  it("draws the lab's relu and its derivative (1000 points each) with a handful of points", () => {
    const xs = Float32Array.from({ length: 1000 }, (_, i) => -10 + (20 * i) / 999);
    const x = scaleLinear().domain([-11, 11]).range([64, 620]);
    const y = scaleLinear().domain([-0.5, 10.5]).range([372, 40]);
    const relu = segmentsOf(linePathData(xs, xs.map((v) => Math.max(0, v)), x, y));
    const step = segmentsOf(linePathData(xs, xs.map((v) => (v > 0 ? 1 : 0)), x, y));
    // flat to the last point below 0, one step over it, straight to the end
    expect(relu.map((s) => s.length)).toEqual([4]);
    expect(step.map((s) => s.length)).toEqual([4]);
  });

  it('never merges a line that turns back along itself', () => {
    const identity = scaleLinear().domain([0, 1]).range([0, 1]);
    expect(linePathData([0, 10, 5, 20], [0, 0, 0, 0], identity, identity)).toBe('M0,0L10,0L5,0L20,0');
    expect(linePathData([0, 1, 2, 3, 4], [0, 0, 0, 0, 0], identity, identity)).toBe('M0,0L4,0');
    expect(linePathData([0, 0, 0], [0, 0, 0], identity, identity)).toBe('M0,0L0,0');
    expect(linePathData([0, 1, 2, null, 5], [0, 1, 2, 0, 5], identity, identity)).toBe('M0,0L2,2M5,5Z');
  });
});

describe('chartFigure', () => {
  it('leaves the derivative out where the function has no value', () => {
    const figure = chartFigure({ axis: 'x', of: 'y', gradFn: null, x: [0, 1, 2], y: [1, null, 3], dydx: [5, 6, 7] }, { title: '' });
    expect(figure.lines[1].y).toEqual([5, null, 7]);
  });
});
