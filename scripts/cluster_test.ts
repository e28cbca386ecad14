/**
 * The compose cluster for real: npm run cluster:test (scripts/cluster_test.sh
 * starts a Docker engine first when none answers, then runs this).
 *
 *   npx tsx scripts/cluster_test.ts [--duration 5] [--base auto|local|official] [--report docs/operations.md] [--keep-images]
 *
 * 1. base images: the official node/nginx images when they are present (or --base official,
 *    which lets docker pull them); else local stand-ins from Debian packages
 *    (scripts/make_base_images.sh), kept in docker as a cache.
 * 2. builds the Dockerfile's runtime and load targets (tags :cluster-test).
 * 3. starts docker-compose.yml as project gradserve-cluster-test (3 replicas + nginx on a
 *    free 127.0.0.1 port), waits until every container is healthy and asks each replica's
 *    /healthz and /readyz itself.
 * 4. runs the compose load profile once (the load image against http://lb:8080).
 * 5. runs every load scenario (load/scenarios.ts) from here through the load balancer.
 * 6. under load, SIGKILLs one replica's server process (a crash): no request may fail
 *    (only the scenario's own 503 shedding is allowed); Docker restarts the replica.
 * 7. under load, scales to 5 replicas and back to 3 (compose stops two with SIGTERM).
 * 8. sends slow programs, stops the replicas (SIGTERM) while they run: every one is
 *    answered 200 and every replica exits 0; then stops nginx (SIGQUIT).
 * 9. removes the containers, the network and its :cluster-test images; writes the report
 *    (req/s, p50/p99, statuses, errors, per-replica share from nginx's JSON access log) to
 *    artifacts/cluster-test.{json,md} and between the cluster-test markers of the report file.
 * Exits 0 when every check held, 1 otherwise. Traffic: 127.0.0.1 and the compose network only.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEFAULT_LIMITS } from '../schemas/limits.js';
import { COURSE_PROGRAMS, type Scenario, scenarios } from '../load/scenarios.js';

const { values: args } = parseArgs({
  options: {
    duration: { type: 'string', default: '5' },
    base: { type: 'string', default: 'auto' },
    report: { type: 'string', default: 'docs/operations.md' },
    'keep-images': { type: 'boolean', default: false },
  },
});

const repo = resolve(fileURLToPath(new URL('.', import.meta.url)), '..');
const DOCKER = process.env.DOCKER ?? 'docker';
const PROJECT = 'gradserve-cluster-test';
const TAG = 'cluster-test';
const APP_IMAGE = `gradserve:${TAG}`;
const LOAD_IMAGE = `gradserve-load:${TAG}`;
const OFFICIAL = { node: 'node:24-bookworm-slim', nginx: 'nginx:1.28-alpine' };
const LOCAL = { node: 'gradserve-local/node:24-bookworm-slim', nginx: 'gradserve-local/nginx:1.22-bookworm' };
const duration = Math.min(30, Math.max(1, Number(args.duration)));
/** The whole run, builds included, stops (and cleans up) past this. */
const DEADLINE_MS = 20 * 60_000;
const started = Date.now();

function log(message: string): void {
  console.log(`[cluster-test ${((Date.now() - started) / 1000).toFixed(0).padStart(4)} s] ${message}`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Runs a command without blocking the event loop (the load generator shares it). */
function run(command: string, argv: string[], options: { env?: Record<string, string>; timeoutMs?: number; allowFailure?: boolean } = {}) {
  return new Promise<{ stdout: string; stderr: string; code: number }>((resolveRun, reject) => {
    const remaining = DEADLINE_MS - (Date.now() - started);
    execFile(
      command,
      argv,
      { cwd: repo, env: { ...process.env, ...options.env }, timeout: Math.max(1000, Math.min(options.timeoutMs ?? 300_000, remaining)), maxBuffer: 512 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
        if (error && !options.allowFailure) reject(new Error(`${command} ${argv.join(' ')} failed (${code}): ${stderr.trim().split('\n').slice(-5).join(' | ')}`));
        else resolveRun({ stdout, stderr, code });
      },
    );
  });
}

const docker = (argv: string[], options?: Parameters<typeof run>[2]) => run(DOCKER, argv, options);

/** Compose v2 (`docker compose`) when the CLI has it, else Compose 1.29 (`docker-compose`); COMPOSE overrides. */
async function composeCommand(): Promise<string[]> {
  if (process.env.COMPOSE) return process.env.COMPOSE.split(/\s+/);
  if ((await docker(['compose', 'version'], { allowFailure: true })).code === 0) return [DOCKER, 'compose'];
  return ['docker-compose'];
}

let composeArgv: string[] = [];
let composeEnv: Record<string, string> = {};
const compose = (argv: string[], options?: Parameters<typeof run>[2]) =>
  run(composeArgv[0], [...composeArgv.slice(1), '-p', PROJECT, ...argv], { ...options, env: { ...composeEnv, ...options?.env } });

function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolvePort(port));
    });
    server.on('error', reject);
  });
}

