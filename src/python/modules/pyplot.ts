/**
 * `matplotlib.pyplot` (and `matplotlib.pylab`) as a recorder: figures, their Axes and lines are
 * kept as data, and `plt.show()` (or the end of a cell, as the inline backend does) emits every
 * open figure that has Axes. Data is converted as matplotlib does (np.asarray): lists, ranges,
 * numpy arrays, tensors (one that requires grad fails as `.numpy()` does).
 */
import { chargeWork } from '../../engine/meter.js';
import { Tensor } from '../../engine/tensor.js';
import { renderFigureSvg } from '../../plot/figure_svg.js';
import { builtin, parseArgs } from '../builtins.js';
import { pyError } from '../exceptions.js';
import { activeInterpreter } from '../interpreter.js';
import { namedType, repr, runtime, str, toArray, truthy, typeName } from '../objects.js';
import { floatRepr } from '../format.js';
import { flatWireArray, fromWireNumber, wireArray, wireArrayOf, type WireArray, type WireValues } from '../../program/wire.js';
import { type Kwargs, type PyClass, PyBuiltin, PyList, PyModule, PyNativeObject, PyNdarray, PyTuple, type PyValue, PyRange } from '../values.js';

export interface LineRecord {
  /**
   * The data as np.asarray gives it, as the answer carries it (non-finite values as strings),
   * taken when plotted: a later in-place change does not move the line (program/wire.ts:
   * wireArrayOf makes new values after a write).
   */
  x: WireArray;
  y: WireArray;
  /** matplotlib's label; null when it starts with `_` (the default `_child0`). */
  label: string | null;
}

export interface AxesRecord {
  lines: LineRecord[];
  /** Points drawn by scatter() (PathCollections, not lines: not part of `lines`). */
  scatters: LineRecord[];
  xlabel: string | null;
  ylabel: string | null;
  title: string | null;
  legend: boolean;
  grid: boolean;
}

export interface FigureRecord {
  axes: AxesRecord[];
}

/** A figure as the answer carries it (see the conformance README's contract). */
export interface FigureJson {
  lines: LineJson[];
  xlabel: string | null;
  ylabel: string | null;
  title: string | null;
  legend: boolean;
  more_axes?: Omit<FigureJson, 'more_axes' | 'svg'>[];
  /** The figure as SVG (its first Axes). */
  svg?: string;
}

export interface LineJson {
  /** Shared with other lines and `variables` that carry the same values: never modify. */
  x: WireValues;
  y: WireValues;
  label: string | null;
}

/** Per-run state: the open figures (in creation order) and the current one. */
class PlotState {
  open: Figure[] = [];
  current: Figure | null = null;
  /** Figures emitted by show() during the running cell. */
  shown: FigureJson[] = [];
  nextNumber = 1;
}

function state(): PlotState {
  const moduleState = activeInterpreter().moduleState;
  let s = moduleState.get('matplotlib.pyplot') as PlotState | undefined;
  if (s === undefined) {
    s = new PlotState();
    moduleState.set('matplotlib.pyplot', s);
  }
  return s;
}

/** Emits and closes every open figure that has Axes (end of a cell, plt.show()). */
export function flushFigures(): FigureJson[] {
  const s = activeInterpreter().moduleState.get('matplotlib.pyplot') as PlotState | undefined;
  if (s === undefined) return [];
  for (const figure of s.open) if (figure.record.axes.length > 0) s.shown.push(figureJson(figure.record));
  s.open = [];
  s.current = null;
  const shown = s.shown;
  s.shown = [];
  return shown;
}

function axesJson(a: AxesRecord): Omit<FigureJson, 'more_axes' | 'svg'> {
  return {
    lines: a.lines.map((l) => ({ x: l.x.values, y: l.y.values, label: l.label })),
    xlabel: a.xlabel,
    ylabel: a.ylabel,
    title: a.title,
    legend: a.legend,
  };
}

function figureJson(f: FigureRecord): FigureJson {
  const [first, ...rest] = f.axes;
  const json: FigureJson = rest.length === 0 ? axesJson(first) : { ...axesJson(first), more_axes: rest.map(axesJson) };
  json.svg = figureSvg(first);
  return json;
}

/** Work units charged per point drawn (a copied element is one). */
const SVG_WORK_PER_POINT = 10;

