/**
 * Runs the short programs of ops.json (`r = torch.expm1(x)\ny = r.sum()`)
 * directly on the engine's op table, so each op's values, gradients, grad_fn
 * names, reprs and traces are checked against torch before the Python
 * interpreter serves them end to end. The programs use a small subset of
 * Python: assignments (tuple targets too), calls with keywords, attributes,
 * arithmetic, numbers, strings, lists and tuples. Anything else throws, and
 * the case fails with that message.
 */
import { backward } from '../../src/engine/autograd.js';
import { type DType, TorchDType } from '../../src/engine/dtype.js';
import { bindArguments, isTensor, NamedTuple, type OpDef, type OpModule, type Value } from '../../src/engine/op.js';
import { modulesOf, OPS_BY_NAME, opSpelled } from '../../src/engine/ops/index.js';
import { getItem, type IndexItem } from '../../src/engine/indexing.js';
import { Tensor } from '../../src/engine/tensor.js';
import { traceGraph } from '../../src/engine/trace.js';
import { describeEntry } from '../../src/program/encode.js';
import opsJson from '../conformance/ops.json' with { type: 'json' };
import { compareCase, type GoldenCase } from './conformance.js';

export const OP_CASES = (opsJson as unknown as { cases: GoldenCase[] }).cases;

/** The cases of one catalog group (`unary`, `loss`, ...), optionally only those of some ops. */
export function casesOf(group: string, ops?: readonly string[]): GoldenCase[] {
  return OP_CASES.filter((c) => c.tags[1] === group && (ops === undefined || ops.some((op) => c.tags.includes(`op:${op}`))));
}

/** The modules an op is spelled in (the op table's rule). */
export { modulesOf };

/** Every difference between the engine's answer to a case and torch's (empty: pass). */
export function checkGoldenCase(c: GoldenCase): string[] {
  const request = c.request as { inputs?: Record<string, unknown>; expr: string; backward?: boolean };
  const env = new Map<string, Value | Module>();
  for (const [name, spec] of Object.entries(request.inputs ?? {})) env.set(name, inputTensor(name, spec));
  let last: string | null = null;
  for (const line of request.expr.split('\n')) {
    if (line.trim() === '') continue;
    last = new Statement(line, env).run() ?? last;
  }
  const resultName = last as string;
  const result = env.get(resultName);
  if (request.backward !== false && result instanceof Tensor && result.requiresGrad) backward(result);
  const tensors: Record<string, unknown> = {};
  for (const [name, value] of env) if (value instanceof Tensor) tensors[name] = describeEntry(value);
  const trace = result instanceof Tensor && result.gradFn ? traceGraph(result.gradFn) : null;
  return compareCase(c, 200, 'application/json', { result: resultName, tensors, trace });
}

// ---- inputs -------------------------------------------------------------------

type Nested = number | string | Nested[];

function wireNumber(v: number | string): number {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v as number;
}

function shapeOf(data: Nested): number[] {
  return Array.isArray(data) ? [data.length, ...(data.length > 0 ? shapeOf(data[0]) : [])] : [];
}

function inputTensor(name: string, spec: unknown): Tensor {
  const full = typeof spec === 'object' && spec !== null && !Array.isArray(spec) ? (spec as { data: Nested; dtype?: string; requires_grad?: boolean }) : { data: spec as Nested };
  const flat = (Array.isArray(full.data) ? ((full.data as unknown[]).flat(Infinity) as (number | string)[]) : [full.data as number]).map(wireNumber);
  const data = full.dtype === 'float64' ? Float64Array.from(flat) : Float32Array.from(flat);
  const t = new Tensor(data, shapeOf(full.data), { requiresGrad: full.requires_grad ?? true });
  t.name = name;
  return t;
}

// ---- the Python subset --------------------------------------------------------

/** A module path (`torch`, `torch.nn.functional`) or a tensor method bound to its receiver. */
class Module {
  constructor(readonly path: string) {}
}
class BoundMethod {
  constructor(
    readonly receiver: Value | Module,
    readonly name: string,
  ) {}
}
type Item = Value | Module | BoundMethod;

/** torch.float64 and its aliases as torch.dtype values. */
const TORCH_DTYPES: Record<string, DType> = { float32: 'float32', float: 'float32', float64: 'float64', double: 'float64', int64: 'int64', long: 'int64', bool: 'bool' };

const MODULE_PATHS = new Set(['torch', 'torch.nn', 'torch.nn.functional', 'torch.special', 'torch.linalg']);
const COMPARISON_OPS: Record<string, string> = { '>': 'gt', '>=': 'ge', '<': 'lt', '<=': 'le', '==': 'eq', '!=': 'ne' };
const OPERATOR_OPS: Record<string, string> = { '+': 'add', '-': 'sub', '*': 'mul', '/': 'div', '**': 'pow', '@': 'matmul', '//': 'floor_divide', '%': 'remainder' };
const TOKEN = /\s*(?:(\d+\.\d*(?:e[-+]?\d+)?|\d*\.\d+(?:e[-+]?\d+)?|\d+e[-+]?\d+)|(\d+)|([A-Za-z_]\w*)|'([^']*)'|"([^"]*)"|(\*\*|\/\/|>=|<=|==|!=|\.\.\.|[-+*/@%()[\],.=<>:]))/y;