const imageExists = async (image: string) => (await docker(['image', 'inspect', image], { allowFailure: true })).code === 0;

async function baseImages(): Promise<{ node: string; nginx: string; kind: string }> {
  const officialPresent = (await imageExists(OFFICIAL.node)) && (await imageExists(OFFICIAL.nginx));
  if (args.base === 'official' || (args.base === 'auto' && officialPresent)) return { ...OFFICIAL, kind: 'official' };
  if (args.base !== 'auto' && args.base !== 'local') throw new Error(`--base must be auto, local or official, not ${args.base}`);
  const made = await run('bash', ['scripts/make_base_images.sh'], { env: { DOCKER }, timeoutMs: 600_000 });
  for (const line of made.stdout.trim().split('\n')) log(line);
  return { ...LOCAL, kind: 'local (scripts/make_base_images.sh)' };
}

/** The machine's CA bundle, for npm inside the build behind a TLS-intercepting proxy. */
function caBundle(): string | null {
  for (const file of [process.env.NODE_EXTRA_CA_CERTS, '/etc/ssl/certs/ca-certificates.crt']) if (file && existsSync(file)) return file;
  return null;
}

async function build(nodeImage: string): Promise<void> {
  const ca = caBundle();
  for (const [target, tag] of [['runtime', APP_IMAGE], ['load', LOAD_IMAGE]]) {
    const t0 = Date.now();
    await docker(['build', '--build-arg', `NODE_IMAGE=${nodeImage}`, ...(ca ? ['--secret', `id=ca,src=${ca}`] : []), '--target', target, '-t', tag, '.'], {
      env: { DOCKER_BUILDKIT: '1' },
      timeoutMs: 900_000,
    });
    log(`built ${tag} (target ${target}) in ${((Date.now() - t0) / 1000).toFixed(0)} s`);
  }
}

interface Container {
  id: string;
  name: string;
  service: string;
  state: string;
  health: string;
  exitCode: number;
  restarts: number;
  ip: string;
}

async function containers(): Promise<Container[]> {
  const ids = (await docker(['ps', '-aq', '--filter', `label=com.docker.compose.project=${PROJECT}`])).stdout.split('\n').filter(Boolean);
  if (ids.length === 0) return [];
  const inspected = JSON.parse((await docker(['inspect', ...ids])).stdout) as {
    Id: string;
    Name: string;
    RestartCount: number;
    Config: { Labels: Record<string, string> };
    State: { Status: string; ExitCode: number; Health?: { Status: string } };
    NetworkSettings: { Networks: Record<string, { IPAddress: string }> };
  }[];
  return inspected.map((c) => ({
    id: c.Id,
    name: c.Name.replace(/^\//, '').replace(`${PROJECT}_`, '').replace(`${PROJECT}-`, ''),
    service: c.Config.Labels['com.docker.compose.service'],
    state: c.State.Status,
    health: c.State.Health?.Status ?? 'none',
    exitCode: c.State.ExitCode,
    restarts: c.RestartCount,
    ip: Object.values(c.NetworkSettings.Networks)[0]?.IPAddress ?? '',
  }));
}

/** Replica IP → container name, accumulated (a restarted or new replica may reuse an address; the latest owner wins). */
const replicaByIp = new Map<string, string>();
async function remember(): Promise<Container[]> {
  const list = await containers();
  for (const c of list) if (c.service === 'gradserve' && c.ip) replicaByIp.set(c.ip, c.name);
  return list;
}

async function waitHealthy(replicas: number, timeoutMs = 180_000): Promise<Container[]> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const list = await remember();
    const app = list.filter((c) => c.service === 'gradserve' && c.state === 'running');
    const lb = list.find((c) => c.service === 'lb');
    if (app.length === replicas && app.every((c) => c.health === 'healthy') && lb?.health === 'healthy') return list;
    if (Date.now() > until) {
      throw new Error(`not healthy after ${timeoutMs / 1000} s: ${list.map((c) => `${c.name} ${c.state}/${c.health}`).join(', ')}`);
    }
    await sleep(1000);
  }
}

