/**
 * Grading benchmark (issue 12): a class of 200 submissions of the lab's practice exercise
 * (f = uv + (uv)² at u = 2, v = 1: right, wrong, broken; bench/grade_submissions.ts) graded
 * with the playground's hidden tests and a reference notebook,
 *
 *   1. in-process: gradeNotebook per submission (the reference's values computed once), and the cost
 *      of giving each test its own copy of the namespace (NamespaceSnapshot take + restore);
 *   2. over HTTP: POST /v1/grade/batch of the 200 against the server (dist/, as deployed);
 *   3. the fresh-Python peer: what an nbgrader-style autograder does per submission — a new python3
 *      imports torch and matplotlib, runs the cells, then the tests (skipped where torch is missing).
 *
 * Usage: npm run bench (after bench/http.ts), or npx tsx bench/grade.ts.
 * Env: BENCH_GRADE_SUBMISSIONS (200), BENCH_GRADE_ROUNDS (batches timed over HTTP, 5),
 * BENCH_PYTHON (/usr/bin/python3), BENCH_PYTHON_RUNS (fresh pythons timed, 3; 0 skips the peer),
 * BENCH_SERVER (another server entry, .js or .ts). Writes bench/results/DATE-grade.json.
 */
import { spawn, spawnSync, type ChildProcess, execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { observeReference, gradeNotebook, type GradeJob } from '../src/grading/grade.js';
import { NamespaceSnapshot } from '../src/grading/namespace_snapshot.js';
import { DEFAULT_RUN_LIMITS, NotebookSession, withAllocationLimits } from '../src/python/run.js';
import { repositoryRoot } from './root.js';
import { PRACTICE_PARTIALS, practiceBatch } from './grade_submissions.js';

const SUBMISSIONS = Number(process.env.BENCH_GRADE_SUBMISSIONS ?? 200);
const ROUNDS = Number(process.env.BENCH_GRADE_ROUNDS ?? 5);
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
const PYTHON_RUNS = Number(process.env.BENCH_PYTHON_RUNS ?? 3);
const root = repositoryRoot();
const exercise = PRACTICE_PARTIALS;
const { body, expected } = practiceBatch(exercise, SUBMISSIONS, 1);
const notebooks = body.submissions.filter((_, i) => expected[i].status === 200) as { cells: string[] }[];
const tolerance = { rtol: 1e-5, atol: 1e-8 };

function median(values: number[]): number {
  const sorted = values.slice().sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function round(v: number, digits = 1): number {
  return Number(v.toFixed(digits));
}

// ---------------------------------------------------------------- 1. in-process

function inProcess() {
  const referenceValues = observeReference(exercise.reference, exercise.compare, DEFAULT_RUN_LIMITS);
  const job = (cells: string[]): GradeJob => ({ submission: cells, tests: exercise.tests, compare: exercise.compare, tolerance, expected: referenceValues, includeSubmission: true });
  const gradeAll = () => {
    for (const notebook of notebooks) gradeNotebook(job(notebook.cells), DEFAULT_RUN_LIMITS);
  };
  for (let i = 0; i < 3; i++) gradeAll();
  const rounds: number[] = [];
  for (let i = 0; i < 5; i++) {
    const started = performance.now();
    gradeAll();
    rounds.push((performance.now() - started) / notebooks.length);
  }
  // The per-test copy: snapshot the namespace of a right answer once, restore it after a test.
  const copies = withAllocationLimits(DEFAULT_RUN_LIMITS, () => {
    const session = new NotebookSession(DEFAULT_RUN_LIMITS);
    for (const cell of notebooks[0].cells) session.runCell(cell);
    const globals = session.interpreter.globals;
    const n = 2000;
    let started = performance.now();
    let snapshot = NamespaceSnapshot.take(globals);
    for (let i = 1; i < n; i++) snapshot = NamespaceSnapshot.take(globals);
    const takeUs = ((performance.now() - started) * 1000) / n;
    started = performance.now();
    for (let i = 0; i < n; i++) snapshot.restore();
    const restoreUs = ((performance.now() - started) * 1000) / n;
    return { objects: snapshot.size, takeUs: round(takeUs, 2), restoreUs: round(restoreUs, 2) };
  });
  return { perSubmissionUs: round(median(rounds) * 1000), copy: copies };
}

// ---------------------------------------------------------------- 2. over HTTP

async function startServer(entry: string, port: number): Promise<ChildProcess> {
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, args, { cwd: root, env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), LOG_LEVEL: 'warn' }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let attempt = 0; attempt < 300; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${port}/healthz`);
      return child;
    } catch {
      await sleep(100);
    }
  }
  child.kill();
  throw new Error(`server ${entry} did not start`);
}

async function overHttp(entry: string) {
  const port = 3402;
  const server = await startServer(entry, port);
  const text = JSON.stringify(body);
  try {
    const post = async () => {
      const started = performance.now();
      const response = await fetch(`http://127.0.0.1:${port}/v1/grade/batch`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: text });
      const answer = (await response.json()) as { items: { status: number; body: { score?: number } }[] };
      const ms = performance.now() - started;
      if (response.status !== 200) throw new Error(`the batch answered ${response.status}`);
      answer.items.forEach((item, i) => {
        if (item.status !== expected[i].status || (expected[i].score !== undefined && item.body.score !== expected[i].score)) throw new Error(`submission ${i} graded ${JSON.stringify(item).slice(0, 300)}`);
      });
      return ms;
    };
    for (let i = 0; i < 3; i++) await post();
    const rounds: number[] = [];
    for (let i = 0; i < ROUNDS; i++) rounds.push(await post());
    const batchMs = median(rounds);
    return { requestBytes: Buffer.byteLength(text), batchMs: round(batchMs), perSubmissionUs: round((batchMs * 1000) / SUBMISSIONS) };
  } finally {
    const exited = new Promise((done) => server.once('exit', done));
    server.kill('SIGTERM');
    await exited;
  }
}