interface Token {
  kind: 'float' | 'int' | 'name' | 'string' | 'op' | 'end';
  text: string;
}

function tokenize(line: string): Token[] {
  const tokens: Token[] = [];
  TOKEN.lastIndex = 0;
  while (TOKEN.lastIndex < line.length) {
    if (/^\s*$/.test(line.slice(TOKEN.lastIndex))) break;
    const start = TOKEN.lastIndex;
    const m = TOKEN.exec(line);
    if (!m) throw new Error(`cannot read ${JSON.stringify(line.slice(start))}`);
    if (m[1] !== undefined) tokens.push({ kind: 'float', text: m[1] });
    else if (m[2] !== undefined) tokens.push({ kind: 'int', text: m[2] });
    else if (m[3] !== undefined) tokens.push({ kind: 'name', text: m[3] });
    else if (m[4] !== undefined || m[5] !== undefined) tokens.push({ kind: 'string', text: m[4] ?? m[5] });
    else tokens.push({ kind: 'op', text: m[6] });
  }
  tokens.push({ kind: 'end', text: '' });
  return tokens;
}

/** One statement, evaluated as it is parsed (recursive descent over the subset above). */
class Statement {
  private readonly tokens: Token[];
  private at = 0;

  constructor(
    line: string,
    private readonly env: Map<string, Item>,
  ) {
    this.tokens = tokenize(line);
  }

  /** Runs the statement; returns the (last) name it assigned. */
  run(): string | null {
    const equals = this.tokens.findIndex((t) => t.kind === 'op' && t.text === '=');
    if (equals < 0) {
      this.expression();
      return null;
    }
    const targets = this.tokens.slice(0, equals).filter((t) => t.kind === 'name').map((t) => t.text);
    this.at = equals + 1;
    const value = this.expression();
    this.expect('end');
    if (targets.length === 1) this.env.set(targets[0], value);
    else {
      const items = value instanceof NamedTuple ? value.values : (value as readonly Value[]);
      if (!Array.isArray(items) || items.length !== targets.length) throw new Error(`cannot unpack into ${targets.length} names`);
      targets.forEach((name, i) => this.env.set(name, items[i]));
    }
    return targets[targets.length - 1];
  }

  private peek(): Token {
    return this.tokens[this.at];
  }

  private nextIs(text: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.text === text;
  }

  private accept(text: string): boolean {
    const t = this.peek();
    if (t.kind === 'op' && t.text === text) {
      this.at++;
      return true;
    }
    return false;
  }

  private expect(kindOrText: string): Token {
    const t = this.tokens[this.at++];
    if (t.kind !== kindOrText && t.text !== kindOrText) throw new Error(`expected ${kindOrText}, found ${JSON.stringify(t.text)}`);
    return t;
  }

  /** Comparisons (`a > b`), below arithmetic: the table's gt, ge, lt, le, eq, ne. */
  private expression(): Value {
    const left = this.arithmetic();
    const t = this.peek();
    if (t.kind !== 'op' || !(t.text in COMPARISON_OPS)) return left;
    this.at++;
    return callOp(COMPARISON_OPS[t.text], [left, this.arithmetic()], {});
  }

