/**
 * HTTP benchmark (issue 6): gradserve (the built dist, as deployed) against an
 * in-repo fastify echo server, one at a time on loopback, with autocannon.
 * Usage: npm run bench   (env: BENCH_WARMUP, BENCH_DURATION in seconds; BENCH_ONLY=w1,w2;
 * BENCH_SERVER=path/to/server.js measures another build against the same echo, e.g. an older commit built
 * by bench/build-at.sh, and BENCH_LABEL names its result file: bench/results/DATE-http-LABEL.json)
 *
 * Then the workloads compared with Python (issues 9, 12, 15), in the same run: the lab's whole notebook
 * in-process and through POST /v1/run, a fresh python3 with torch running the same notebook, and a
 * FastAPI + torch server (bench/python/) serving w1, w2, w3 and the notebook with the same autocannon
 * settings. (The 200-submission grade batch and its fresh-Python peer are bench/grade.ts, run next.) Python peers are skipped with a
 * message where Debian's python3-torch (+ python3-matplotlib, python3-fastapi, python3-uvicorn) is missing.
 * Env: BENCH_PYTHON_RUNS (fresh python3 runs, default 3), BENCH_NOTEBOOK_RUNS (in-process runs, default 2000),
 * BENCH_PYTHON (default /usr/bin/python3); BENCH_ONLY may name notebook, stages (bench/stages.ts) and
 * main-thread (bench/main_thread.ts, also run with chain-1e6-base64) too.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { labNotebookCells, measureNotebookInProcess, round, sequentialLatency, type InProcessResult, type SequentialLatency } from './notebook.js';
import { freshPythonRuns, missingPythonModules, PYTHON, startPythonPeer, type FreshPythonResult } from './python_peers.js';
import { BENCH_MAX_ANSWER_BYTES, measureMainThread, printMainThread, type MainThreadCost } from './main_thread.js';
import { repositoryRoot } from './root.js';
import { measureStages, printStages, type StageBreakdown } from './stages.js';
import { httpWorkloads, type HttpWorkload } from './workloads.js';

const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 3);
const MEASURE_SECONDS = Number(process.env.BENCH_DURATION ?? 10);
const ONLY = process.env.BENCH_ONLY?.split(',');
const PYTHON_RUNS = Number(process.env.BENCH_PYTHON_RUNS ?? 3);
const NOTEBOOK_RUNS = Number(process.env.BENCH_NOTEBOOK_RUNS ?? 2000);
/** Connections for the notebook workload (both servers): a notebook is ~100x the work of w1; more connections only queue. */
const NOTEBOOK_CONNECTIONS = 2;
/** One-at-a-time notebook requests: warm-up (not counted), then measured (BENCH_NOTEBOOK_WARMUP, BENCH_NOTEBOOK_REQUESTS). */
const NOTEBOOK_WARMUP_REQUESTS = Number(process.env.BENCH_NOTEBOOK_WARMUP ?? 400);
const NOTEBOOK_REQUESTS = Number(process.env.BENCH_NOTEBOOK_REQUESTS ?? 500);
const root = repositoryRoot();

interface Measurement {
  requestsPerSecond: number;
  p50Ms: number;
  p99Ms: number;
  non2xx: number;
  errors: number;
}

async function startServer(command: string[], env: Record<string, string>, port: number): Promise<ChildProcess> {
  const child = spawn(process.execPath, command, { cwd: root, env: { ...process.env, ...env, PORT: String(port) }, stdio: ['ignore', 'ignore', 'inherit'] });
  for (let attempt = 0; attempt < 100; attempt++) {
    try {
      await fetch(`http://127.0.0.1:${port}/`);
      return child;
    } catch {
      await sleep(100);
    }
  }
  child.kill();
  throw new Error(`server ${command.join(' ')} did not start`);
}

async function stopServer(child: ChildProcess): Promise<void> {
  const exited = new Promise((resolve) => child.once('exit', resolve));
  child.kill('SIGTERM');
  await exited;
}

async function run(url: string, body: string, connections: number, seconds: number): Promise<Measurement> {
  const result = await autocannon({ url, method: 'POST', headers: { 'content-type': 'application/json' }, body, connections, duration: seconds });
  return {
    requestsPerSecond: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors + result.timeouts,
  };
}

async function measure(url: string, workload: Pick<HttpWorkload, 'connections'>, body: string): Promise<Measurement> {
  await run(url, body, workload.connections, WARMUP_SECONDS);
  return run(url, body, workload.connections, MEASURE_SECONDS);
}