/** The figure's (first) Axes drawn by the renderer /v1/plot uses. */
function figureSvg(a: AxesRecord): string {
  // Drawing costs about ten times copying a point (two coordinates written as text): metered so.
  let points = 0;
  for (const l of a.lines) points += l.x.values.length;
  for (const l of a.scatters) points += l.x.values.length;
  chargeWork(points * SVG_WORK_PER_POINT);
  return renderFigureSvg({
    lines: [
      ...a.lines.map((l) => ({ x: l.x.values, y: l.y.values, xRange: l.x, yRange: l.y, label: l.label })),
      ...a.scatters.map((l) => ({ x: l.x.values, y: l.y.values, xRange: l.x, yRange: l.y, label: l.label, style: 'scatter' as const })),
    ],
    xlabel: a.xlabel,
    ylabel: a.ylabel,
    title: a.title,
    legend: a.legend,
    grid: a.grid,
  });
}

// ---------------------------------------------------------------- objects

const figureType = namedType('matplotlib.figure.Figure');
const axesType = namedType('matplotlib.axes._subplots.AxesSubplot');
const lineType = namedType('matplotlib.lines.Line2D');
const textType = namedType('matplotlib.text.Text');
const legendType = namedType('matplotlib.legend.Legend');
const collectionType = namedType('matplotlib.collections.PathCollection');

class Figure extends PyNativeObject {
  readonly record: FigureRecord = { axes: [] };
  readonly number: number;
  current: Axes | null = null;
  constructor(number: number) {
    super();
    this.number = number;
  }
  get type(): PyClass {
    return figureType;
  }
}

class Axes extends PyNativeObject {
  readonly record: AxesRecord = { lines: [], scatters: [], xlabel: null, ylabel: null, title: null, legend: false, grid: false };
  get type(): PyClass {
    return axesType;
  }
}

class Artist extends PyNativeObject {
  constructor(
    readonly kind: PyClass,
    readonly text: string | null = null,
    readonly position: [number, number] = [0, 0],
  ) {
    super();
  }
  get type(): PyClass {
    return this.kind;
  }
}

function textObject(text: string, x: number, y: number): Artist {
  return new Artist(textType, text, [x, y]);
}

(figureType.dict as Map<string, PyValue>).set(
  '__repr__',
  new PyBuiltin('__repr__', ([self]) => {
    const f = self as Figure;
    return `<Figure size 640x480 with ${f.record.axes.length} Axes>`;
  }),
);
(textType.dict as Map<string, PyValue>).set(
  '__repr__',
  new PyBuiltin('__repr__', ([self]) => {
    const t = self as Artist;
    return `Text(${floatOrInt(t.position[0])}, ${floatOrInt(t.position[1])}, ${repr(t.text)})`;
  }),
);

function floatOrInt(v: number): string {
  return Number.isInteger(v) && v === 0 ? '0' : floatRepr(v);
}

// ---------------------------------------------------------------- data conversion

/**
 * np.asarray(v) flattened, as matplotlib reads plot data, in the answer's form: lists, ranges,
 * numpy arrays, tensors (one that requires grad fails as `.numpy()` does). A tensor's (or its
 * numpy() array's) values are its storage's shared answer values (taken now: a later in-place
 * write makes new ones); anything else is read into a fresh array.
 */
function numbers(v: PyValue, what: string): WireArray {
  if (v instanceof Tensor) {
    if (v.requiresGrad) throw pyError('RuntimeError', "Can't call numpy() on Tensor that requires grad. Use tensor.detach().numpy() instead.");
    return charged(flatWireArray(v));
  }
  if (v instanceof PyNdarray) {
    const storage = v.storage;
    return charged(storage !== null && storage.buffer === v.data ? wireArrayOf(storage, v.data) : wireArray(v.data));
  }
  if (typeof v === 'number') return wireArray([v]);
  if (typeof v === 'bigint') return wireArray([Number(v)]);
  if (typeof v === 'boolean') return wireArray([v ? 1 : 0]);
  if (v instanceof PyList || v instanceof PyTuple || v instanceof PyRange) {
    const parts = toArray(v).map((item) => numbers(item, what));
    if (parts.length === 1) return charged(parts[0]);
    const joined: number[] = [];
    for (const part of parts) for (const value of part.values) joined.push(typeof value === 'number' ? value : fromWireNumber(value));
    return charged(wireArray(joined));
  }
  throw pyError('TypeError', `${what}: cannot plot values of type '${typeName(v)}'`);
}

/** Plotted values are work as a kernel's elements are (one unit each), not interpreter steps. */
function charged(values: WireArray): WireArray {
  chargeWork(values.values.length);
  return values;
}