  private arithmetic(): Value {
    let left = this.product();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || (t.text !== '+' && t.text !== '-')) return left;
      this.at++;
      left = binary(t.text, left, this.product());
    }
  }

  private product(): Value {
    let left = this.unary();
    for (;;) {
      const t = this.peek();
      if (t.kind !== 'op' || !['*', '/', '//', '%', '@'].includes(t.text)) return left;
      this.at++;
      left = binary(t.text, left, this.unary());
    }
  }

  private unary(): Value {
    if (this.accept('-')) {
      const operand = this.unary();
      return callOp('neg', [operand], {});
    }
    const base = this.postfix();
    if (this.accept('**')) return binary('**', base, this.unary());
    return base;
  }

  private postfix(): Value {
    let item = this.atom();
    for (;;) {
      if (this.accept('.')) {
        const name = this.expect('name').text;
        item = this.attribute(item, name);
      } else if (this.accept('(')) {
        item = this.call(item);
      } else if (this.accept('[')) {
        if (!(item instanceof Tensor)) throw new Error('only tensors are subscripted here');
        item = getItem(item, this.indexItems());
      } else break;
    }
    if (item instanceof Module || item instanceof BoundMethod) throw new Error('a module or method is not a value');
    return item;
  }

  /** The items of `x[...]` up to the closing bracket: slices, `...`, None, and expressions. */
  private indexItems(): IndexItem[] {
    const items: IndexItem[] = [];
    while (!this.accept(']')) {
      if (this.accept('...')) items.push('ellipsis');
      else {
        const start = this.nextIs(':') ? null : (this.expression() as IndexItem);
        if (this.accept(':')) {
          const stop = this.nextIs(':') || this.nextIs(',') || this.nextIs(']') ? null : this.expression();
          const step = this.accept(':') && !this.nextIs(',') && !this.nextIs(']') ? this.expression() : null;
          items.push({ start: start as bigint | null, stop: stop as bigint | null, step: step as bigint | null });
        } else items.push(start);
      }
      if (!this.accept(',') && !this.nextIs(']')) throw new Error(`expected , or ] in a subscript, found ${JSON.stringify(this.peek().text)}`);
    }
    return items;
  }

  private attribute(item: Item, name: string): Item {
    // x.T reverses the dims (PermuteBackward0), x.mT swaps the last two (TransposeBackward0)
    if (item instanceof Tensor && name === 'T') return callOp('permute', [item, item.shape.map((_, i) => BigInt(item.ndim - 1 - i))], {});
    if (item instanceof Tensor && name === 'mT') return callOp('transpose', [item, -2n, -1n], {});
    if (item instanceof Module && item.path === 'torch' && name in TORCH_DTYPES) return TorchDType.of(TORCH_DTYPES[name]);
    if (item instanceof Module) {
      const path = `${item.path}.${name}`;
      return MODULE_PATHS.has(path) ? new Module(path) : new BoundMethod(item, name);
    }
    if (item instanceof NamedTuple) {
      const field = item.get(name);
      if (field === undefined) throw new Error(`${item.typeName} has no attribute ${name}`);
      return field;
    }
    return new BoundMethod(item as Value, name);
  }

  private call(callee: Item): Value {
    const args: Value[] = [];
    const kwargs: Record<string, Value> = {};
    while (!this.accept(')')) {
      const t = this.peek();
      if (t.kind === 'name' && this.tokens[this.at + 1].text === '=') {
        this.at += 2;
        kwargs[t.text] = this.expression();
      } else args.push(this.expression());
      if (!this.accept(',') && !this.nextIs(')')) throw new Error(`expected , or ) in a call, found ${JSON.stringify(this.peek().text)}`);
    }
    if (!(callee instanceof BoundMethod)) throw new Error('not callable');
    const { receiver, name } = callee;
    if (receiver instanceof Module) return callFunction(receiver.path, name, args, kwargs);
    if (name === 'float' && receiver === null) return pythonFloat(args[0]);
    return callMethod(receiver, name, args, kwargs);
  }

  private atom(): Item {
    const t = this.tokens[this.at++];
    switch (t.kind) {
      case 'float':
        return Number(t.text);
      case 'int':
        return BigInt(t.text);
      case 'string':
        return t.text;
      case 'name':
        if (t.text === 'torch') return new Module('torch');
        if (t.text === 'F') return new Module('torch.nn.functional');
        if (t.text === 'True' || t.text === 'False') return t.text === 'True';
        if (t.text === 'None') return null;
        if (t.text === 'float') return new BoundMethod(null, 'float');
        if (!this.env.has(t.text)) throw new Error(`name '${t.text}' is not defined`);
        return this.env.get(t.text) as Item;
      case 'op':
        if (t.text === '(' || t.text === '[') {
          const close = t.text === '(' ? ')' : ']';
          const items: Value[] = [];
          let tuple = t.text === '[';
          while (!this.accept(close)) {
            items.push(this.expression());
            if (this.accept(',')) tuple = true;
            else if (!this.nextIs(close)) throw new Error(`expected , or ${close}, found ${JSON.stringify(this.peek().text)}`);
          }
          return tuple ? items : items[0];
        }
    }
    throw new Error(`unexpected ${JSON.stringify(t.text)}`);
  }
}

function opNamed(name: string): OpDef {
  const op = OPS_BY_NAME.get(name);
  if (!op) throw new Error(`no op ${name} in the table`);
  return op;
}

function callOp(name: string, args: readonly Value[], kwargs: Record<string, Value>): Value {
  const op = opNamed(name);
  return op.call(bindArguments(op, args, kwargs));
}

function binary(operator: string, a: Value, b: Value): Value {
  const name = OPERATOR_OPS[operator];
  if (!name) throw new Error(`operator ${operator}`);
  // Python's reflected operators: `2 * x` is x.__rmul__(2), which the ops accept with the number first.
  return callOp(name, [a, b], {});
}

function callFunction(module: string, name: string, args: readonly Value[], kwargs: Record<string, Value>): Value {
  const op = opSpelled(module as OpModule, name);
  if (!op) throw new Error(`module '${module}' has no attribute '${name}'`);
  return op.call(bindArguments(op, args, kwargs));
}

function callMethod(receiver: Value, name: string, args: readonly Value[], kwargs: Record<string, Value>): Value {
  if (!isTensor(receiver)) throw new Error(`'${typeof receiver}' object has no attribute '${name}'`);
  const op = opSpelled('method', name);
  if (!op) throw new Error(`'Tensor' object has no attribute '${name}'`);
  return op.call(bindArguments(op, [receiver, ...args], kwargs));
}

/** Python's float(): of a number, or of 'inf', '-inf', 'nan'. */
function pythonFloat(v: Value): number {
  if (typeof v === 'string') {
    const special: Record<string, number> = { inf: Infinity, '-inf': -Infinity, nan: NaN };
    if (v in special) return special[v];
  }
  return Number(v);
}