const workloads = httpWorkloads().filter((w) => !ONLY || ONLY.includes(w.name));
const withNotebook = !ONLY || ONLY.includes('notebook');
const notebookCells = labNotebookCells(root);
const notebookBody = JSON.stringify({ cells: notebookCells });

const bodies = new Map(workloads.map((w) => [w.name, JSON.stringify(w.body)]));
const serverEntry = process.env.BENCH_SERVER ? resolve(root, process.env.BENCH_SERVER) : join(root, 'dist/src/server.js');
if (!existsSync(serverEntry)) throw new Error('build first: npm run build (npm run bench does)');

// 1. gradserve: its answers (which the echo server will send back) and its numbers.
// MAX_ANSWER_BYTES: the 1e6-element base64 answer (10.7 MB) is over the default 8 MB.
const gradserve = await startServer([serverEntry], { HOST: '127.0.0.1', LOG_LEVEL: 'warn', MAX_ANSWER_BYTES: String(BENCH_MAX_ANSWER_BYTES) }, 3400);
const answers: Record<string, string> = {};
const gradserveResults = new Map<string, Measurement>();
const skipped: Record<string, string> = {};
let notebookLatency: SequentialLatency | undefined;
/** The same with fetch as the client (undici's own work on a 160 kB answer included). */
let notebookLatencyFetch: SequentialLatency | undefined;
let notebookThroughput: Measurement | undefined;

try {
  for (const w of workloads) {
    const response = await fetch('http://127.0.0.1:3400/v1/evaluate', { method: 'POST', headers: { 'content-type': 'application/json' }, body: bodies.get(w.name) });
    const text = await response.text();
    if (response.status !== 200) {
      skipped[w.name] = `gradserve answered ${response.status}: ${text.slice(0, 200)}`;
      continue;
    }
    answers[w.name] = text;
    gradserveResults.set(w.name, await measure('http://127.0.0.1:3400/v1/evaluate', w, bodies.get(w.name) as string));
    console.error(`gradserve ${w.name}: ${gradserveResults.get(w.name)?.requestsPerSecond} req/s`);
  }
  if (withNotebook) {
    notebookLatency = await sequentialLatency('http://127.0.0.1:3400/v1/run', notebookBody, NOTEBOOK_REQUESTS, NOTEBOOK_WARMUP_REQUESTS);
    notebookLatencyFetch = await sequentialLatency('http://127.0.0.1:3400/v1/run', notebookBody, NOTEBOOK_REQUESTS, NOTEBOOK_WARMUP_REQUESTS, 'fetch');
    notebookThroughput = await measure('http://127.0.0.1:3400/v1/run', { connections: NOTEBOOK_CONNECTIONS }, notebookBody);
    console.error(`gradserve notebook: ${notebookLatency.medianMs} ms median alone, ${notebookThroughput.requestsPerSecond} req/s`);
  }
} finally {
  await stopServer(gradserve);
}

// 2. the echo ceiling, on the same port range, after gradserve has exited.
const responsesFile = join(tmpdir(), `gradserve-bench-answers-${process.pid}.json`);
writeFileSync(responsesFile, JSON.stringify(answers));
const echo = await startServer(['--import', 'tsx', join(root, 'bench/echo-server.ts')], { RESPONSES_FILE: responsesFile }, 3401);
const echoResults = new Map<string, Measurement>();
try {
  for (const w of workloads) {
    if (!(w.name in answers)) continue;
    echoResults.set(w.name, await measure(`http://127.0.0.1:3401/echo/${w.name}`, w, bodies.get(w.name) as string));
    console.error(`echo ${w.name}: ${echoResults.get(w.name)?.requestsPerSecond} req/s`);
  }
} finally {
  await stopServer(echo);
}