/** Runs a small node program inside a replica (the image has no curl). */
async function execNode(container: string, program: string): Promise<string> {
  return (await docker(['exec', container, 'node', '-e', program], { timeoutMs: 30_000 })).stdout.trim();
}

interface AccessLine {
  status: number;
  upstream_addr: string;
  upstream_status: string;
}

/** nginx's JSON access log between two moments (docker's own timestamps). */
async function accessLog(lb: string, since: number, until: number): Promise<AccessLine[]> {
  const { stdout } = await docker(['logs', '--since', (since / 1000).toFixed(3), '--until', (until / 1000).toFixed(3), lb], { timeoutMs: 120_000 });
  return stdout
    .split('\n')
    .filter((line) => line.startsWith('{'))
    .map((line) => JSON.parse(line) as AccessLine);
}

interface Distribution {
  /** Requests answered by each replica (the last one nginx tried). */
  perReplica: Record<string, number>;
  /** Requests nginx sent to a second (or third) replica, by what the first answered. */
  retried: { afterConnectionError: number; after503: number; total: number };
  loggedRequests: number;
}

function distribution(lines: AccessLine[]): Distribution {
  const perReplica: Record<string, number> = {};
  const retried = { afterConnectionError: 0, after503: 0, total: 0 };
  for (const line of lines) {
    const tried = line.upstream_addr.split(/,\s*/).filter((a) => a && a !== '-');
    const statuses = line.upstream_status.split(/,\s*/);
    if (tried.length === 0) continue;
    const last = tried.at(-1)!.replace(/:3000$/, '');
    const name = replicaByIp.get(last) ?? last;
    perReplica[name] = (perReplica[name] ?? 0) + 1;
    if (tried.length > 1) {
      retried.total += 1;
      if (statuses[0] === '503') retried.after503 += 1;
      else retried.afterConnectionError += 1;
    }
  }
  return { perReplica: Object.fromEntries(Object.entries(perReplica).sort()), retried, loggedRequests: lines.length };
}

interface LoadResult {
  name: string;
  description: string;
  seconds: number;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  statuses: Record<string, number>;
  errors: number;
  timeouts: number;
  allowed: number[];
  ok: boolean;
  distribution: Distribution;
  notes: string[];
}

/** Runs one scenario through the load balancer; `during` runs alongside (the load stops when it ends, if it sets stopWhenDone). */
async function load(url: string, lb: string, scenario: Scenario, seconds: number, during?: (stop: () => void) => Promise<string[]>): Promise<LoadResult> {
  const t0 = Date.now();
  let notes: string[] = [];
  const holder: { instance?: autocannon.Instance } = {};
  const finished = new Promise<autocannon.Result>((resolveLoad, reject) => {
    holder.instance = autocannon({ url, connections: scenario.connections, duration: seconds, requests: scenario.requests, timeout: 30 }, (error, result) =>
      error ? reject(error) : resolveLoad(result),
    );
  });
  if (during) {
    try {
      notes = await during(() => holder.instance?.stop());
    } catch (error) {
      holder.instance?.stop();
      await finished.catch(() => null);
      throw error;
    }
  }
  const result = await finished;
  const t1 = Date.now();
  await sleep(500); // the last access-log lines
  const statuses: Record<string, number> = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats?.count ?? 0]));
  const unexpected = Object.keys(statuses).map(Number).filter((code) => !scenario.allowed.includes(code));
  return {
    name: scenario.name,
    description: scenario.description,
    seconds: (t1 - t0) / 1000,
    requestsPerSecond: Math.round(result.requests.average),
    p50: result.latency.p50,
    p99: result.latency.p99,
    statuses,
    errors: result.errors,
    timeouts: result.timeouts,
    allowed: scenario.allowed,
    ok: unexpected.length === 0 && result.errors === 0 && result.timeouts === 0,
    distribution: distribution(await accessLog(lb, t0, t1 + 500)),
    notes,
  };
}

const SINGLE = `${PROJECT}-single`;

/** CPU time the container has used, in seconds, from its cgroup (v1 cpuacct or v2 cpu.stat). */
async function cpuSeconds(container: string): Promise<number> {
  const read = await docker(['exec', container, 'sh', '-c', 'cat /sys/fs/cgroup/cpuacct/cpuacct.usage 2>/dev/null || grep usage_usec /sys/fs/cgroup/cpu.stat'], { timeoutMs: 30_000 });
  const text = read.stdout.trim();
  return text.startsWith('usage_usec') ? Number(text.split(/\s+/)[1]) / 1e6 : Number(text) / 1e9;
}

