import { longText, make, type Problem, showLocalProblem, showProblem } from './dom.js';
import { drawFigure, type FigureAnswer } from './figure.js';
import { gradRepr, type Nested } from './torch_print.js';

/** One cell of POST /v1/run's answer: what Jupyter shows under it. */
export interface CellAnswer {
  stdout: string;
  display: string | null;
  error: { type: string; message: string; line: number } | null;
  figures: FigureAnswer[];
}
export interface TensorVariable {
  data: Nested;
  shape: number[];
  dtype: string;
  requires_grad: boolean;
  is_leaf: boolean;
  grad_fn: string | null;
  grad: Nested | null;
  repr: string;
}
export interface OtherVariable {
  type: string;
  repr: string;
}
export interface RunAnswer {
  cells: CellAnswer[];
  variables: Record<string, TensorVariable | OtherVariable>;
}

interface Cell {
  root: HTMLDivElement;
  editor: HTMLTextAreaElement;
  prompt: HTMLSpanElement;
  output: HTMLDivElement;
}

export interface NotebookElements {
  cells: HTMLElement;
  runAll: HTMLButtonElement;
  addCell: HTMLButtonElement;
  status: HTMLElement;
  problem: HTMLElement;
  variables: HTMLTableSectionElement;
  variablesBox: HTMLElement;
}

/**
 * Notebook mode: a list of cells (add, remove, move, edit), Run all sends them to POST /v1/run
 * as one fresh kernel session, and each cell's output appears under it as Jupyter shows it:
 * stdout, `Out[n]:`, the error as `TypeName: message` with its line, and the figures.
 */
export class Notebook {
  private cells: Cell[] = [];
  /** Called after every run with the cells sent (the page puts them in the share link). */
  onRun: (cells: string[]) => void = () => {};

  constructor(private readonly ui: NotebookElements) {
    ui.runAll.addEventListener('click', () => void this.runAll());
    ui.addCell.addEventListener('click', () => this.insert(this.cells.length, '').editor.focus());
  }

  sources(): string[] {
    return this.cells.map((cell) => cell.editor.value);
  }

  load(sources: readonly string[]): void {
    this.cells = [];
    this.ui.cells.replaceChildren();
    for (const source of sources) this.insert(this.cells.length, source);
    this.clearOutputs();
  }