// 3. the Python server peer: FastAPI + uvicorn + torch, the same workloads, the same autocannon settings.
const peerResults = new Map<string, Measurement>();
const peerMissing = missingPythonModules(['torch', 'matplotlib', 'fastapi', 'uvicorn']);
if (peerMissing) {
  skipped['python-server-peer'] = peerMissing;
} else {
  const peer = await startPythonPeer(root, 3403);
  try {
    for (const w of workloads) {
      if (!w.python || !(w.name in answers)) continue;
      const body = JSON.stringify({ inputs: (w.body as { inputs: unknown }).inputs, python: w.python });
      const check = await fetch('http://127.0.0.1:3403/v1/evaluate', { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      if (check.status !== 200) throw new Error(`the Python peer answered ${check.status} to ${w.name}: ${(await check.text()).slice(0, 300)}`);
      peerResults.set(w.name, await measure('http://127.0.0.1:3403/v1/evaluate', w, body));
      console.error(`python peer ${w.name}: ${peerResults.get(w.name)?.requestsPerSecond} req/s`);
    }
    if (withNotebook) {
      peerResults.set('notebook', await measure('http://127.0.0.1:3403/v1/run', { connections: NOTEBOOK_CONNECTIONS }, notebookBody));
      console.error(`python peer notebook: ${peerResults.get('notebook')?.requestsPerSecond} req/s`);
    }
  } finally {
    await stopServer(peer);
  }
}

// 4. the notebook in-process, and in a fresh python3 with torch.
let notebookInProcess: InProcessResult | undefined;
let freshNotebook: FreshPythonResult | undefined;
if (withNotebook) notebookInProcess = measureNotebookInProcess(root, join(dirname(serverEntry), 'python/run.js'), notebookCells, NOTEBOOK_RUNS);
const freshMissing = missingPythonModules(['torch', 'matplotlib']);
if (freshMissing) {
  skipped['fresh-python'] = freshMissing;
} else {
  if (withNotebook) freshNotebook = freshPythonRuns(root, notebookCells, PYTHON_RUNS);
}

// 5. in-process, on the same build: the stage breakdown of a small request (hooks one by one), what
// w1's whole evaluation costs, and the main thread's share of a 1e6-element base64 answer.
const build = dirname(dirname(serverEntry));
let stages: StageBreakdown | undefined;
let mainThread: MainThreadCost | undefined;
if (!ONLY || ONLY.includes('stages')) stages = await measureStages({ build });
if (!ONLY || ONLY.includes('chain-1e6-base64') || ONLY.includes('main-thread')) mainThread = await measureMainThread({ build });

// 6. ratios, table, result file.
const rows = workloads
  .filter((w) => w.name in answers)
  .map((w) => {
    const g = gradserveResults.get(w.name) as Measurement;
    const e = echoResults.get(w.name) as Measurement;
    return {
      workload: w.name,
      description: w.description,
      connections: w.connections,
      requestBytes: Buffer.byteLength(bodies.get(w.name) as string),
      answerBytes: Buffer.byteLength(answers[w.name]),
      gradserve: g,
      echo: e,
      ratio: { requestsPerSecond: round(g.requestsPerSecond / e.requestsPerSecond), p99: round(g.p99Ms / Math.max(e.p99Ms, 1e-9)) },
    };
  });


console.log('\nworkload            req/s gradserve   req/s echo   ratio   p50 g/e (ms)   p99 g/e (ms)   p99 ratio   answer bytes');
for (const r of rows) {
  console.log(
    [
      r.workload.padEnd(18),
      r.gradserve.requestsPerSecond.toFixed(0).padStart(15),
      r.echo.requestsPerSecond.toFixed(0).padStart(12),
      r.ratio.requestsPerSecond.toFixed(2).padStart(7),
      `${r.gradserve.p50Ms}/${r.echo.p50Ms}`.padStart(14),
      `${r.gradserve.p99Ms}/${r.echo.p99Ms}`.padStart(14),
      r.ratio.p99.toFixed(2).padStart(11),
      String(r.answerBytes).padStart(14),
    ].join(' '),
  );
}

interface Target {
  name: string;
  value: number;
  target: string;
  met: boolean;
}
const targets: Target[] = [];
const target = (name: string, value: number, goal: string, met: boolean) => targets.push({ name, value: round(value), target: goal, met });
for (const r of rows) {
  if (['w1', 'w2', 'w3'].includes(r.workload)) {
    target(`${r.workload} req/s gradserve / echo`, r.ratio.requestsPerSecond, '>= 0.8', r.ratio.requestsPerSecond >= 0.8);
    target(`${r.workload} p99 gradserve / echo`, r.ratio.p99, '<= 1.5', r.ratio.p99 <= 1.5);
  }
}
const peerRatios: Record<string, number> = {};
for (const [name, peer] of peerResults) {
  const ours = name === 'notebook' ? notebookThroughput : gradserveResults.get(name);
  if (!ours) continue;
  peerRatios[name] = round(ours.requestsPerSecond / peer.requestsPerSecond);
  target(`${name} req/s gradserve / FastAPI+torch peer`, peerRatios[name], '> 1', peerRatios[name] > 1);
}
if (stages) {
  const w1 = stages.stages['evaluateProgram w1 in-process'];
  target('w1 evaluateProgram in-process (µs)', w1, '<= 10', w1 <= 10);
}
if (mainThread) target(`main thread for the ${mainThread.workload} answer, beyond a bare socket's (ms)`, mainThread.answerMs - mainThread.bareSocketMs, '< 1', mainThread.answerMs - mainThread.bareSocketMs < 1);
if (notebookInProcess) target('notebook in-process median (µs)', notebookInProcess.medianMicroseconds, '< 200', notebookInProcess.medianMicroseconds < 200);
if (notebookLatency && freshNotebook) {
  const ratio = freshNotebook.medianMs / notebookLatency.medianMs;
  target('notebook fresh python3 / gradserve HTTP median', ratio, '>= 1000', ratio >= 1000);
}

console.log(`\nnotebook (lab, ${notebookCells.length} cells)`);
if (notebookInProcess) console.log(`  in-process runNotebook: median ${notebookInProcess.medianMicroseconds} µs, p90 ${notebookInProcess.p90Microseconds} µs (${notebookInProcess.runs} runs)`);
if (notebookLatency) {
  console.log(
    `  POST /v1/run one at a time: median ${notebookLatency.medianMs} ms, p90 ${notebookLatency.p90Ms} ms (${notebookLatency.requests} requests, node:http client; ` +
      `the ${notebookLatency.warmup} warm-up requests before them: median ${notebookLatency.warmupMedianMs} ms)`,
  );
}
if (notebookLatencyFetch) console.log(`  POST /v1/run one at a time with fetch as the client: median ${notebookLatencyFetch.medianMs} ms, p90 ${notebookLatencyFetch.p90Ms} ms`);
if (notebookThroughput) console.log(`  POST /v1/run, ${NOTEBOOK_CONNECTIONS} connections: ${notebookThroughput.requestsPerSecond.toFixed(0)} req/s, p50 ${notebookThroughput.p50Ms} ms, p99 ${notebookThroughput.p99Ms} ms`);
if (freshNotebook) console.log(`  fresh ${PYTHON} + torch: median ${freshNotebook.medianMs} ms (${freshNotebook.runs} runs, ${freshNotebook.minMs}..${freshNotebook.maxMs})`);
if (peerResults.size > 0) {
  console.log('\nworkload            req/s gradserve   req/s FastAPI+torch   ratio   p99 g/peer (ms)');
  for (const [name, peer] of peerResults) {
    const ours = (name === 'notebook' ? notebookThroughput : gradserveResults.get(name)) as Measurement;
    console.log([name.padEnd(18), ours.requestsPerSecond.toFixed(0).padStart(15), peer.requestsPerSecond.toFixed(0).padStart(21), peerRatios[name].toFixed(1).padStart(7), `${ours.p99Ms}/${peer.p99Ms}`.padStart(17)].join(' '));
  }
}
if (stages) printStages(stages);
if (mainThread) printMainThread(mainThread);
console.log('\ntargets (ratios in this run)');
for (const t of targets) console.log(`  ${t.met ? 'met    ' : 'NOT MET'}  ${t.name}: ${t.value} (target ${t.target})`);
for (const [name, reason] of Object.entries(skipped)) console.log(`skipped ${name}: ${reason}`);

const date = new Date().toISOString().slice(0, 10);
mkdirSync(join(root, 'bench/results'), { recursive: true });
const file = join(root, `bench/results/${date}-http${process.env.BENCH_SERVER ? '-' + (process.env.BENCH_LABEL ?? 'other-build') : ''}.json`);
writeFileSync(
  file,
  JSON.stringify(
    {
      date: new Date().toISOString(),
      command: 'npm run bench',
      server: relative(root, serverEntry),
      commit: execSync('git rev-parse --short HEAD', { cwd: root }).toString().trim(),
      uncommittedChanges: execSync("git status --porcelain --untracked-files=no -- . ':!bench/results'", { cwd: root }).toString().trim() !== '',
      node: process.version,
      cpus: cpus().map((c) => c.model)[0],
      cores: cpus().length,
      warmupSeconds: WARMUP_SECONDS,
      measuredSeconds: MEASURE_SECONDS,
      gradserveLogLevel: 'warn',
      loadAverage: loadavg().map((l) => round(l)),
      results: rows,
      notebook: { cells: notebookCells.length, inProcess: notebookInProcess, http: notebookLatency, httpWithFetch: notebookLatencyFetch, httpThroughput: notebookThroughput && { connections: NOTEBOOK_CONNECTIONS, ...notebookThroughput }, freshPython: freshNotebook },
      stages,
      mainThread,
      pythonPeer: { command: `${PYTHON} bench/python/peer_server.py (FastAPI + uvicorn + torch, one process)`, results: Object.fromEntries(peerResults), gradserveOverPeer: peerRatios },
      targets,
      skipped,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${file}`);