/**
 * What one replica carries: the image alone with one CPU (--cpus 1, WORKERS=1), each
 * scenario for `duration` s from here. Requests per CPU-second of the container's own
 * CPU time is what a core serves flat out, whatever else the machine is doing.
 */
async function singleReplica(allScenarios: Scenario[]): Promise<void> {
  const port = await freePort();
  await docker(['rm', '-f', SINGLE], { allowFailure: true });
  await docker(['run', '-d', '--name', SINGLE, '--cpus', '1', '--memory', '768m', '--init', '--read-only', '--tmpfs', '/tmp', '--cap-drop', 'ALL', '-e', 'WORKERS=1', '-e', 'LOG_LEVEL=warn', '-p', `127.0.0.1:${port}:3000`, APP_IMAGE]);
  const url = `http://127.0.0.1:${port}`;
  for (let attempt = 0; ; attempt++) {
    // A time limit: while the container starts, docker-proxy may accept and then hold the connection.
    const answer = await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(2000) }).then((r) => r.status, () => 0);
    if (answer === 200) break;
    if (attempt > 120) throw new Error(`the single replica did not get ready: ${(await docker(['logs', SINGLE], { allowFailure: true })).stderr}`);
    await sleep(500);
  }
  const drive = (scenario: Scenario, seconds: number) =>
    new Promise<autocannon.Result>((resolveLoad, reject) =>
      autocannon({ url, connections: scenario.connections, duration: seconds, requests: scenario.requests, timeout: 30 }, (error, r) => (error ? reject(error) : resolveLoad(r))),
    );
  for (const scenario of allScenarios.filter((s) => s.name === 'course' || s.name === 'vector-1000')) {
    await drive(scenario, 2); // warm-up: V8 compiles the hot paths; not measured
    const before = await cpuSeconds(SINGLE);
    const t0 = Date.now();
    const result = await drive(scenario, duration);
    const seconds = (Date.now() - t0) / 1000;
    const used = (await cpuSeconds(SINGLE)) - before;
    const statuses: Record<string, number> = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, stats]) => [code, stats?.count ?? 0]));
    const served = statuses['200'] ?? 0;
    report.single.push({
      scenario: scenario.name,
      seconds,
      requests: served,
      requestsPerSecond: Math.round(served / seconds),
      cpuSeconds: Math.round(used * 10) / 10,
      requestsPerCpuSecond: Math.round(served / used),
      p99: result.latency.p99,
      statuses,
    });
    const last = report.single.at(-1)!;
    check(
      `one replica, one CPU: ${scenario.name}`,
      Object.keys(statuses).every((code) => code === '200') && result.errors === 0 && used > 0,
      `${last.requestsPerSecond} req/s on the wall clock, ${last.cpuSeconds} CPU-s used: ${last.requestsPerCpuSecond} requests per CPU-second, p99 ${last.p99} ms`,
    );
  }
  await docker(['rm', '-f', SINGLE]);
}

/** SIGKILL to the server process inside a replica: what a crash or an OOM kill looks like (tini, PID 1, then exits and Docker restarts the container). */
const KILL_SERVER = `const fs = require('fs');
for (const p of fs.readdirSync('/proc').filter((d) => /^\\d+$/.test(d))) {
  let cmd = ''; try { cmd = fs.readFileSync('/proc/' + p + '/cmdline', 'utf8'); } catch {}
  const argv = cmd.split('\\0');
  // node itself, not tini (PID 1, whose command line names the server too) nor this program
  if (argv[0].endsWith('node') && argv.includes('dist/src/server.js') && Number(p) !== process.pid) { fs.writeSync(1, p + '\\n'); process.kill(Number(p), 'SIGKILL'); }
}`;

/**
 * What the drain check keeps in flight: two 240×240 matmuls, 84 M units (under POOL_MAX_WORK's 100 M),
 * ~0.2 s on a worker. With two per replica and one worker each, the second is still running when
 * SIGTERM comes 300 ms after they were sent (160×160, 25 M units and ~40-70 ms, once finished before it).
 */
const SLOW_PROGRAM = { inputs: { x: { ones: [240, 240] } }, expr: 'y = (x @ x @ x).sum()', outputs: ['y'], fields: ['data'] };

