import { drawTrace, type Trace } from './diagram.js';
import { EXAMPLES, type Example } from './examples.js';

interface TensorAnswer {
  data: unknown;
  shape: number[];
  grad: unknown;
  grad_fn: string | null;
  repr: string;
}
interface EvaluateAnswer {
  result: string;
  tensors: Record<string, TensorAnswer>;
  trace: Trace | null;
}
interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: { pointer: string; detail: string }[];
  position?: { line: number; column: number; offset: number };
  node?: string;
}

type Mode = 'expr' | 'graph';

function element<T extends HTMLElement>(id: string): T {
  const found = document.getElementById(id);
  if (!found) throw new Error(`the page has no #${id}`);
  return found as T;
}

function make<K extends keyof HTMLElementTagNameMap>(tag: K, text?: string, className?: string): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  if (text !== undefined) node.textContent = text;
  if (className) node.className = className;
  return node;
}

const ui = {
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
  tensors: element<HTMLTableSectionElement>('tensors').querySelector('tbody') as HTMLTableSectionElement,
  graph: element<HTMLDivElement>('graph'),
  plot: element<HTMLDivElement>('plot'),
  plotImage: element<HTMLImageElement>('plot-image'),
  plotNote: element<HTMLParagraphElement>('plot-note'),
};

function mode(): Mode {
  return (document.querySelector<HTMLInputElement>('input[name="mode"]:checked')?.value as Mode) ?? 'expr';
}

function setMode(value: Mode): void {
  const radio = document.querySelector<HTMLInputElement>(`input[name="mode"][value="${value}"]`);
  if (radio) radio.checked = true;
}

function loadExample(example: Example): void {
  ui.note.textContent = example.note;
  setMode(example.graph ? 'graph' : 'expr');
  ui.program.value = example.graph ? JSON.stringify(example.graph, null, 2) : (example.expr ?? '');
  ui.inputs.value = JSON.stringify(example.inputs);
  ui.functions.value = example.functions ? JSON.stringify(example.functions, null, 2) : '';
}

/** A field that must be JSON: a mistake here is the page's to report, before any request. */
class FieldError extends Error {}

function parseField(name: string, text: string): unknown {
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new FieldError(`${name} is not valid JSON: ${(error as Error).message}`);
  }
}

/** The evaluate request the editors describe. */
function buildRequest(): Record<string, unknown> {
  const request: Record<string, unknown> = { inputs: ui.inputs.value.trim() ? parseField('Inputs', ui.inputs.value) : {} };
  if (mode() === 'graph') request.graph = parseField('The graph', ui.program.value);
  else request.expr = ui.program.value;
  if (ui.functions.value.trim()) request.functions = parseField('Custom functions', ui.functions.value);
  return request;
}

function curlCommand(request: Record<string, unknown>): string {
  const body = JSON.stringify(request).replace(/'/g, `'\\''`);
  return `curl -s ${location.origin}/v1/evaluate -H 'content-type: application/json' -d '${body}'`;
}

function formatGrad(grad: unknown): string {
  if (grad === null) return 'None';
  const text = JSON.stringify(grad).replace(/,/g, ', ');
  return text.length > 600 ? `${text.slice(0, 600)}…` : text;
}

function showTensors(answer: EvaluateAnswer): void {
  ui.tensors.replaceChildren(
    ...Object.entries(answer.tensors).map(([name, tensor]) => {
      const row = make('tr');
      row.dataset.name = name;
      const nameCell = make('td');
      nameCell.append(make('code', name));
      const reprCell = make('td', undefined, 'repr');
      reprCell.append(make('pre', tensor.repr));
      const gradCell = make('td', undefined, 'grad');
      gradCell.append(make('code', formatGrad(tensor.grad)));
      row.append(nameCell, reprCell, gradCell);
      return row;
    }),
  );
}

function showTrace(trace: Trace | null): void {
  ui.graph.replaceChildren(trace ? drawTrace(trace) : make('p', 'The result has no grad_fn: there is no backward graph.', 'note'));
}

/** The offending line of the program with the character at the error position marked. */
function sourceExcerpt(program: string, position: NonNullable<Problem['position']>): HTMLPreElement {
  const line = program.split('\n')[position.line - 1] ?? '';
  const at = position.column - 1;
  const pre = make('pre', undefined, 'source');
  pre.append(document.createTextNode(line.slice(0, at)), make('mark', line.slice(at, at + 1) || ' '), document.createTextNode(line.slice(at + 1)));
  pre.append(document.createTextNode(`\n${' '.repeat(Math.max(0, at))}^`));
  return pre;
}

function showProblem(problem: Problem, programText: string | null): void {
  const box = ui.problem;
  box.replaceChildren(make('h2', `${problem.status} ${problem.title}`), make('p', problem.detail, 'detail'));
  if (problem.position && programText !== null) {
    box.append(make('p', `line ${problem.position.line}, column ${problem.position.column}`, 'note'), sourceExcerpt(programText, problem.position));
    // Put the cursor where the problem is, so the fix is one keystroke away.
    ui.program.focus();
    ui.program.setSelectionRange(problem.position.offset, problem.position.offset + 1);
  }
  if (problem.node) box.append(make('p', `in ${problem.node}`, 'note'));
  if (problem.errors?.length) {
    const list = make('ul');
    for (const error of problem.errors) {
      const item = make('li');
      item.append(make('code', error.pointer || '(body)'), document.createTextNode(` ${error.detail}`));
      list.append(item);
    }
    box.append(list);
  }
  box.hidden = false;
}

let plotUrl: string | null = null;

/** One-input programs over a 1-D input get the function/derivative chart from POST /v1/plot. */
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
    showProblem({ type: 'about:blank', title: 'Not sent', status: 0, detail: error.message }, null);
    ui.status.textContent = '';
    return;
  }
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
      showProblem(body as Problem, typeof request.expr === 'string' ? request.expr : null);
      return;
    }
    const answer = body as EvaluateAnswer;
    showTensors(answer);
    showTrace(answer.trace);
    ui.answer.hidden = false;
    await showPlot(request, answer);
  } catch (error) {
    ui.status.textContent = '';
    showProblem({ type: 'about:blank', title: 'The request failed', status: 0, detail: (error as Error).message }, null);
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
    showProblem({ type: 'about:blank', title: 'Not sent', status: 0, detail: error.message }, null);
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

for (const example of EXAMPLES) ui.example.append(new Option(example.title, example.id));
ui.example.addEventListener('change', () => {
  const example = EXAMPLES.find((e) => e.id === ui.example.value);
  if (example) loadExample(example);
});
ui.run.addEventListener('click', () => {
  document.body.dataset.state = 'running';
  void run();
});
ui.copyCurl.addEventListener('click', () => void copyCurl());
ui.program.addEventListener('keydown', (event) => {
  if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) ui.run.click();
});
loadExample(EXAMPLES[0]);
document.body.dataset.state = 'idle';
