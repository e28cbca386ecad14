import closeWithGrace from 'close-with-grace';
import { buildApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { warmUp } from './evaluation/warm_up.js';
import { loggerOptions } from './plugins/request_log.js';

/** Process entry: configuration, listen, graceful close. Everything else is in buildApp. */
function configuration() {
  try {
    return loadConfig(process.env);
  } catch (error) {
    if (!(error instanceof ConfigError)) throw error;
    process.stderr.write(`gradserve: ${error.message}\n`);
    process.exit(1);
  }
}

const config = configuration();
// The inline path's code made fast before anything measures the event loop: the warm-up blocks it
// for a second or two, which the load shedding would otherwise read as overload (src/evaluation/warm_up.ts).
warmUp();
const app = await buildApp({
  limits: config.limits,
  logger: loggerOptions(config.logLevel),
  operations: config,
});

// On SIGTERM/SIGINT: readiness goes false, the server stops accepting, in-flight
// requests finish, and the process exits 0 — or 1 if the grace period runs out.
closeWithGrace({ delay: config.shutdownGraceMs, logger: app.log }, async ({ signal, err }) => {
  app.readiness.shutDown();
  if (err) app.log.error({ err }, 'closing after an error');
  else app.log.info({ signal, graceMs: config.shutdownGraceMs }, 'shutting down: finishing in-flight requests');
  await app.close();
  app.log.info('closed');
});

// Every worker thread started and warmed before traffic, so no request waits for one to boot.
await app.ready();
await app.evaluation.warm();
await app.listen({ port: config.port, host: config.host });
