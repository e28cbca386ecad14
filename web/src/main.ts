import { drawTrace, type Trace } from './diagram.js';
import { element, longText, make, type Problem, showLocalProblem, showProblem, sourceExcerpt } from './dom.js';
import { EXAMPLES, type Example, NOTEBOOK_EXAMPLES } from './examples.js';
import { GradePanel } from './grade.js';
import { locateJsonError } from './json_error.js';
import { Notebook, type RunAnswer } from './notebook.js';
import { publish, readFragment, type Shared } from './share.js';
import { gradRepr, type Nested } from './torch_print.js';

interface TensorAnswer {
  data: Nested;
  shape: number[];
  dtype: string;
  grad: Nested | null;
  grad_fn: string | null;
  repr: string;
}
interface EvaluateAnswer {
  result: string;
  tensors: Record<string, TensorAnswer>;
  trace: Trace | null;
}

type ProgramKind = 'expr' | 'graph';
type Mode = 'expression' | 'notebook';

const ui = {
  tabs: { expression: element<HTMLButtonElement>('tab-expression'), notebook: element<HTMLButtonElement>('tab-notebook') },
  panels: { expression: element<HTMLElement>('expression-mode'), notebook: element<HTMLElement>('notebook-mode') },
  share: element<HTMLButtonElement>('share'),
  shareStatus: element<HTMLSpanElement>('share-status'),
  example: element<HTMLSelectElement>('example'),
  note: element<HTMLParagraphElement>('example-note'),
  program: element<HTMLTextAreaElement>('program'),
  inputs: element<HTMLTextAreaElement>('inputs'),
  functions: element<HTMLTextAreaElement>('functions'),
  run: element<HTMLButtonElement>('run'),
  copyCurl: element<HTMLButtonElement>('copy-curl'),
  curl: element<HTMLPreElement>('curl'),
  status: element<HTMLSpanElement>('status'),
  problem: element<HTMLDivElement>('problem'),
  answer: element<HTMLDivElement>('answer'),
  tensors: element<HTMLTableElement>('tensors').tBodies[0],
  graph: element<HTMLDivElement>('graph'),
  plot: element<HTMLDivElement>('plot'),
  plotImage: element<HTMLImageElement>('plot-image'),
  plotNote: element<HTMLParagraphElement>('plot-note'),
  notebookExample: element<HTMLSelectElement>('notebook-example'),
  notebookNote: element<HTMLParagraphElement>('notebook-note'),
};

// ---- modes and links ------------------------------------------------------------

let mode: Mode = 'expression';

function setMode(next: Mode): void {
  mode = next;
  for (const name of ['expression', 'notebook'] as const) {
    ui.tabs[name].setAttribute('aria-selected', String(name === next));
    ui.panels[name].hidden = name !== next;
  }
  document.body.dataset.mode = next;
}

/** The request the current mode would send, for the link; null when the fields do not make one yet. */
function currentShare(): Shared | null {
  if (mode === 'notebook') return { kind: 'run', request: { cells: notebook.sources() } };
  try {
    return { kind: 'evaluate', request: buildRequest() };
  } catch (error) {
    if (error instanceof FieldError) return null;
    throw error;
  }
}

async function copyLink(): Promise<void> {
  const shared = currentShare();
  if (!shared) {
    ui.shareStatus.textContent = 'fix the JSON first: Run says where';
    return;
  }
  const link = publish(shared);
  try {
    await navigator.clipboard.writeText(link);
    ui.shareStatus.textContent = 'link copied';
  } catch {
    // No clipboard (plain http off localhost): the link is in the address bar.
    ui.shareStatus.textContent = 'link in the address bar';
  }
  setTimeout(() => (ui.shareStatus.textContent = ''), 2500);
}

/** Restores a shared request; true when the fragment held one. */
function restore(hash: string): boolean {
  const shared = readFragment(hash);
  if (!shared) return false;
  if (shared.kind === 'run') {
    ui.notebookExample.value = '';
    ui.notebookNote.textContent = 'Cells from a shared link.';
    notebook.load(shared.request.cells);
    setMode('notebook');
  } else {
    loadRequest(shared.request);
    ui.example.value = '';
    ui.note.textContent = 'A program from a shared link.';
    setMode('expression');
  }
  return true;
}

// ---- expression mode ------------------------------------------------------------

function programKind(): ProgramKind {
  return (document.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value as ProgramKind) ?? 'expr';
}

function setProgramKind(value: ProgramKind): void {
  const radio = document.querySelector<HTMLInputElement>(`input[name="mode"][value="${value}"]`);
  if (radio) radio.checked = true;
}