  private insert(index: number, source: string): Cell {
    const root = make('div', undefined, 'cell');
    const prompt = make('span', 'In [ ]:', 'prompt');
    const editor = make('textarea');
    editor.spellcheck = false;
    // Code keeps its lines: long ones scroll sideways, as in Jupyter.
    editor.wrap = 'off';
    editor.value = source;
    editor.setAttribute('aria-label', 'cell source (Python)');
    fitRows(editor);
    editor.addEventListener('input', () => fitRows(editor));
    editor.addEventListener('keydown', (event) => {
      if (event.key === 'Enter' && (event.shiftKey || event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        void this.runAll();
      }
    });
    const tools = make('div', undefined, 'cell-tools');
    const cell: Cell = { root, editor, prompt, output: make('div', undefined, 'cell-output') };
    const tool = (label: string, title: string, action: () => void) => {
      const button = make('button', label, 'icon');
      button.type = 'button';
      button.title = title;
      button.setAttribute('aria-label', title);
      button.dataset.action = title.split(' ')[0];
      button.addEventListener('click', action);
      tools.append(button);
    };
    tool('↑', 'move up', () => this.move(cell, -1));
    tool('↓', 'move down', () => this.move(cell, 1));
    tool('+', 'add a cell below', () => this.insert(this.cells.indexOf(cell) + 1, '').editor.focus());
    tool('✕', 'delete this cell', () => this.remove(cell));
    const input = make('div', undefined, 'cell-input');
    input.append(prompt, editor, tools);
    root.append(input, cell.output);
    this.ui.cells.insertBefore(root, this.cells[index]?.root ?? null);
    this.cells.splice(index, 0, cell);
    return cell;
  }

  private move(cell: Cell, by: -1 | 1): void {
    const from = this.cells.indexOf(cell);
    const to = from + by;
    if (to < 0 || to >= this.cells.length) return;
    this.cells.splice(from, 1);
    this.cells.splice(to, 0, cell);
    this.ui.cells.insertBefore(cell.root, this.cells[to + 1]?.root ?? null);
    cell.editor.focus();
  }

  private remove(cell: Cell): void {
    this.cells.splice(this.cells.indexOf(cell), 1);
    cell.root.remove();
    if (this.cells.length === 0) this.insert(0, '');
  }

  private clearOutputs(): void {
    for (const cell of this.cells) {
      cell.prompt.textContent = 'In [ ]:';
      cell.output.replaceChildren();
    }
    this.ui.problem.hidden = true;
    this.ui.variablesBox.hidden = true;
  }

  async runAll(): Promise<void> {
    const sources = this.sources();
    this.clearOutputs();
    this.ui.runAll.disabled = true;
    this.ui.status.textContent = 'running…';
    document.body.dataset.state = 'running';
    const started = performance.now();
    try {
      const response = await fetch('/v1/run', {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ cells: sources }),
      });
      const body = (await response.json()) as unknown;
      this.ui.status.textContent = `${response.status} in ${Math.round(performance.now() - started)} ms`;
      this.onRun(sources);
      if (!response.ok) {
        showProblem(this.ui.problem, body as Problem);
        return;
      }
      this.show(body as RunAnswer, sources);
    } catch (error) {
      this.ui.status.textContent = '';
      showLocalProblem(this.ui.problem, 'The request failed', (error as Error).message);
    } finally {
      this.ui.runAll.disabled = false;
      document.body.dataset.state = 'idle';
    }
  }

  /** Shows a run answer (from Run all, or the submission of a grade) for the cells `sources`. */
  show(answer: RunAnswer, sources: readonly string[] = this.sources()): void {
    answer.cells.forEach((result, index) => {
      const cell = this.cells[index];
      if (!cell) return;
      cell.prompt.textContent = `In [${index + 1}]:`;
      cell.output.replaceChildren(...cellOutput(result, index + 1, sources[index] ?? ''));
    });
    this.showVariables(answer.variables);
  }

  private showVariables(variables: RunAnswer['variables']): void {
    const rows = Object.entries(variables).map(([name, variable]) => {
      const row = make('tr');
      row.dataset.name = name;
      const nameCell = make('td', undefined, 'name');
      nameCell.append(make('code', name));
      const valueCell = make('td', undefined, 'repr');
      const gradCell = make('td', undefined, 'grad');
      if ('shape' in variable) {
        nameCell.append(make('small', variable.dtype));
        valueCell.append(longText(variable.repr));
        gradCell.append(longText(gradRepr(variable.grad, variable.shape, variable.dtype)));
      } else {
        nameCell.append(make('small', variable.type));
        valueCell.append(longText(variable.repr));
      }
      row.append(nameCell, valueCell, gradCell);
      return row;
    });
    this.ui.variables.replaceChildren(...rows);
    this.ui.variablesBox.hidden = rows.length === 0;
  }
}

/** What Jupyter shows under a cell: stdout, then the error (IPython's short traceback), Out[n], the figures. */
function cellOutput(result: CellAnswer, count: number, source: string): HTMLElement[] {
  const parts: HTMLElement[] = [];
  if (result.stdout) parts.push(longText(result.stdout, { tall: true, className: 'stdout' }));
  if (result.error) parts.push(errorBox(result.error, count, source));
  if (result.display !== null) {
    const out = make('div', undefined, 'display');
    out.append(make('span', `Out[${count}]:`, 'prompt out'), longText(result.display, { tall: true }));
    parts.push(out);
  }
  for (const figure of result.figures) parts.push(...drawFigure(figure));
  return parts;
}

function errorBox(error: NonNullable<CellAnswer['error']>, count: number, source: string): HTMLElement {
  const box = make('div', undefined, 'cell-error');
  const head = make('p', undefined, 'error-head');
  head.append(make('strong', error.type), document.createTextNode(`: ${error.message}`));
  box.append(head);
  const line = source.split('\n')[error.line - 1];
  if (line !== undefined) {
    // IPython's pointer: the cell and the line that was running.
    box.append(make('pre', `Cell In[${count}], line ${error.line}\n----> ${error.line} ${line}`, 'where'));
  }
  return box;
}

/** Height for browsers without CSS field-sizing (which sizes cells to their content itself). */
function fitRows(editor: HTMLTextAreaElement): void {
  editor.rows = Math.min(24, Math.max(1, editor.value.split('\n').length));
}
