/** Entry point: `npm start` / `npm run serve`. */
import { loadConfig } from './config/config';
import { createLogger } from './observability/logger';
import { startServer } from './server';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);
// A background task that failed (e.g. on a database that is restarting) is logged loudly; it must
// not end the process and with it every conference. The fault tests fail on any such log line.
process.on('unhandledRejection', (reason) => logger.error({ err: reason }, 'unhandled rejection'));

try {
  const server = await startServer(config, logger);
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    server.close().then(
      () => process.exit(0),
      (err: unknown) => {
        logger.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => stop('SIGINT'));
  process.on('SIGTERM', () => stop('SIGTERM'));
} catch (err) {
  logger.fatal({ err }, 'server failed to start');
  process.exit(1);
}
