/**
 * HTTP benchmark (issue 6): gradserve (the built dist, as deployed) against an
 * in-repo fastify echo server, one at a time on loopback, with autocannon.
 * Usage: npm run bench   (env: BENCH_WARMUP, BENCH_DURATION in seconds; BENCH_ONLY=w1,w2;
 * BENCH_SERVER=path/to/server.js measures another build against the same echo, e.g. an older commit built
 * by bench/build-at.sh, and BENCH_LABEL names its result file: bench/results/DATE-http-LABEL.json)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { execSync } from 'node:child_process';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join, relative, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import autocannon from 'autocannon';
import { repositoryRoot } from './root.js';
import { httpWorkloads, type HttpWorkload } from './workloads.js';

const WARMUP_SECONDS = Number(process.env.BENCH_WARMUP ?? 3);
const MEASURE_SECONDS = Number(process.env.BENCH_DURATION ?? 10);
const ONLY = process.env.BENCH_ONLY?.split(',');
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

async function measure(url: string, workload: HttpWorkload, body: string): Promise<Measurement> {
  await run(url, body, workload.connections, WARMUP_SECONDS);
  return run(url, body, workload.connections, MEASURE_SECONDS);
}

const workloads = httpWorkloads().filter((w) => !ONLY || ONLY.includes(w.name));
const bodies = new Map(workloads.map((w) => [w.name, JSON.stringify(w.body)]));
const serverEntry = process.env.BENCH_SERVER ? resolve(root, process.env.BENCH_SERVER) : join(root, 'dist/src/server.js');
if (!existsSync(serverEntry)) throw new Error('build first: npm run build (npm run bench does)');

// 1. gradserve: its answers (which the echo server will send back) and its numbers.
const gradserve = await startServer([serverEntry], { HOST: '127.0.0.1', LOG_LEVEL: 'warn' }, 3400);
const answers: Record<string, string> = {};
const gradserveResults = new Map<string, Measurement>();
const skipped: Record<string, string> = {};
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

// 3. ratios, table, result file.
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

function round(v: number): number {
  return Math.round(v * 1000) / 1000;
}

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
      results: rows,
      skipped,
    },
    null,
    2,
  ) + '\n',
);
console.log(`\nwrote ${file}`);