function loadRequest(request: Partial<Example> & Record<string, unknown>): void {
  setProgramKind(request.graph ? 'graph' : 'expr');
  ui.program.value = request.graph ? JSON.stringify(request.graph, null, 2) : typeof request.expr === 'string' ? request.expr : '';
  ui.inputs.value = request.inputs ? JSON.stringify(request.inputs) : '';
  ui.functions.value = request.functions ? JSON.stringify(request.functions, null, 2) : '';
}

function loadExample(example: Example): void {
  ui.note.textContent = example.note;
  loadRequest(example as Example & Record<string, unknown>);
}

/** A field that must be JSON and is not: the page reports where, before any request. */
class FieldError extends Error {
  constructor(
    readonly field: string,
    readonly editor: HTMLTextAreaElement,
    readonly at: { offset: number; line: number; column: number; expected: string },
  ) {
    super(`${field}: line ${at.line}, column ${at.column}: expected ${at.expected}`);
  }
}

function parseField(field: string, editor: HTMLTextAreaElement): unknown {
  const text = editor.value;
  try {
    return JSON.parse(text);
  } catch (error) {
    const at = locateJsonError(text) ?? { offset: 0, line: 1, column: 1, expected: (error as Error).message };
    throw new FieldError(field, editor, at);
  }
}

/** The evaluate request the editors describe. */
function buildRequest(): Record<string, unknown> {
  const request: Record<string, unknown> = { inputs: ui.inputs.value.trim() ? parseField('The inputs', ui.inputs) : {} };
  if (programKind() === 'graph') request.graph = parseField('The graph', ui.program);
  else request.expr = ui.program.value;
  if (ui.functions.value.trim()) request.functions = parseField('The custom functions', ui.functions);
  return request;
}

/** Says which line and column of which JSON field is wrong, shows that line, and puts the cursor there. */
function showFieldError(error: FieldError): void {
  const { line, column, offset, expected } = error.at;
  showLocalProblem(ui.problem, `${error.field} are not valid JSON`, `Line ${line}, column ${column}: expected ${expected}.`, [
    sourceExcerpt(error.editor.value, line, column),
  ]);
  ui.problem.dataset.field = error.editor.id;
  error.editor.focus();
  error.editor.setSelectionRange(offset, offset + 1);
}

