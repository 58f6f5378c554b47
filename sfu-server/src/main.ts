/** Entry point: `npm start` / `npm run serve`. */
import { loadConfig } from './config/config';
import { createLogger } from './observability/logger';
import { startServer } from './server';

const config = loadConfig();
const logger = createLogger(config.LOG_LEVEL);

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