function isFormatString(v: PyValue): v is string {
  return typeof v === 'string';
}

// ---------------------------------------------------------------- figures and axes

function currentFigure(): Figure {
  const s = state();
  if (s.current === null) {
    const figure = new Figure(s.nextNumber++);
    s.open.push(figure);
    s.current = figure;
  }
  return s.current;
}

function currentAxes(): Axes {
  const figure = currentFigure();
  if (figure.current === null) {
    const axes = new Axes();
    figure.record.axes.push(axes.record);
    figure.current = axes;
  }
  return figure.current;
}

function labelOf(kwargs: Kwargs): string | null {
  const label = kwargs?.get('label');
  if (label === undefined || label === null) return null;
  const text = str(label);
  return text.startsWith('_') ? null : text;
}

/** plot([x], y, [fmt], [x2], y2, [fmt2], ..., label=...) */
function plotOn(axes: Axes, args: PyValue[], kwargs: Kwargs): PyValue {
  const lines: Artist[] = [];
  let i = 0;
  while (i < args.length) {
    const first = args[i];
    const second = args[i + 1];
    let x: WireArray;
    let y: WireArray;
    if (second === undefined || isFormatString(second)) {
      y = numbers(first, 'plot');
      x = wireArray(Array.from(y.values, (_, k) => k));
      i += second === undefined ? 1 : 2;
    } else {
      x = numbers(first, 'plot');
      y = numbers(second, 'plot');
      i += 2;
      if (i < args.length && isFormatString(args[i])) i += 1;
    }
    if (x.values.length !== y.values.length) {
      throw pyError('ValueError', `x and y must have same first dimension, but have shapes (${x.values.length},) and (${y.values.length},)`);
    }
    axes.record.lines.push({ x, y, label: labelOf(kwargs) });
    lines.push(new Artist(lineType));
  }
  return new PyList(lines);
}

function scatterOn(axes: Axes, args: PyValue[], kwargs: Kwargs): PyValue {
  if (args.length < 2) throw pyError('TypeError', "scatter() missing 1 required positional argument: 'y'");
  const x = numbers(args[0], 'scatter');
  const y = numbers(args[1], 'scatter');
  if (x.values.length !== y.values.length) throw pyError('ValueError', 'x and y must be the same size');
  axes.record.scatters.push({ x, y, label: labelOf(kwargs) });
  return new Artist(collectionType);
}

function setText(field: 'xlabel' | 'ylabel' | 'title', x: number, y: number) {
  return (args: PyValue[], kwargs: Kwargs): PyValue => {
    const [label] = parseArgs(field, [field === 'title' ? 'label' : field, 'fontdict=', 'loc=', 'pad=', 'labelpad=', 'fontsize=', 'color=', 'fontweight='], args, kwargs);
    const text = str(label as PyValue);
    currentAxes().record[field] = text === '' ? null : text;
    return textObject(text, x, y);
  };
}

function legend(axes: Axes): PyValue {
  axes.record.legend = true;
  return new Artist(legendType);
}

function show(): PyValue {
  const s = state();
  for (const figure of s.open) if (figure.record.axes.length > 0) s.shown.push(figureJson(figure.record));
  s.open = [];
  s.current = null;
  return null;
}

/** plt.figure(num=None, figsize=..., ...): a new current figure (or the open one numbered num). */
function figure(args: PyValue[]): PyValue {
  const s = state();
  const num = args[0];
  if (typeof num === 'bigint') {
    const existing = s.open.find((f) => f.number === Number(num));
    if (existing !== undefined) {
      s.current = existing;
      return existing;
    }
  }
  const f = new Figure(typeof num === 'bigint' ? Number(num) : s.nextNumber);
  s.nextNumber = Math.max(s.nextNumber, f.number + 1);
  s.open.push(f);
  s.current = f;
  return f;
}

function close(args: PyValue[]): PyValue {
  const s = state();
  const which = args[0];
  if (which === 'all') {
    s.open = [];
    s.current = null;
    return null;
  }
  const target = which instanceof Figure ? which : s.current;
  s.open = s.open.filter((f) => f !== target);
  if (s.current === target) s.current = s.open[s.open.length - 1] ?? null;
  return null;
}

function clf(): PyValue {
  const f = currentFigure();
  f.record.axes = [];
  f.current = null;
  return null;
}

/** plt.subplot(...): another Axes on the current figure (its position is not recorded). */
function subplot(): PyValue {
  const figureNow = currentFigure();
  const axes = new Axes();
  figureNow.record.axes.push(axes.record);
  figureNow.current = axes;
  return axes;
}

