/**
 * IPython's plain-text pretty printer (IPython.lib.pretty, what Jupyter shows as Out[n]) and
 * Python's own repr() of containers, over a small document model built by the interpreter:
 *
 * - a string: an object's repr() (IPython's `_repr_pprint`: each line of it is text, lines are
 *   joined by hard breaks that keep the current indentation);
 * - a sequence: list, tuple, set (`_seq_pprinter_factory`, `_set_pprinter_factory`);
 * - a dict (`_dict_pprinter_factory`).
 *
 * The layout engine is a line-for-line port of IPython's PrettyPrinter (groups, breakables, the
 * group queue that breaks the outermost group first), so that where lines break, including
 * IPython's quirks, matches byte for byte. The document is walked with an explicit stack: deep
 * nesting never recurses on the JS stack.
 */

import { pyLen } from './format.js';

export type PrettyDoc = string | PrettySeq | PrettyDict;

export interface PrettySeq {
  readonly open: string;
  readonly close: string;
  /** The elements. IPython shows the first 1000 and then `...`; repr() shows them all. */
  readonly items: readonly PrettyDoc[];
  /** A 1-tuple: `(1,)`. */
  readonly trailingCommaIfOne?: boolean;
}

export interface PrettyDict {
  /** Key/value pairs in the dict's order. */
  readonly dict: readonly (readonly [PrettyDoc, PrettyDoc])[];
  readonly open?: string;
  readonly close?: string;
}

/** IPython's default max_seq_length: later elements print as `...`. */
export const MAX_SEQ_LENGTH = 1000;

export const prettyList = (items: readonly PrettyDoc[]): PrettySeq => ({ open: '[', close: ']', items });
export const prettyTuple = (items: readonly PrettyDoc[]): PrettySeq => ({ open: '(', close: ')', items, trailingCommaIfOne: true });
export const prettyDict = (pairs: readonly (readonly [PrettyDoc, PrettyDoc])[]): PrettyDict => ({ dict: pairs });
/** A set's elements in the order to show (IPython sorts them when it can); `set()` when empty. */
export const prettySet = (items: readonly PrettyDoc[]): PrettyDoc => (items.length === 0 ? 'set()' : { open: '{', close: '}', items });
export const prettyFrozenset = (items: readonly PrettyDoc[]): PrettyDoc =>
  items.length === 0 ? 'frozenset()' : { open: 'frozenset({', close: '})', items };

// ---------------------------------------------------------------------------------------------
// Python's repr() of containers (no line breaking)

/** repr(list) given the elements' reprs. */
export function listRepr(items: readonly string[]): string {
  return '[' + items.join(', ') + ']';
}

/** repr(tuple) given the elements' reprs. */
export function tupleRepr(items: readonly string[]): string {
  return items.length === 1 ? '(' + items[0] + ',)' : '(' + items.join(', ') + ')';
}

/** repr(dict) given the keys' and values' reprs. */
export function dictRepr(pairs: readonly (readonly [string, string])[]): string {
  let out = '{';
  for (let i = 0; i < pairs.length; i++) out += (i ? ', ' : '') + pairs[i][0] + ': ' + pairs[i][1];
  return out + '}';
}

/** repr(set) given the elements' reprs in iteration order. */
export function setRepr(items: readonly string[]): string {
  return items.length === 0 ? 'set()' : '{' + items.join(', ') + '}';
}