// ---------------------------------------------------------------- 3. fresh Python per submission

/** What an nbgrader-style autograder runs per submission: the cells, then each test in a copy of the namespace. */
const PEER = `
import json, sys
payload = json.loads(sys.stdin.read())
namespace = {'__name__': '__main__'}
for cell in payload['cells']:
    try:
        exec(cell, namespace)
    except Exception:
        pass
results = []
for test in payload['tests']:
    try:
        exec(test['source'], dict(namespace))
        results.append(True)
    except Exception:
        results.append(False)
print(json.dumps(results))
`;

type PeerResult = { skipped: string } | { python: string; runs: number; perSubmissionMs: number };

function freshPython(): PeerResult {
  if (PYTHON_RUNS <= 0) return { skipped: 'BENCH_PYTHON_RUNS=0' };
  const probe = spawnSync(PYTHON, ['-c', 'import torch, matplotlib; print(torch.__version__)'], { encoding: 'utf8' });
  if (probe.status !== 0) return { skipped: `${PYTHON} cannot import torch and matplotlib (Debian: apt-get install python3-torch python3-matplotlib)` };
  const times: number[] = [];
  for (let i = 0; i < PYTHON_RUNS; i++) {
    const notebook = notebooks[i % notebooks.length];
    const started = performance.now();
    const run = spawnSync(PYTHON, ['-c', PEER], { input: JSON.stringify({ cells: notebook.cells, tests: exercise.tests }), encoding: 'utf8', env: { ...process.env, MPLBACKEND: 'Agg' } });
    times.push(performance.now() - started);
    if (run.status !== 0) throw new Error(`the Python peer failed: ${run.stderr.slice(0, 500)}`);
  }
  return { python: `${PYTHON} (torch ${probe.stdout.trim()})`, runs: PYTHON_RUNS, perSubmissionMs: round(median(times)) };
}

// ---------------------------------------------------------------- report

const serverEntry = process.env.BENCH_SERVER ? resolve(root, process.env.BENCH_SERVER) : join(root, 'dist/src/server.js');
if (!existsSync(serverEntry)) throw new Error('build first: npm run build (npm run bench does)');

console.error(`grading ${SUBMISSIONS} submissions of "${exercise.name}" (${notebooks.length} notebooks, ${SUBMISSIONS - notebooks.length} malformed bodies)`);
const local = inProcess();
console.error(`in-process: ${local.perSubmissionUs} µs per submission`);
const http = await overHttp(serverEntry);
console.error(`HTTP batch: ${http.batchMs} ms per batch`);
const python = freshPython();

const pythonMs = 'skipped' in python ? null : python.perSubmissionMs;
const ratio = pythonMs === null ? null : Math.round((pythonMs * 1000) / http.perSubmissionUs);
console.log(`\ngrading "${exercise.name}": ${SUBMISSIONS} submissions, ${exercise.tests.length} tests and ${exercise.compare.length} comparison each`);
console.log(`in-process            ${String(local.perSubmissionUs).padStart(10)} µs per submission (run, tests, comparison)`);
console.log(`per-test copy         ${String(local.copy.takeUs).padStart(10)} µs to snapshot, ${local.copy.restoreUs} µs to restore (${local.copy.objects} objects)`);
console.log(`POST /v1/grade/batch  ${String(http.perSubmissionUs).padStart(10)} µs per submission (${http.batchMs} ms per batch of ${SUBMISSIONS})`);
if (pythonMs !== null) console.log(`fresh python3 + torch ${String(pythonMs * 1000).padStart(10)} µs per submission: gradserve is ${ratio}x faster`);
else if ('skipped' in python) console.log(`fresh python3 + torch: skipped (${python.skipped})`);
// Issue 15's target for the grading workload, printed like bench/http.ts's targets.
if (ratio !== null) console.log(`\ntarget\n  ${ratio >= 1000 ? 'met    ' : 'NOT MET'}  grade batch of ${SUBMISSIONS}, per submission, fresh python3 + torch / POST /v1/grade/batch: ${ratio} (target >= 1000)`);

const date = new Date().toISOString().slice(0, 10);
mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(root, `bench/results/${date}-grade.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      command: 'npm run bench (bench/grade.ts)',
      server: relative(root, serverEntry),
      commit: execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim(),
      uncommittedChanges: execSync("git status --porcelain --untracked-files=no -- . ':!bench/results'", { cwd: root }).toString().trim() !== '',
      node: process.version,
      cpus: cpus().map((c) => c.model)[0],
      cores: cpus().length,
      exercise: exercise.name,
      submissions: SUBMISSIONS,
      notebooks: notebooks.length,
      tests: exercise.tests.length,
      inProcess: local,
      http: { ...http, rounds: ROUNDS },
      freshPython: python,
      ratioFreshPythonOverHttp: ratio,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${file}`);