const noop = (name: string, result: () => PyValue = () => null) => builtin(name, () => result());

// Axes methods (ax.plot, ax.set_xlabel, ...): the object-oriented spelling of the same recorder
const axesDict = axesType.dict as Map<string, PyValue>;
for (const [name, fn] of Object.entries({
  plot: (self: Axes, args: PyValue[], kwargs: Kwargs) => plotOn(self, args, kwargs),
  scatter: (self: Axes, args: PyValue[], kwargs: Kwargs) => scatterOn(self, args, kwargs),
  set_xlabel: (self: Axes, args: PyValue[]) => {
    self.record.xlabel = str(args[0]) || null;
    return textObject(str(args[0]), 0.5, 0);
  },
  set_ylabel: (self: Axes, args: PyValue[]) => {
    self.record.ylabel = str(args[0]) || null;
    return textObject(str(args[0]), 0, 0.5);
  },
  set_title: (self: Axes, args: PyValue[]) => {
    self.record.title = str(args[0]) || null;
    return textObject(str(args[0]), 0.5, 1);
  },
  legend: (self: Axes) => legend(self),
  grid: (self: Axes, args: PyValue[]) => {
    self.record.grid = args.length === 0 || truthy(args[0]);
    return null;
  },
})) {
  axesDict.set(name, new PyBuiltin(name, (args, kwargs) => fn(args[0] as Axes, args.slice(1), kwargs), 'AxesSubplot'));
}

function makePyplot(name: string): PyModule {
  const entries: [string, PyValue][] = [
    ['plot', builtin('plot', (args, kwargs) => plotOn(currentAxes(), args, kwargs))],
    ['scatter', builtin('scatter', (args, kwargs) => scatterOn(currentAxes(), args, kwargs))],
    ['xlabel', builtin('xlabel', setText('xlabel', 0.5, 0))],
    ['ylabel', builtin('ylabel', setText('ylabel', 0, 0.5))],
    ['title', builtin('title', setText('title', 0.5, 1))],
    ['legend', builtin('legend', () => legend(currentAxes()))],
    ['grid', builtin('grid', (args) => {
      currentAxes().record.grid = args.length === 0 || truthy(args[0]);
      return null;
    })],
    ['show', builtin('show', show)],
    ['figure', builtin('figure', figure)],
    ['close', builtin('close', close)],
    ['clf', builtin('clf', clf)],
    ['cla', builtin('cla', () => {
      const axes = currentAxes();
      Object.assign(axes.record, { lines: [], scatters: [], xlabel: null, ylabel: null, title: null, legend: false });
      return null;
    })],
    ['gca', builtin('gca', () => currentAxes())],
    ['gcf', builtin('gcf', () => currentFigure())],
    ['subplot', builtin('subplot', subplot)],
    ['subplots', builtin('subplots', () => {
      const f = figure([]) as Figure;
      const axes = new Axes();
      f.record.axes.push(axes.record);
      f.current = axes;
      return new PyTuple([f, axes]);
    })],
    ['xlim', noop('xlim', () => new PyTuple([0, 1]))],
    ['ylim', noop('ylim', () => new PyTuple([0, 1]))],
    ['tight_layout', noop('tight_layout')],
    ['ion', noop('ion')],
    ['ioff', noop('ioff')],
    ['savefig', builtin('savefig', () => {
      throw pyError('PermissionError', 'savefig() is not available in this sandbox: there is no file system');
    })],
    ['imread', builtin('imread', () => {
      throw pyError('PermissionError', 'imread() is not available in this sandbox: there is no file system');
    })],
  ];
  return new PyModule(name, new Map(entries));
}

let modules: Map<string, PyModule> | null = null;

/** matplotlib, matplotlib.pyplot and matplotlib.pylab (one recorder, per-run state). */
export function matplotlibModules(): Map<string, PyModule> {
  if (modules === null) {
    const pyplot = makePyplot('matplotlib.pyplot');
    const pylab = makePyplot('matplotlib.pylab');
    const matplotlib = new PyModule('matplotlib', new Map<string, PyValue>([
      ['pyplot', pyplot],
      ['pylab', pylab],
      ['__version__', '3.6.3'],
      ['use', builtin('use', () => null)],
    ]));
    modules = new Map([
      ['matplotlib', matplotlib],
      ['matplotlib.pyplot', pyplot],
      ['matplotlib.pylab', pylab],
    ]);
  }
  return modules;
}
