/**
 * Composition root of the server: config → logger → media workers → rooms → HTTP + WebSocket.
 * `startServer` is used by main.ts and by the integration tests alike.
 */
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { resolveWorkerBin } from '../../scripts/mediasoup-worker/worker-path.mjs';
import type { Config } from './config/config';
import { registerHealthRoutes } from './http/health-routes';
import { registerSecurityHeaders } from './http/security-headers';
import { registerStaticClient } from './http/static-client';
import { conferenceDisconnect, conferenceHandlers } from './media/conference-handlers';
import { defaultAnnouncedAddress } from './media/network';
import { Rooms } from './media/rooms';
import { WorkerPool } from './media/worker-pool';
import { createLogger, type Logger } from './observability/logger';
import { SignalingEndpoint } from './signaling/ws-endpoint';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface RunningServer {
  app: FastifyInstance;
  url: string;
  port: number;
  pool: WorkerPool;
  rooms: Rooms;
  signaling: SignalingEndpoint;
  logger: Logger;
  close(): Promise<void>;
}

export async function startServer(config: Config, logger: Logger = createLogger(config.LOG_LEVEL)): Promise<RunningServer> {
  const workerBin = config.MEDIASOUP_WORKER_BIN ?? resolveWorkerBin(repoRoot) ?? undefined;
  const pool = await WorkerPool.create({
    count: config.MEDIASOUP_WORKERS,
    logLevel: config.MEDIASOUP_LOG_LEVEL,
    logger: logger.child({ component: 'media' }),
    ...(workerBin ? { workerBin } : {}),
  });
  const rooms = new Rooms({
    pool,
    maxPeersPerRoom: config.MAX_PEERS_PER_ROOM,
    logger: logger.child({ component: 'rooms' }),
    transport: {
      listenIp: config.RTC_LISTEN_IP,
      announcedAddress: config.ANNOUNCED_IP ?? defaultAnnouncedAddress(config.RTC_LISTEN_IP),
      portRange: { min: config.RTC_MIN_PORT, max: config.RTC_MAX_PORT },
      initialAvailableOutgoingBitrate: config.INITIAL_OUTGOING_BITRATE,
    },
  });

  const app = Fastify({ loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger, trustProxy: config.TRUST_PROXY, bodyLimit: 1024 * 1024 });
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerSecurityHeaders(app);
  registerHealthRoutes(app, pool);
  await registerStaticClient(app, config.RENDERER_DIR, logger);

  const signaling = new SignalingEndpoint({
    handlers: conferenceHandlers(rooms),
    onDisconnect: conferenceDisconnect,
    heartbeatMs: config.HEARTBEAT_SECONDS * 1000,
    logger: logger.child({ component: 'signaling' }),
  });
  signaling.attach(app.server);

  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `http://${host}:${port}`;
  logger.info({ url, workers: pool.workers.length }, 'Phòng họp server listening');

  return {
    app,
    url,
    port,
    pool,
    rooms,
    signaling,
    logger,
    async close() {
      signaling.close();
      await rooms.closeAll();
      await app.close();
      pool.close();
    },
  };
}