/** repr() of a document: what Python prints for the same containers (all elements, one line each join). */
export function plainRepr(doc: PrettyDoc): string {
  let out = '';
  const work: (PrettyDoc | { literal: string })[] = [doc];
  while (work.length > 0) {
    const next = work.pop()!;
    if (typeof next === 'string') {
      out += next;
    } else if ('literal' in next) {
      out += next.literal;
    } else if ('dict' in next) {
      const pending: (PrettyDoc | { literal: string })[] = [{ literal: next.open ?? '{' }];
      next.dict.forEach(([key, value], i) => {
        if (i) pending.push({ literal: ', ' });
        pending.push(key, { literal: ': ' }, value);
      });
      pending.push({ literal: next.close ?? '}' });
      for (let i = pending.length - 1; i >= 0; i--) work.push(pending[i]);
    } else {
      const pending: (PrettyDoc | { literal: string })[] = [{ literal: next.open }];
      next.items.forEach((item, i) => {
        if (i) pending.push({ literal: ', ' });
        pending.push(item);
      });
      if (next.trailingCommaIfOne && next.items.length === 1) pending.push({ literal: ',' });
      pending.push({ literal: next.close });
      for (let i = pending.length - 1; i >= 0; i--) work.push(pending[i]);
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// The layout engine (IPython.lib.pretty.PrettyPrinter)

class Group {
  readonly breakables: Breakable[] = [];
  head = 0; // breakables[head..] are pending (a deque)
  wantBreak = false;
  constructor(readonly depth: number) {}
  get pending(): number {
    return this.breakables.length - this.head;
  }
}

class Text {
  readonly parts: string[] = [];
  width = 0;
  add(text: string, width: number): void {
    this.parts.push(text);
    this.width += width;
  }
  output(printer: PrettyPrinter, outputWidth: number): number {
    for (const part of this.parts) printer.write(part);
    return outputWidth + this.width;
  }
}

class Breakable {
  readonly indentation: number;
  readonly group: Group;
  constructor(
    readonly sep: string,
    readonly width: number,
    private readonly printer: PrettyPrinter,
  ) {
    this.indentation = printer.indentation;
    this.group = printer.groupStack[printer.groupStack.length - 1];
    this.group.breakables.push(this);
  }
  output(printer: PrettyPrinter, outputWidth: number): number {
    this.group.head++;
    if (this.group.wantBreak) {
      printer.write('\n');
      printer.write(' '.repeat(this.indentation));
      return this.indentation;
    }
    if (this.group.pending === 0) this.printer.groupQueue.remove(this.group);
    printer.write(this.sep);
    return outputWidth + this.width;
  }
}

class GroupQueue {
  readonly queue: Group[][] = [];
  enq(group: Group): void {
    while (group.depth > this.queue.length - 1) this.queue.push([]);
    this.queue[group.depth].push(group);
  }
  deq(): Group | undefined {
    for (const stack of this.queue) {
      for (let idx = 0; idx < stack.length; idx++) {
        const group = stack[stack.length - 1 - idx];
        if (group.pending > 0) {
          // IPython deletes stack[idx] with idx counted from the end (kept as is: it decides
          // which groups later break).
          stack.splice(idx, 1);
          group.wantBreak = true;
          return group;
        }
      }
      for (const group of stack) group.wantBreak = true;
      stack.length = 0;
    }
    return undefined;
  }
  remove(group: Group): void {
    const stack = this.queue[group.depth];
    const i = stack.indexOf(group);
    if (i >= 0) stack.splice(i, 1);
  }
}

class PrettyPrinter {
  private readonly out: string[] = [];
  private outputWidth = 0;
  private bufferWidth = 0;
  private readonly buffer: (Text | Breakable)[] = [];
  private bufferHead = 0;
  readonly groupStack: Group[];
  readonly groupQueue = new GroupQueue();
  indentation = 0;

  constructor(private readonly maxWidth: number) {
    const root = new Group(0);
    this.groupStack = [root];
    this.groupQueue.enq(root);
  }

  write(text: string): void {
    this.out.push(text);
  }

  result(): string {
    return this.out.join('');
  }

  private bufferEmpty(): boolean {
    return this.bufferHead === this.buffer.length;
  }

  private popLeft(): Text | Breakable {
    const item = this.buffer[this.bufferHead++];
    if (this.bufferHead > 1024 && this.bufferHead * 2 > this.buffer.length) {
      this.buffer.splice(0, this.bufferHead);
      this.bufferHead = 0;
    }
    return item;
  }

  private breakOneGroup(group: Group): void {
    while (group.pending > 0) {
      const x = this.popLeft();
      this.outputWidth = x.output(this, this.outputWidth);
      this.bufferWidth -= x.width;
    }
    while (!this.bufferEmpty() && this.buffer[this.bufferHead] instanceof Text) {
      const x = this.popLeft();
      this.outputWidth = x.output(this, this.outputWidth);
      this.bufferWidth -= x.width;
    }
  }

  private breakOuterGroups(): void {
    while (this.maxWidth < this.outputWidth + this.bufferWidth) {
      const group = this.groupQueue.deq();
      if (!group) return;
      this.breakOneGroup(group);
    }
  }

  text(obj: string): void {
    const width = pyLen(obj);
    if (!this.bufferEmpty()) {
      let last = this.buffer[this.buffer.length - 1];
      if (!(last instanceof Text)) {
        last = new Text();
        this.buffer.push(last);
      }
      (last as Text).add(obj, width);
      this.bufferWidth += width;
      this.breakOuterGroups();
    } else {
      this.write(obj);
      this.outputWidth += width;
    }
  }

  breakable(sep = ' '): void {
    const width = pyLen(sep);
    const group = this.groupStack[this.groupStack.length - 1];
    if (group.wantBreak) {
      this.flush();
      this.write('\n');
      this.write(' '.repeat(this.indentation));
      this.outputWidth = this.indentation;
      this.bufferWidth = 0;
    } else {
      this.buffer.push(new Breakable(sep, width, this));
      this.bufferWidth += width;
      this.breakOuterGroups();
    }
  }

  /** An explicit newline keeping the indentation. */
  hardBreak(): void {
    const group = this.groupQueue.deq();
    if (group) this.breakOneGroup(group);
    this.flush();
    this.write('\n');
    this.write(' '.repeat(this.indentation));
    this.outputWidth = this.indentation;
    this.bufferWidth = 0;
  }

  beginGroup(indent = 0, open = ''): void {
    if (open) this.text(open);
    const group = new Group(this.groupStack[this.groupStack.length - 1].depth + 1);
    this.groupStack.push(group);
    this.groupQueue.enq(group);
    this.indentation += indent;
  }

  endGroup(dedent = 0, close = ''): void {
    this.indentation -= dedent;
    const group = this.groupStack.pop()!;
    if (group.pending === 0) this.groupQueue.remove(group);
    if (close) this.text(close);
  }

  flush(): void {
    while (!this.bufferEmpty()) {
      const data = this.popLeft();
      this.outputWidth += data.output(this, this.outputWidth);
    }
    this.buffer.length = 0;
    this.bufferHead = 0;
    this.bufferWidth = 0;
  }
}

/** Python's str.splitlines() boundaries. */
const LINE_BOUNDARY = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

type Step =
  | { kind: 'doc'; doc: PrettyDoc }
  | { kind: 'text'; text: string }
  | { kind: 'breakable' }
  | { kind: 'hardBreak' }
  | { kind: 'begin'; indent: number; open: string }
  | { kind: 'end'; dedent: number; close: string };

const BREAKABLE: Step = { kind: 'breakable' };
const HARD_BREAK: Step = { kind: 'hardBreak' };
const BEGIN_PLAIN: Step = { kind: 'begin', indent: 0, open: '' };
const END_PLAIN: Step = { kind: 'end', dedent: 0, close: '' };
const COMMA: Step = { kind: 'text', text: ',' };
const COLON: Step = { kind: 'text', text: ': ' };
const ELLIPSIS: Step = { kind: 'text', text: '...' };

/** The steps RepresentationPrinter.pretty(obj) takes for one object, in order. */
function expand(doc: PrettyDoc): Step[] {
  // pretty() wraps every object in a group of its own.
  const steps: Step[] = [BEGIN_PLAIN];
  if (typeof doc === 'string') {
    // _repr_pprint: with p.group(): lines joined by break_()
    steps.push(BEGIN_PLAIN);
    const lines = doc.split(LINE_BOUNDARY);
    if (lines.length > 0 && lines[lines.length - 1] === '') lines.pop();
    lines.forEach((line, i) => {
      if (i) steps.push(HARD_BREAK);
      steps.push({ kind: 'text', text: line });
    });
    steps.push(END_PLAIN);
  } else if ('dict' in doc) {
    const open = doc.open ?? '{';
    const close = doc.close ?? '}';
    const step = pyLen(open);
    steps.push({ kind: 'begin', indent: step, open });
    const pairs = doc.dict;
    for (let i = 0; i < pairs.length; i++) {
      if (i >= MAX_SEQ_LENGTH) {
        steps.push(COMMA, BREAKABLE, ELLIPSIS);
        break;
      }
      if (i) steps.push(COMMA, BREAKABLE);
      steps.push({ kind: 'doc', doc: pairs[i][0] }, COLON, { kind: 'doc', doc: pairs[i][1] });
    }
    steps.push({ kind: 'end', dedent: step, close });
  } else {
    const step = pyLen(doc.open);
    steps.push({ kind: 'begin', indent: step, open: doc.open });
    const items = doc.items;
    for (let i = 0; i < items.length; i++) {
      if (i >= MAX_SEQ_LENGTH) {
        steps.push(COMMA, BREAKABLE, ELLIPSIS);
        break;
      }
      if (i) steps.push(COMMA, BREAKABLE);
      steps.push({ kind: 'doc', doc: items[i] });
    }
    if (doc.trailingCommaIfOne && items.length === 1) steps.push(COMMA);
    steps.push({ kind: 'end', dedent: step, close: doc.close });
  }
  steps.push(END_PLAIN);
  return steps;
}

/** IPython's pretty(obj, max_width=79): the text Jupyter shows for a cell's value. */
export function prettyText(doc: PrettyDoc, maxWidth = 79): string {
  // A repr alone (a tensor's, a number's) is its lines joined by hard breaks at indent 0: itself,
  // unless splitlines() would split it elsewhere than at '\n' or drop a final line break.
  if (typeof doc === 'string' && !OTHER_LINE_BOUNDARY.test(doc) && !doc.endsWith('\n')) return doc;
  return printDoc(doc, maxWidth);
}

const OTHER_LINE_BOUNDARY = /[\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/;

/** prettyText through the printer, whatever the document (exported for tests). */
export function printDoc(doc: PrettyDoc, maxWidth = 79): string {
  const p = new PrettyPrinter(maxWidth);
  const work: Step[] = [{ kind: 'doc', doc }];
  while (work.length > 0) {
    const step = work.pop()!;
    switch (step.kind) {
      case 'doc': {
        const steps = expand(step.doc);
        for (let i = steps.length - 1; i >= 0; i--) work.push(steps[i]);
        break;
      }
      case 'text':
        p.text(step.text);
        break;
      case 'breakable':
        p.breakable();
        break;
      case 'begin':
        p.beginGroup(step.indent, step.open);
        break;
      case 'hardBreak':
        p.hardBreak();
        break;
      case 'end':
        p.endGroup(step.dedent, step.close);
        break;
    }
  }
  p.flush();
  return p.result();
}