function curlCommand(request: Record<string, unknown>): string {
  const body = JSON.stringify(request).replace(/'/g, `'\\''`);
  return `curl -s ${location.origin}/v1/evaluate -H 'content-type: application/json' -d '${body}'`;
}

function showTensors(answer: EvaluateAnswer): void {
  ui.tensors.replaceChildren(
    ...Object.entries(answer.tensors).map(([name, tensor]) => {
      const row = make('tr');
      row.dataset.name = name;
      const nameCell = make('td', undefined, 'name');
      nameCell.append(make('code', name));
      const reprCell = make('td', undefined, 'repr');
      reprCell.append(longText(tensor.repr));
      const gradCell = make('td', undefined, 'grad');
      gradCell.append(longText(gradRepr(tensor.grad, tensor.shape, tensor.dtype)));
      row.append(nameCell, reprCell, gradCell);
      return row;
    }),
  );
}

function showTrace(trace: Trace | null): void {
  ui.graph.replaceChildren(trace ? drawTrace(trace) : make('p', 'The result has no grad_fn: there is no backward graph.', 'note'));
}

let plotUrl: string | null = null;

/** One-input programs over a 1-D input get the function/derivative chart from POST /v1/plot (the server's SVG writer). */
async function showPlot(request: Record<string, unknown>, answer: EvaluateAnswer): Promise<void> {
  const axes = Object.keys(request.inputs as object).filter((name) => answer.tensors[name]?.shape.length === 1);
  if (axes.length !== 1 || Object.keys(request.inputs as object).length !== 1) return;
  const response = await fetch('/v1/plot', {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ ...request, axis: axes[0] }),
  });
  if (!response.ok) {
    const problem = (await response.json()) as Problem;
    ui.plotNote.textContent = `No plot: ${problem.detail}`;
    ui.plotNote.hidden = false;
    return;
  }
  if (plotUrl) URL.revokeObjectURL(plotUrl);
  plotUrl = URL.createObjectURL(await response.blob());
  // An <img> never runs what an SVG might contain.
  await new Promise<void>((resolve) => {
    ui.plotImage.onload = () => resolve();
    ui.plotImage.onerror = () => resolve();
    ui.plotImage.src = plotUrl!;
  });
  ui.plot.hidden = false;
}

function reset(): void {
  ui.problem.hidden = true;
  delete ui.problem.dataset.field;
  ui.answer.hidden = true;
  ui.plot.hidden = true;
  ui.plotNote.hidden = true;
}

async function run(): Promise<void> {
  reset();
  let request: Record<string, unknown>;
  try {
    request = buildRequest();
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    showFieldError(error);
    ui.status.textContent = 'not sent';
    return;
  }
  publish({ kind: 'evaluate', request });
  ui.status.textContent = 'running…';
  ui.run.disabled = true;
  const started = performance.now();
  try {
    const response = await fetch('/v1/evaluate', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(request),
    });
    const body = await response.json();
    ui.status.textContent = `${response.status} in ${Math.round(performance.now() - started)} ms`;
    if (!response.ok) {
      showProblem(ui.problem, body as Problem, typeof request.expr === 'string' ? { text: request.expr, editor: ui.program } : undefined);
      return;
    }
    const answer = body as EvaluateAnswer;
    showTensors(answer);
    showTrace(answer.trace);
    ui.answer.hidden = false;
    await showPlot(request, answer);
  } catch (error) {
    ui.status.textContent = '';
    showLocalProblem(ui.problem, 'The request failed', (error as Error).message);
  } finally {
    ui.run.disabled = false;
    document.body.dataset.state = 'idle';
  }
}

async function copyCurl(): Promise<void> {
  let command: string;
  try {
    command = curlCommand(buildRequest());
  } catch (error) {
    if (!(error instanceof FieldError)) throw error;
    showFieldError(error);
    return;
  }
  ui.curl.textContent = command;
  ui.curl.hidden = false;
  try {
    await navigator.clipboard.writeText(command);
    ui.copyCurl.textContent = 'Copied';
  } catch {
    // No clipboard (plain http off localhost): the command is shown, selected, for a manual copy.
    getSelection()?.selectAllChildren(ui.curl);
    ui.copyCurl.textContent = 'Select and copy';
  }
  setTimeout(() => (ui.copyCurl.textContent = 'Copy as curl'), 1500);
}

// ---- notebook mode --------------------------------------------------------------

const notebook = new Notebook({
  cells: element('cells'),
  runAll: element('run-all'),
  addCell: element('add-cell'),
  status: element('notebook-status'),
  problem: element('notebook-problem'),
  variables: element<HTMLTableElement>('variables').tBodies[0],
  variablesBox: element('variables-box'),
});
notebook.onRun = (cells) => publish({ kind: 'run', request: { cells } });

const grade = new GradePanel<RunAnswer>(element('grade'), {
  cells: () => notebook.sources(),
  onSubmission: (submission) => notebook.show(submission),
});

function loadNotebookExample(id: string): void {
  const example = NOTEBOOK_EXAMPLES.find((e) => e.id === id);
  if (!example) return;
  ui.notebookNote.textContent = example.note;
  notebook.load(example.cells);
  grade.setTests(example.tests);
}

// ---- wiring ---------------------------------------------------------------------

ui.example.append(new Option('(your program)', ''));
for (const example of EXAMPLES) ui.example.append(new Option(example.title, example.id));
ui.example.addEventListener('change', () => {
  const example = EXAMPLES.find((e) => e.id === ui.example.value);
  if (example) loadExample(example);
});
ui.notebookExample.append(new Option('(your notebook)', ''));
for (const example of NOTEBOOK_EXAMPLES) ui.notebookExample.append(new Option(example.title, example.id));
ui.notebookExample.addEventListener('change', () => loadNotebookExample(ui.notebookExample.value));

ui.run.addEventListener('click', () => {
  document.body.dataset.state = 'running';
  void run();
});
ui.copyCurl.addEventListener('click', () => void copyCurl());
ui.share.addEventListener('click', () => void copyLink());
ui.tabs.expression.addEventListener('click', () => setMode('expression'));
ui.tabs.notebook.addEventListener('click', () => setMode('notebook'));
for (const editor of [ui.program, ui.inputs, ui.functions]) {
  editor.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) ui.run.click();
  });
}
addEventListener('hashchange', () => restore(location.hash));

ui.example.value = EXAMPLES[0].id;
loadExample(EXAMPLES[0]);
ui.notebookExample.value = NOTEBOOK_EXAMPLES[0].id;
loadNotebookExample(NOTEBOOK_EXAMPLES[0].id);
if (!restore(location.hash)) setMode('expression');
document.body.dataset.state = 'idle';
