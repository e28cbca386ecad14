/**
 * The comparison check_notebooks.py makes between an answer of POST /v1/run and a golden case of
 * notebooks.json: addresses (0x...) normalised, texts equal, numbers within tolerance, refusal
 * cases by the error type of the refused cell (or a 4xx/503 problem where the case allows it).
 */

export interface NotebookCase {
  name: string;
  tags: string[];
  request: { cells?: string[]; source?: string };
  expect: {
    cells?: ExpectedCell[];
    variables?: Record<string, ExpectedVariable>;
    after?: Record<string, string>;
  };
  tolerance?: { rtol: number; atol: number };
  compare?: string[];
  refuse_cell?: number;
  expect_error_types?: string[];
  accept_http?: string;
}

interface ExpectedCell {
  stdout: string;
  display: string | null;
  error: { type: string; message: string; line: number } | null;
  figures: ExpectedAxes[];
}

interface ExpectedAxes {
  lines: { x: unknown; y: unknown; label: string | null }[];
  xlabel: string | null;
  ylabel: string | null;
  title: string | null;
  legend: boolean;
  more_axes?: ExpectedAxes[];
}

type ExpectedVariable = Record<string, unknown>;

const ADDRESS = /0x[0-9a-fA-F]+/g;
const SYNTAX = new Set(['SyntaxError', 'IndentationError', 'TabError']);
const TENSOR_KEYS = ['shape', 'dtype', 'requires_grad', 'is_leaf', 'grad_fn'] as const;

function norm(s: unknown): unknown {
  return typeof s === 'string' ? s.replace(ADDRESS, '0x?') : s;
}

function decode(v: unknown): unknown {
  if (v === 'NaN') return NaN;
  if (v === 'Infinity') return Infinity;
  if (v === '-Infinity') return -Infinity;
  return v;
}

function flat(v: unknown): unknown[] {
  if (Array.isArray(v)) return v.flatMap(flat);
  return [decode(v)];
}

function close(actual: unknown, expected: unknown, tol: { rtol: number; atol: number }, exact = false): boolean {
  if (actual === null || actual === undefined || expected === null) return (actual ?? null) === null && expected === null;
  const a = flat(actual);
  const e = flat(expected);
  if (a.length !== e.length) return false;
  for (let i = 0; i < a.length; i++) {
    const x = a[i];
    const y = e[i];
    if (typeof y === 'boolean' || exact) {
      if (x !== y) return false;
      continue;
    }
    if (typeof x !== 'number' || typeof y !== 'number') return false;
    if (Number.isNaN(y)) {
      if (!Number.isNaN(x)) return false;
    } else if (!Number.isFinite(y)) {
      if (x !== y) return false;
    } else if (!(Math.abs(x - y) <= tol.atol + tol.rtol * Math.abs(y))) {
      return false;
    }
  }
  return true;
}

function short(v: unknown): string {
  const s = typeof v === 'string' ? v : JSON.stringify(v);
  return (s ?? 'undefined').replace(/\n/g, '\\n').slice(0, 200);
}

function firstDiff(a: unknown, b: unknown): string {
  if (typeof a !== 'string' || typeof b !== 'string') return `${short(a)}, expected ${short(b)}`;
  let i = 0;
  while (i < Math.min(a.length, b.length) && a[i] === b[i]) i++;
  const lo = Math.max(0, i - 40);
  return `differs at char ${i}: got ${short(a.slice(lo, i + 60))}, expected ${short(b.slice(lo, i + 60))}`;
}

function compareAxes(where: string, got: Record<string, unknown>, exp: ExpectedAxes, tol: { rtol: number; atol: number }, problems: string[]): void {
  for (const key of ['xlabel', 'ylabel', 'title', 'legend'] as const) {
    if (got[key] !== exp[key]) problems.push(`${where}.${key} = ${short(got[key])}, expected ${short(exp[key])}`);
  }
  const lines = (got.lines as Record<string, unknown>[] | undefined) ?? [];
  if (lines.length !== exp.lines.length) {
    problems.push(`${where}: ${lines.length} lines, expected ${exp.lines.length}`);
    return;
  }
  exp.lines.forEach((e, j) => {
    const g = lines[j];
    if (g.label !== e.label) problems.push(`${where}.lines[${j}].label = ${short(g.label)}, expected ${short(e.label)}`);
    for (const k of ['x', 'y'] as const) if (!close(g[k], e[k], tol)) problems.push(`${where}.lines[${j}].${k} = ${short(g[k])}, expected ${short(e[k])}`);
  });
  if (exp.more_axes) {
    const more = (got.more_axes as Record<string, unknown>[] | undefined) ?? [];
    if (more.length !== exp.more_axes.length) problems.push(`${where}: ${more.length} more axes, expected ${exp.more_axes.length}`);
    exp.more_axes.forEach((e, j) => more[j] && compareAxes(`${where}.more_axes[${j}]`, more[j], e, tol, problems));
  }
}