interface Report {
  date: string;
  commit: string;
  machine: string;
  docker: string;
  compose: string;
  base: string;
  buildSeconds: number;
  healthy: string[];
  loadProfile: string;
  scenarios: LoadResult[];
  kill: LoadResult | null;
  scale: LoadResult | null;
  single: { scenario: string; seconds: number; requests: number; requestsPerSecond: number; cpuSeconds: number; requestsPerCpuSecond: number; p99: number; statuses: Record<string, number> }[];
  drain: { requests: number; answered200: number; shed503: string[]; finished200AfterStop: number; finishedAfterStop: number; exitCodes: Record<string, number>; afterStop: string; lbExit: number } | null;
  checks: { name: string; ok: boolean; detail: string }[];
}

const report: Report = {
  date: new Date().toISOString(),
  commit: '',
  machine: `${cpus().length} cores, load average ${loadavg()[0].toFixed(1)} at the start`,
  docker: '',
  compose: '',
  base: '',
  buildSeconds: 0,
  healthy: [],
  loadProfile: '',
  scenarios: [],
  kill: null,
  scale: null,
  single: [],
  drain: null,
  checks: [],
};

function check(name: string, ok: boolean, detail: string): void {
  report.checks.push({ name, ok, detail });
  log(`${ok ? 'ok  ' : 'FAIL'} ${name}: ${detail}`);
}

