import { type ChildProcess, spawn } from 'node:child_process';
import { once } from 'node:events';

export interface ServerProcess {
  child: ChildProcess;
  url: string;
  /** Every stdout line, parsed (pino JSON). */
  logs: Record<string, unknown>[];
  exited: Promise<number | null>;
}

/**
 * Starts `node <entry>` as a real process listening on a free port and waits
 * for fastify's "listening" line (logged at info: LOG_LEVEL must be info or lower).
 * From sources the tsx loader is added.
 */
export async function startServer(env: Record<string, string>, entry = 'src/server.ts', cwd = process.cwd()): Promise<ServerProcess> {
  const args = entry.endsWith('.ts') ? ['--import', 'tsx', entry] : [entry];
  const child = spawn(process.execPath, args, { cwd, env: { ...process.env, PORT: '0', HOST: '127.0.0.1', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  const logs: Record<string, unknown>[] = [];
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += chunk));
  const url = await new Promise<string>((resolve, reject) => {
    let buffered = '';
    child.stdout!.on('data', (chunk) => {
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop()!;
      for (const line of lines) {
        try {
          const entry = JSON.parse(line);
          logs.push(entry);
          const match = /listening at (http:\/\/127\.0\.0\.1:\d+)/.exec(String(entry.msg));
          if (match) resolve(match[1]);
        } catch {
          // not a log line
        }
      }
    });
    exited.then((code) => reject(new Error(`server exited with ${code} before listening: ${stderr}`)));
  });
  return { child, url, logs, exited };
}