/** The problems check_notebooks.py would report for this answer (empty: the case passes). */
export function compareNotebookAnswer(c: NotebookCase, status: number, contentType: string, body: unknown): string[] {
  const compare = c.compare ?? ['stdout', 'display', 'error', 'figures', 'variables'];
  if (compare.includes('refusal')) return compareRefusal(c, status, contentType, body);
  if (status !== 200) return [`status ${status}, expected 200: ${short(body)}`];
  const answer = body as { cells?: Record<string, unknown>[]; variables?: Record<string, Record<string, unknown>> };
  const expected = c.expect.cells ?? [];
  const tol = c.tolerance ?? { rtol: 1e-4, atol: 1e-5 };
  if (!Array.isArray(answer.cells) || answer.cells.length !== expected.length) return [`${answer.cells?.length ?? 'no'} cells, expected ${expected.length}`];
  const problems: string[] = [];
  expected.forEach((exp, i) => {
    const got = answer.cells![i];
    const where = `cell ${i + 1}`;
    if (compare.includes('stdout') && norm(got.stdout) !== norm(exp.stdout)) problems.push(`${where} stdout ${firstDiff(norm(got.stdout), norm(exp.stdout))}`);
    if (compare.includes('display') && norm(got.display) !== norm(exp.display)) problems.push(`${where} display ${firstDiff(norm(got.display), norm(exp.display))}`);
    if (compare.includes('error')) {
      const ge = got.error as { type?: string; message?: string; line?: number } | null;
      const ee = exp.error;
      if (ee === null) {
        if (ge !== null) problems.push(`${where}: unexpected error ${short(ge)}`);
      } else if (ge === null || typeof ge !== 'object') {
        problems.push(`${where}: no error, expected ${ee.type}: ${ee.message}`);
      } else if (ge.type !== ee.type) {
        problems.push(`${where}: error type ${ge.type}, expected ${ee.type} (${ge.message})`);
      } else {
        if (!SYNTAX.has(ee.type) && norm(ge.message) !== norm(ee.message)) problems.push(`${where}: error message ${firstDiff(norm(ge.message), norm(ee.message))}`);
        if (ge.line !== ee.line) problems.push(`${where}: error line ${ge.line}, expected ${ee.line}`);
      }
    }
    if (compare.includes('figures')) {
      const gf = (got.figures as Record<string, unknown>[] | undefined) ?? [];
      if (gf.length !== exp.figures.length) problems.push(`${where}: ${gf.length} figures, expected ${exp.figures.length}`);
      else exp.figures.forEach((e, j) => compareAxes(`${where} figure ${j + 1}`, gf[j], e, tol, problems));
    }
  });
  if (compare.includes('variables')) {
    const got = answer.variables;
    const exp = c.expect.variables ?? {};
    if (got === undefined || got === null) return [...problems, 'variables missing'];
    const missing = Object.keys(exp).filter((n) => !(n in got));
    const extra = Object.keys(got).filter((n) => !(n in exp));
    if (missing.length > 0) problems.push(`variables missing: ${missing.join(', ')}`);
    if (extra.length > 0) problems.push(`unexpected variables: ${extra.join(', ')}`);
    for (const [name, ev] of Object.entries(exp)) {
      const gv = got[name];
      if (gv === undefined) continue;
      if ('dtype' in ev) {
        for (const k of TENSOR_KEYS) if (JSON.stringify(gv[k]) !== JSON.stringify(ev[k])) problems.push(`${name}.${k} = ${short(gv[k])}, expected ${short(ev[k])}`);
        const exact = !['float32', 'float64', 'float16', 'bfloat16'].includes(ev.dtype as string);
        if (!close(gv.data, ev.data, tol, exact)) problems.push(`${name}.data = ${short(gv.data)}, expected ${short(ev.data)}`);
        if (!close(gv.grad, ev.grad, tol)) problems.push(`${name}.grad = ${short(gv.grad)}, expected ${short(ev.grad)}`);
        if (norm(gv.repr) !== norm(ev.repr)) problems.push(`${name}.repr ${firstDiff(norm(gv.repr), norm(ev.repr))}`);
      } else {
        if (gv.type !== ev.type) problems.push(`${name}.type = ${short(gv.type)}, expected ${short(ev.type)}`);
        if (norm(gv.repr) !== norm(ev.repr)) problems.push(`${name}.repr ${firstDiff(norm(gv.repr), norm(ev.repr))}`);
      }
    }
  }
  return problems;
}

function compareRefusal(c: NotebookCase, status: number, contentType: string, body: unknown): string[] {
  const httpOk = c.accept_http === '4xx-or-503';
  if (status !== 200) {
    if (httpOk && [400, 413, 422, 503].includes(status)) {
      return contentType.includes('problem+json') ? [] : [`status ${status} with content-type ${contentType}`];
    }
    return [`status ${status}, expected 200 with an error in cell ${(c.refuse_cell ?? 0) + 1}: ${short(body)}`];
  }
  const cells = (body as { cells?: Record<string, unknown>[] }).cells;
  const n = c.request.cells?.length ?? 1;
  if (!Array.isArray(cells) || cells.length !== n) return [`expected ${n} cells in the answer`];
  const problems: string[] = [];
  const err = cells[c.refuse_cell ?? 0].error as { type?: string; message?: string } | null;
  const allowed = c.expect_error_types ?? [];
  if (err === null || typeof err !== 'object') problems.push(`cell ${(c.refuse_cell ?? 0) + 1} was not refused, expected one of ${allowed.join(', ')}`);
  else if (!allowed.includes(err.type ?? '')) problems.push(`cell ${(c.refuse_cell ?? 0) + 1} refused with ${err.type} (${err.message}), expected one of ${allowed.join(', ')}`);
  for (const [index, out] of Object.entries(c.expect.after ?? {})) {
    const cell = cells[Number(index)];
    if (cell.error !== null) problems.push(`cell ${Number(index) + 1} should run cleanly, got error ${short(cell.error)}`);
    else if (norm(cell.stdout) !== norm(out)) problems.push(`cell ${Number(index) + 1} stdout ${firstDiff(norm(cell.stdout), norm(out))}`);
  }
  return problems;
}
