import { existsSync, readFileSync } from 'node:fs';
import { Ajv } from 'ajv';
import { validate as lintDockerfile } from 'dockerfile-utils';
import { parse as parseYaml } from 'yaml';
import { describe, expect, it } from 'vitest';
import { execForm, globalArgs, parseCopy, parseDockerfile, parseRun } from '../support/dockerfile.js';

const dockerfile = readFileSync('Dockerfile', 'utf8');
const stages = parseDockerfile(dockerfile);
const runtime = stages.at(-1)!;
// merge: the file shares its health check timings through a YAML anchor (`<<: *healthcheck`), as compose reads it
const compose = parseYaml(readFileSync('docker-compose.yml', 'utf8'), { merge: true });
/** The Compose Specification (draft-07, ajv's default draft; its `$schema` spells the meta-schema URL in a form ajv does not know). */
function composeSchema() {
  const { $schema: _draft07, ...schema } = JSON.parse(readFileSync('test/operations/compose-spec.json', 'utf8'));
  return schema;
}
const keywords = (stage: typeof runtime, keyword: string) => stage.instructions.filter((i) => i.keyword === keyword);

describe('Dockerfile', () => {
  it('lints clean with dockerfile-utils', () => {
    expect(lintDockerfile(dockerfile)).toEqual([]);
  });

  it('the linter does catch mistakes (so a clean result means something)', () => {
    expect(lintDockerfile('FROM node:24-slim\nEXPOSE 3000/tcpx\nCMD\n').length).toBeGreaterThan(0);
  });

  it('builds in one stage and ships a Node 24 slim runtime with production dependencies only', () => {
    expect(stages.length).toBeGreaterThanOrEqual(2);
    // The official image unless a build argument names a stand-in (scripts/make_base_images.sh).
    expect(globalArgs(dockerfile).NODE_IMAGE).toMatch(/^node:24[-.\w]*slim$/);
    expect(runtime.image).toMatch(/^node:24[-.\w]*slim$/);
    expect(runtime.imageAsWritten).toBe('${NODE_IMAGE}');
    expect(parseDockerfile(dockerfile, { NODE_IMAGE: 'local/node:24' }).at(-1)!.image).toBe('local/node:24');
    const runs = keywords(runtime, 'RUN').map((i) => i.text);
    expect(runs.some((r) => /npm ci --omit=dev/.test(r))).toBe(true);
    const copies = keywords(runtime, 'COPY').map(parseCopy);
    expect(copies.filter((c) => c.from === null).flatMap((c) => c.sources).sort()).toEqual(['package-lock.json', 'package.json']);
    expect(copies.find((c) => c.from !== null)).toMatchObject({ from: stages[0].name, sources: ['/app/dist'] });
  });

  it('runs as a non-root user, with a health check, and node getting signals directly', () => {
    expect(keywords(runtime, 'USER').at(-1)?.text).toBe('node');
    expect(keywords(runtime, 'HEALTHCHECK').at(-1)?.text).toContain('/healthz');
    expect(keywords(runtime, 'ENTRYPOINT')).toEqual([]); // no shell wrapper between docker and node
    const cmd = execForm(keywords(runtime, 'CMD').at(-1)!);
    const start = JSON.parse(readFileSync('package.json', 'utf8')).scripts.start as string;
    expect(cmd.join(' ')).toBe(start);
  });

  it('installs with an optional CA bundle secret and without the registry-only syntax directive', () => {
    // `# syntax=docker/dockerfile:1` makes BuildKit pull its frontend image: no build without a registry.
    expect(dockerfile).not.toMatch(/^#\s*syntax=/m);
    for (const stage of [stages[0], runtime]) {
      const install = keywords(stage, 'RUN').map(parseRun).find((r) => /npm ci/.test(r.command))!;
      expect(install.flags).toEqual(['--mount=type=secret,id=ca']);
      expect(install.command).toMatch(/if \[ -f \/run\/secrets\/ca \]; then export NODE_EXTRA_CA_CERTS=\/run\/secrets\/ca; fi;/);
    }
  });

  it('has a load stage with the scenarios for the compose load profile', () => {
    const load = stages.find((s) => s.name === 'load')!;
    expect(load.image).toBe(stages[0].name);
    const sources = keywords(load, 'COPY').flatMap((i) => parseCopy(i).sources);
    expect(sources).toContain('load');
    // load/run.ts imports these; the build stage has schemas/ already
    expect(sources).toContain('test/support/server_process.ts');
    expect(readFileSync('load/run.ts', 'utf8')).toMatch(/from '\.\.\/test\/support\/server_process\.js'/);
  });

  it('copies only sources that exist and that .dockerignore lets through', () => {
    const patterns = readFileSync('.dockerignore', 'utf8').split('\n').map((l) => l.trim()).filter((l) => l && !l.startsWith('#'));
    // Docker's rule for plain paths: the last pattern naming the path or a folder above it decides; `!` lets it through.
    const ignored = (source: string) =>
      patterns.reduce((out, pattern) => {
        const path = pattern.replace(/^!/, '');
        return source === path || source.startsWith(`${path}/`) ? !pattern.startsWith('!') : out;
      }, false);
    for (const stage of stages) {
      for (const copy of keywords(stage, 'COPY').map(parseCopy).filter((c) => c.from === null)) {
        for (const source of copy.sources) {
          expect(existsSync(source), source).toBe(true);
          expect(ignored(source), source).toBe(false);
        }
      }
    }
  });
});

describe('docker-compose.yml', () => {
  it('is valid against the Compose Specification schema', () => {
    const schema = composeSchema();
    const ajv = new Ajv({ strict: false, allErrors: true });
    const valid = ajv.validate(schema, compose);
    expect(ajv.errors ?? []).toEqual([]);
    expect(valid).toBe(true);
  });

  it('the schema check does catch mistakes', () => {
    const schema = composeSchema();
    const ajv = new Ajv({ strict: false });
    expect(ajv.validate(schema, { services: { a: { deploy: { replicas: true }, healthcheck: { tests: ['CMD', 'true'] } } } })).toBe(false);
  });

  it('runs several replicas with health checks and resource limits behind nginx', () => {
    const app = compose.services.gradserve;
    expect(app.deploy.replicas).toBeGreaterThanOrEqual(2);
    expect(app.deploy.resources.limits).toMatchObject({ cpus: expect.any(String), memory: expect.any(String) });
    // liveness: a busy replica's /readyz 503 must not make it "unhealthy" (nginx retries around it instead)
    expect(app.healthcheck.test.join(' ')).toMatch(/\/healthz/);
    expect(app.build.target).toBe('runtime');
    const lb = compose.services.lb;
    expect(lb.image).toMatch(/^\$\{NGINX_IMAGE:-nginx:1\.(2[2-9]|[3-9]\d)[-.\w]*\}$/);
    expect(lb.depends_on.gradserve.condition).toBe('service_healthy');
    expect(lb.deploy.resources.limits).toBeDefined();
    expect(lb.volumes.join(' ')).toContain('./deploy/nginx.conf');
  });

  it('hardens every container: no capabilities, no privilege gain, rotated logs; read-only roots for the services', () => {
    for (const [name, service] of Object.entries(compose.services) as [string, Record<string, any>][]) {
      expect(service.cap_drop, name).toEqual(['ALL']);
      expect(service.cap_add, name).toBeUndefined();
      expect(service.security_opt, name).toContain('no-new-privileges:true');
      expect(service.logging, name).toMatchObject({ driver: 'json-file', options: { 'max-size': expect.any(String), 'max-file': expect.any(String) } });
    }
    for (const name of ['gradserve', 'lb']) {
      expect(compose.services[name].read_only, name).toBe(true);
      expect(compose.services[name].tmpfs, name).toEqual(['/tmp']);
      expect(compose.services[name].user, name).not.toMatch(/^(root|0)(:|$)/);
    }
  });

  it('uses nothing Compose 1.29 lacks (no top-level name, no build secrets, no start_interval)', () => {
    expect(Object.keys(compose).filter((k) => !k.startsWith('x-')).sort()).toEqual(['services']);
    for (const service of Object.values(compose.services) as Record<string, any>[]) {
      expect(service.build?.secrets).toBeUndefined();
      expect(service.healthcheck?.start_interval).toBeUndefined();
    }
  });

  it('gives in-flight requests longer to finish than the service takes to drain', () => {
    const app = compose.services.gradserve;
    const grace = Number(app.environment.SHUTDOWN_GRACE_MS);
    expect(Number.parseInt(app.stop_grace_period, 10) * 1000).toBeGreaterThan(grace);
  });

  it('has an optional load-test service against the load balancer', () => {
    const load = compose.services.load;
    expect(load.profiles).toEqual(['load']);
    expect(load.build.target).toBe('load');
    expect(stages.map((s) => s.name)).toContain('load');
    expect(load.command.join(' ')).toMatch(/npm run load -- --url http:\/\/lb:8080/);
  });
});

describe('deploy/nginx.conf', () => {
  const nginx = readFileSync('deploy/nginx.conf', 'utf8').replace(/#.*$/gm, '');

  it('uses no directive newer than nginx 1.22 (Debian bookworm): no `resolve` server parameter', () => {
    expect(nginx).not.toMatch(/\bserver\s+\S+\s+[^;]*\bresolve\b/);
    // the variable proxy_pass re-resolves compose's DNS per request instead
    expect(nginx).toMatch(/resolver 127\.0\.0\.11 valid=\d+s/);
    expect(nginx).toMatch(/set \$gradserve gradserve;\s*proxy_pass http:\/\/\$gradserve:3000;/);
  });

  it('takes a draining, gone or shedding replica out of rotation by retrying on another, POSTs included', () => {
    expect(nginx).toMatch(/proxy_next_upstream error timeout http_503 non_idempotent;/);
    const tries = Number(/proxy_next_upstream_tries (\d+);/.exec(nginx)![1]);
    expect(tries).toBeGreaterThanOrEqual(2);
    expect(tries).toBeLessThanOrEqual(compose.services.gradserve.deploy.replicas);
    // a 503 `timeout` (past the evaluation budget) is not run again elsewhere
    const retryWindow = Number(/proxy_next_upstream_timeout (\d+)s;/.exec(nginx)![1]) * 1000;
    expect(retryWindow).toBeLessThan(Number(compose.services.gradserve.environment.EVALUATION_BUDGET_MS));
  });

  it('logs JSON with the request id and every replica tried', () => {
    const format = /log_format json escape=json ([^;]*);/s.exec(nginx)![1];
    for (const variable of ['$request_id_out', '$upstream_addr', '$upstream_status', '$status', '$request_time']) expect(format).toContain(variable);
    expect(nginx).toMatch(/access_log \/dev\/stdout json;/);
    expect(nginx).toMatch(/proxy_set_header X-Request-Id \$request_id_out;/);
  });

  it('runs unprivileged on a read-only root: unprivileged port, pid and temporary files in /tmp', () => {
    const port = Number(/listen (\d+);/.exec(nginx)![1]);
    expect(port).toBeGreaterThanOrEqual(1024);
    expect(compose.services.lb.ports[0]).toMatch(new RegExp(`:${port}$`));
    expect(compose.services.lb.healthcheck.test.join(' ')).toContain(`127.0.0.1:${port}/lb-health`);
    expect(nginx).toMatch(/^pid \/tmp\//m);
    for (const kind of ['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi']) expect(nginx).toMatch(new RegExp(`${kind}_temp_path /tmp/`));
  });

  it('drains on stop: SIGQUIT and a shutdown timeout within the stop grace period', () => {
    expect(compose.services.lb.stop_signal).toBe('SIGQUIT');
    const shutdown = Number(/worker_shutdown_timeout (\d+)s;/.exec(nginx)![1]);
    expect(Number.parseInt(compose.services.lb.stop_grace_period, 10)).toBeGreaterThan(shutdown);
  });

});