async function main(): Promise<void> {
  report.commit = (await run('git', ['rev-parse', '--short', 'HEAD'], { allowFailure: true })).stdout.trim() || 'unknown';
  report.docker = `${(await docker(['version', '--format', '{{.Server.Version}}'])).stdout.trim()} (engine)`;
  composeArgv = await composeCommand();
  report.compose = (await run(composeArgv[0], [...composeArgv.slice(1), 'version', '--short'], { allowFailure: true })).stdout.trim() || composeArgv.join(' ');
  log(`engine ${report.docker}, compose ${composeArgv.join(' ')} ${report.compose}, commit ${report.commit}`);

  const base = await baseImages();
  report.base = `${base.kind}: ${base.node}, ${base.nginx}`;
  log(`base images ${report.base}`);
  const t0 = Date.now();
  await build(base.node);
  report.buildSeconds = Math.round((Date.now() - t0) / 1000);

  await singleReplica(scenarios(DEFAULT_LIMITS.maxBodyBytes));

  const port = await freePort();
  composeEnv = { GRADSERVE_IMAGE: APP_IMAGE, GRADSERVE_LOAD_IMAGE: LOAD_IMAGE, NGINX_IMAGE: base.nginx, NODE_IMAGE: base.node, LB_BIND: '127.0.0.1', LB_PORT: String(port) };
  const url = `http://127.0.0.1:${port}`;
  await compose(['down', '-v', '--remove-orphans'], { allowFailure: true }); // a run that was cut short
  await compose(['up', '-d', '--no-build'], { timeoutMs: 300_000 });
  let list = await waitHealthy(3);
  const lbId = list.find((c) => c.service === 'lb')!.id;
  for (const replica of list.filter((c) => c.service === 'gradserve')) {
    const answer = await execNode(
      replica.id,
      "Promise.all(['/healthz', '/readyz'].map((p) => fetch('http://127.0.0.1:3000' + p).then((r) => p + ' ' + r.status))).then((a) => console.log(a.join(', ')))",
    );
    report.healthy.push(`${replica.name} (${replica.ip}): docker health ${replica.health}; ${answer}`);
  }
  check('3 replicas and nginx healthy', report.healthy.length === 3 && report.healthy.every((h) => /\/healthz 200, \/readyz 200/.test(h)), report.healthy.join('; '));

  // The compose load profile: the load image runs one short scenario against http://lb:8080 on the compose network.
  const profile = await compose(['--profile', 'load', 'run', '--rm', 'load', 'npm', 'run', 'load', '--', '--url', 'http://lb:8080', '--allow-remote', '--scenario', 'course', '--duration', '2'], {
    allowFailure: true,
    timeoutMs: 180_000,
  });
  report.loadProfile = profile.stdout.split('\n').find((l) => /course/.test(l) && /req\/s/.test(l))?.trim() ?? '';
  check('compose load profile runs', profile.code === 0 && report.loadProfile.startsWith('ok'), report.loadProfile || profile.stderr.trim().split('\n').slice(-3).join(' | '));

  // Every scenario through the load balancer.
  const all = scenarios(DEFAULT_LIMITS.maxBodyBytes);
  for (const scenario of all) {
    await remember();
    const result = await load(url, lbId, scenario, duration);
    report.scenarios.push(result);
    check(`scenario ${scenario.name}`, result.ok, summary(result));
  }

  // A replica crashes under load.
  const course = all.find((s) => s.name === 'course')!;
  const crashDuration = Math.max(12, 2 * duration);
  const victim = list.filter((c) => c.service === 'gradserve')[0];
  let killedAt = 0;
  report.kill = await load(url, lbId, { ...course, allowed: [200, 503] }, crashDuration, async () => {
    await sleep((crashDuration * 1000) / 3);
    killedAt = Date.now();
    // The container goes down with its server (tini exits), and may take this exec with it (137)
    // before it exits on its own: the pid is written before the kill, and 137 is what success can look like.
    const killed = await docker(['exec', victim.id, 'node', '-e', KILL_SERVER], { timeoutMs: 30_000, allowFailure: true });
    const pid = killed.stdout.trim();
    if (pid === '' || (killed.code !== 0 && killed.code !== 137)) throw new Error(`could not kill ${victim.name}'s server (exit ${killed.code}): ${killed.stderr.trim()}`);
    return [`SIGKILL to ${victim.name}'s server process (pid ${pid}) ${((crashDuration * 1000) / 3 / 1000).toFixed(0)} s into the run`];
  });
  // Docker's restart policy brings it back (the next health check marks it healthy).
  list = await waitHealthy(3);
  const restarted = list.find((c) => c.id === victim.id);
  report.kill.notes.push(`${victim.name} restarted by Docker (restart count ${restarted?.restarts ?? 0}), healthy again ${((Date.now() - killedAt) / 1000).toFixed(0)} s after the kill`);
  check('a replica killed under load: no failed request, Docker restarts it', report.kill.ok && (restarted?.restarts ?? 0) > 0, `${summary(report.kill)}; ${report.kill.notes.join('; ')}`);

  // Scale to 5 and back to 3 under load.
  report.scale = await load(url, lbId, { ...course, allowed: [200, 503] }, 240, async (stop) => {
    const notes: string[] = [];
    await sleep(2000);
    let s = Date.now();
    await compose(['up', '-d', '--no-build', '--no-deps', '--scale', 'gradserve=5', 'gradserve'], { timeoutMs: 120_000 });
    await waitHealthy(5);
    notes.push(`scaled to 5: all healthy ${((Date.now() - s) / 1000).toFixed(0)} s after \`up --no-deps --scale gradserve=5 gradserve\``);
    const fiveFrom = Date.now();
    await sleep(Math.max(3000, duration * 1000));
    const five = distribution(await accessLog(lbId, fiveFrom, Date.now()));
    notes.push(`with 5 replicas: ${shares(five)}`);
    s = Date.now();
    await compose(['up', '-d', '--no-build', '--no-deps', '--scale', 'gradserve=3', 'gradserve'], { timeoutMs: 120_000 });
    await waitHealthy(3);
    notes.push(`back to 3 (two replicas stopped with SIGTERM) in ${((Date.now() - s) / 1000).toFixed(0)} s`);
    await sleep(2000);
    stop();
    return notes;
  });
  check('scale to 5 and back to 3 under load: no failed request', report.scale.ok, `${summary(report.scale)}; ${report.scale.notes.join('; ')}`);

  // Stop the replicas while slow programs run: each is answered, each replica exits 0.
  const replicas = (await containers()).filter((c) => c.service === 'gradserve' && c.state === 'running');
  // Two per replica on average: more would queue, and a program waiting over POOL_QUEUE_TIMEOUT_MS (1 s) is shed with 503.
  const inflight = 2 * replicas.length;
  const stopAt = { time: 0 };
  const requests = Array.from({ length: inflight }, () =>
    fetch(`${url}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(SLOW_PROGRAM), signal: AbortSignal.timeout(60_000) })
      .then(async (r) => ({ status: r.status, at: Date.now(), body: await r.text() }))
      .catch((error: Error & { cause?: Error }) => ({ status: 0, at: Date.now(), body: `${error.message} ${error.cause?.message ?? ''}` })),
  );
  await sleep(300);
  stopAt.time = Date.now();
  const stopping = compose(['stop', '-t', '25', 'gradserve'], { timeoutMs: 60_000 });
  const answers = await Promise.all(requests);
  await stopping;
  const after = await fetch(`${url}/v1/evaluate`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(COURSE_PROGRAMS[0]), signal: AbortSignal.timeout(10_000) }).then(
    (r) => `${r.status}`,
    (e: Error) => e.message,
  );
  const stopped = (await containers()).filter((c) => replicas.some((r) => r.id === c.id));
  await compose(['stop', '-t', '25', 'lb'], { timeoutMs: 60_000 });
  const lbState = (await containers()).find((c) => c.id === lbId);
  report.drain = {
    requests: inflight,
    answered200: answers.filter((a) => a.status === 200).length,
    shed503: answers.filter((a) => a.status === 503).map((a) => problemDetail(a.body)),
    finished200AfterStop: answers.filter((a) => a.status === 200 && a.at > stopAt.time).length,
    finishedAfterStop: answers.filter((a) => a.at > stopAt.time).length,
    exitCodes: Object.fromEntries(stopped.map((c) => [c.name, c.exitCode])),
    afterStop: after,
    lbExit: lbState?.exitCode ?? -1,
  };
  check(
    'SIGTERM drain: requests in flight answered, replicas exit 0',
    // Every request gets a whole answer: 200, or 503 shed by the queue before the stop; at least one 200 arrives after SIGTERM.
    answers.every((a) => a.status === 200 || a.status === 503) &&
      report.drain.finished200AfterStop > 0 &&
      stopped.every((c) => c.state === 'exited' && c.exitCode === 0) &&
      report.drain.lbExit === 0,
    `${report.drain.answered200}/${inflight} answered 200, ${report.drain.finished200AfterStop} of them after SIGTERM; exit codes ${JSON.stringify(report.drain.exitCodes)}; ` +
      `a request after the replicas stopped: ${after}; nginx (SIGQUIT) exit ${report.drain.lbExit}` +
      (report.drain.shed503.length > 0 ? `; shed with 503: ${[...new Set(report.drain.shed503)].join(' | ')}` : '') +
      (answers.some((a) => a.status !== 200 && a.status !== 503) ? `; failed: ${answers.filter((a) => a.status !== 200 && a.status !== 503).map((a) => `${a.status} ${a.body.slice(0, 120)}`).join(' | ')}` : ''),
  );
}

function problemDetail(body: string): string {
  try {
    return String((JSON.parse(body) as { detail?: string }).detail);
  } catch {
    return body.slice(0, 120);
  }
}

function shares(d: Distribution): string {
  const total = Object.values(d.perReplica).reduce((a, b) => a + b, 0) || 1;
  return Object.entries(d.perReplica)
    .map(([name, n]) => `${name} ${Math.round((100 * n) / total)}%`)
    .join(', ');
}

function summary(r: LoadResult): string {
  return `${r.requestsPerSecond} req/s, p50 ${r.p50} ms, p99 ${r.p99} ms, statuses ${JSON.stringify(r.statuses)}, errors ${r.errors}, timeouts ${r.timeouts}, retried ${r.distribution.retried.total}`;
}

function statusText(statuses: Record<string, number>): string {
  return Object.entries(statuses)
    .map(([code, n]) => `${code} × ${n}`)
    .join(', ');
}

function markdown(): string {
  const rows = [...report.scenarios, ...(report.kill ? [{ ...report.kill, name: 'course, one replica killed' }] : []), ...(report.scale ? [{ ...report.scale, name: 'course, scale 3→5→3' }] : [])];
  const lines = [
    `Run of \`npm run cluster:test\` on ${report.date.slice(0, 16).replace('T', ' ')} UTC at commit ${report.commit}: ${report.machine}; Docker ${report.docker}, Compose ${report.compose}; base images ${report.base}; image builds ${report.buildSeconds} s. The load generator (autocannon, load/scenarios.ts, ${duration} s per scenario) runs on the host against nginx's published 127.0.0.1 port; replicas have \`WORKERS=1\` and a 1.5-CPU limit, nginx 0.5 CPU.`,
    '',
    '| phase | s | req/s | p50 ms | p99 ms | statuses | errors | retried by nginx (after conn. error / 503) | answered by replica |',
    '|---|---:|---:|---:|---:|---|---:|---|---|',
    ...rows.map(
      (r) =>
        `| ${r.name} | ${r.seconds.toFixed(0)} | ${r.requestsPerSecond} | ${r.p50} | ${r.p99} | ${statusText(r.statuses)} | ${r.errors + r.timeouts} | ${r.distribution.retried.afterConnectionError} / ${r.distribution.retried.after503} | ${shares(r.distribution)} |`,
    ),
    '',
    ...(report.single.length > 0
      ? [
          'One replica alone (the image with `--cpus 1`, `WORKERS=1`; after a 2 s warm-up), CPU time from its cgroup:',
          '',
          '| scenario | s | req/s (wall) | CPU-s used | requests per CPU-second | p99 ms |',
          '|---|---:|---:|---:|---:|---:|',
          ...report.single.map((r) => `| ${r.scenario} | ${r.seconds.toFixed(0)} | ${r.requestsPerSecond} | ${r.cpuSeconds} | ${r.requestsPerCpuSecond} | ${r.p99} |`),
          '',
        ]
      : []),
    ...report.checks.map((c) => `- ${c.ok ? '✓' : '✗'} **${c.name}**: ${c.detail}`),
  ];
  return lines.join('\n');
}

const BEGIN = '<!-- cluster-test:begin (written by scripts/cluster_test.ts) -->';
const END = '<!-- cluster-test:end -->';

function writeReport(): void {
  mkdirSync(join(repo, 'artifacts'), { recursive: true });
  writeFileSync(join(repo, 'artifacts/cluster-test.json'), `${JSON.stringify(report, null, 2)}\n`);
  const text = markdown();
  writeFileSync(join(repo, 'artifacts/cluster-test.md'), `${text}\n`);
  if (report.checks.length === 0) return;
  const file = join(repo, args.report);
  const current = existsSync(file) ? readFileSync(file, 'utf8') : '# Operations\n';
  const block = `${BEGIN}\n${text}\n${END}`;
  const next = current.includes(BEGIN) && current.includes(END)
    ? current.slice(0, current.indexOf(BEGIN)) + block + current.slice(current.indexOf(END) + END.length)
    : `${current.trimEnd()}\n\n## Containers\n\n### Cluster test: the last run\n\n${block}\n`;
  writeFileSync(file, next);
  log(`report: ${args.report}, artifacts/cluster-test.{json,md}`);
}

/** nginx's error log and each container's last log lines, for a failed run (artifacts/). */
async function saveLogs(): Promise<void> {
  const list = await containers().catch(() => []);
  const parts: string[] = [];
  for (const c of list) {
    const { stdout, stderr } = await docker(['logs', '--tail', c.service === 'lb' ? '0' : '40', c.id], { allowFailure: true });
    const errorLog = c.service === 'lb' ? (await docker(['logs', c.id], { allowFailure: true })).stderr : stderr;
    parts.push(`== ${c.name} (${c.state}, exit ${c.exitCode}, restarts ${c.restarts})\n${stdout}${errorLog}`);
  }
  mkdirSync(join(repo, 'artifacts'), { recursive: true });
  writeFileSync(join(repo, 'artifacts/cluster-test-containers.log'), parts.join('\n'));
}

async function cleanUp(): Promise<void> {
  if (composeArgv.length === 0) return;
  await saveLogs();
  await docker(['rm', '-f', SINGLE], { allowFailure: true });
  log('cleaning up: containers, network, the :cluster-test images (base images stay cached)');
  await compose(['--profile', 'load', 'down', '-v', '--remove-orphans', '-t', '25'], { allowFailure: true, timeoutMs: 120_000 });
  if (!args['keep-images']) await docker(['rmi', APP_IMAGE, LOAD_IMAGE], { allowFailure: true });
  const left = await containers().catch(() => []);
  if (left.length > 0) log(`containers left: ${left.map((c) => c.name).join(', ')}`);
}

/** Past the deadline or on SIGTERM/SIGINT: clean up, report, exit 1 (whatever main was doing). */
async function abort(reason: string): Promise<never> {
  check('the run completed', false, reason);
  await cleanUp();
  writeReport();
  process.exit(1);
}
const deadline = setTimeout(() => void abort(`the run took longer than ${DEADLINE_MS / 60_000} minutes`), DEADLINE_MS + 60_000);
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => void abort(`stopped by ${signal}`));

let failure: Error | null = null;
try {
  await main();
} catch (error) {
  failure = error as Error;
}
clearTimeout(deadline);
if (failure) check('the run completed', false, failure.message);
report.machine += `, ${loadavg()[0].toFixed(1)} at the end`;
await cleanUp();
writeReport();
const failed = report.checks.filter((c) => !c.ok);
log(failed.length === 0 ? `all ${report.checks.length} checks held` : `${failed.length} of ${report.checks.length} checks failed`);
process.exit(failed.length === 0 ? 0 : 1);
