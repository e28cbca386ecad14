/**
 * npm run load [-- --url http://127.0.0.1:8080] [--duration 5] [--scenario burst] [--allow-remote] [--max-body-bytes N]
 *
 * Runs each scenario of load/scenarios.ts with autocannon and prints req/s,
 * p50/p99 latency and the count of every status. Without --url it starts the
 * service itself on a loopback port (WORKERS=1, POOL_MAX_QUEUE=8, so the burst
 * really exceeds capacity). It refuses non-loopback targets unless
 * --allow-remote is given (the compose load service passes it for the cluster).
 * Exits 1 when a scenario sees an unexpected status or any connection error.
 */
import { parseArgs } from 'node:util';
import autocannon from 'autocannon';
import { DEFAULT_LIMITS } from '../schemas/limits.js';
import { startServer, type ServerProcess } from '../test/support/server_process.js';
import { scenarios } from './scenarios.js';

const { values: args } = parseArgs({
  options: {
    url: { type: 'string' },
    duration: { type: 'string', default: '5' },
    scenario: { type: 'string' },
    'allow-remote': { type: 'boolean', default: false },
    /** The target's MAX_BODY_BYTES, so the oversized request is just over it. */
    'max-body-bytes': { type: 'string' },
  },
});

/** The service started here gets a small body limit: an 8 MiB body refused mid-upload resets the connection, which is not what this measures. */
const SELF_STARTED_MAX_BODY_BYTES = 65_536;
const maxBodyBytes = Number(args['max-body-bytes'] ?? (args.url ? DEFAULT_LIMITS.maxBodyBytes : SELF_STARTED_MAX_BODY_BYTES));
const duration = Math.min(60, Math.max(1, Number(args.duration)));
const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]']);

async function target(): Promise<{ url: string; server: ServerProcess | null }> {
  if (args.url) {
    const host = new URL(args.url).hostname;
    if (!LOOPBACK.has(host) && !args['allow-remote']) {
      throw new Error(`refusing to load ${host}: not loopback (pass --allow-remote for your own cluster)`);
    }
    return { url: args.url.replace(/\/$/, ''), server: null };
  }
  const server = await startServer({ WORKERS: '1', POOL_MAX_QUEUE: '8', LOG_LEVEL: 'info', MAX_BODY_BYTES: String(maxBodyBytes) });
  return { url: server.url, server };
}

function run(url: string, scenario: ReturnType<typeof scenarios>[number]): Promise<autocannon.Result> {
  return new Promise((resolve, reject) => {
    autocannon(
      { url, connections: scenario.connections, duration, requests: scenario.requests, timeout: 30 },
      (error, result) => (error ? reject(error) : resolve(result)),
    );
  });
}

const { url, server } = await target();
let failed = false;
try {
  const list = scenarios(maxBodyBytes).filter((s) => !args.scenario || s.name === args.scenario);
  console.log(`load: ${url}, ${duration} s per scenario`);
  for (const scenario of list) {
    const result = await run(url, scenario);
    const statuses = Object.fromEntries(Object.entries(result.statusCodeStats ?? {}).map(([code, { count }]) => [code, count]));
    const unexpected = Object.keys(statuses).map(Number).filter((code) => !scenario.allowed.includes(code));
    const ok = unexpected.length === 0 && result.errors === 0 && result.timeouts === 0;
    failed ||= !ok;
    console.log(
      `${ok ? 'ok  ' : 'FAIL'} ${scenario.name.padEnd(12)} ${String(Math.round(result.requests.average)).padStart(6)} req/s  ` +
        `p50 ${result.latency.p50} ms  p99 ${result.latency.p99} ms  statuses ${JSON.stringify(statuses)}  ` +
        `errors ${result.errors}  timeouts ${result.timeouts}${unexpected.length ? `  unexpected ${unexpected.join(',')}` : ''}`,
    );
    console.log(`     ${scenario.description}`);
  }
} finally {
  server?.child.kill('SIGTERM');
  if (server) console.log(`server exited with ${await server.exited}`);
}
process.exit(failed ? 1 : 0);
