/**
 * Composition root of the server: config → logger → store → services → media workers → rooms →
 * HTTP + WebSocket. `startServer` is used by main.ts and by the integration tests alike.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import cookie from '@fastify/cookie';
import rateLimit from '@fastify/rate-limit';
import Fastify, { type FastifyBaseLogger, type FastifyInstance } from 'fastify';
import { serializerCompiler, validatorCompiler } from 'fastify-type-provider-zod';
import { resolveWorkerBin } from '../../scripts/mediasoup-worker/worker-path.mjs';
import { registerAuditRoutes } from './audit/audit-routes';
import { registerAuthRoutes } from './auth/auth-routes';
import { AuthService } from './auth/auth-service';
import { ensureAdmin } from './auth/bootstrap-admin';
import { authHook } from './auth/http-auth';
import { TokenSigner } from './auth/tokens';
import type { Config } from './config/config';
import { registerErrorHandler } from './http/errors';
import { registerHealthRoutes } from './http/health-routes';
import { registerOpenApi } from './http/openapi';
import { registerSecurityHeaders } from './http/security-headers';
import { registerStaticClient } from './http/static-client';
import { conferenceDisconnect, conferenceHandlers, type ConferenceContext } from './media/conference-handlers';
import { defaultAnnouncedAddress } from './media/network';
import { Rooms } from './media/rooms';
import { WorkerPool } from './media/worker-pool';
import { registerDirectoryRoutes } from './meetings/directory-routes';
import { DirectoryService } from './meetings/directory-service';
import { registerMeetingRoutes } from './meetings/meetings-routes';
import { MeetingsService } from './meetings/meetings-service';
import { createLogger, type Logger } from './observability/logger';
import type { Handlers } from './signaling/handlers';
import { registerSigningRoutes } from './signing/signing-routes';
import { SigningService } from './signing/signing-service';
import { SignalingEndpoint } from './signaling/ws-endpoint';
import { openStore, type Store } from './store/database';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Services {
  store: Store;
  auth: AuthService;
  directory: DirectoryService;
  meetings: MeetingsService;
  signing: SigningService;
}

export interface RunningServer extends Services {
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
  const store = await openStore({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL, logger: logger.child({ component: 'store' }) });
  let signaling: SignalingEndpoint | undefined;
  let rooms: Rooms | undefined;
  const auth = new AuthService(store.db, TokenSigner.fromDataDir(config.DATA_DIR, config.AUTH_SECRET), (sessionId) => signaling?.disconnectSession(sessionId));
  const directory = new DirectoryService(store.db, async (accountId) => {
    await auth.revokeAll(accountId);
    signaling?.disconnectAccount(accountId);
  });
  const meetings = new MeetingsService(store.db, (meetingId, status) => {
    if (status === 'ended' || status === 'cancelled') void rooms?.close(meetingId, 4004, 'meeting ended');
  });
  const signing = new SigningService(store.db, meetings, config.DATA_DIR);
  await ensureAdmin(directory, logger, config.ADMIN_PASSWORD);

  const workerBin = config.MEDIASOUP_WORKER_BIN ?? resolveWorkerBin(repoRoot) ?? undefined;
  const pool = await WorkerPool.create({
    count: config.MEDIASOUP_WORKERS,
    logLevel: config.MEDIASOUP_LOG_LEVEL,
    logger: logger.child({ component: 'media' }),
    ...(workerBin ? { workerBin } : {}),
  });
  rooms = new Rooms({
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

  const https = config.TLS_CERT_FILE && config.TLS_KEY_FILE ? { cert: fs.readFileSync(config.TLS_CERT_FILE), key: fs.readFileSync(config.TLS_KEY_FILE) } : null;
  const app = (https
    ? Fastify({ https, loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger, trustProxy: config.TRUST_PROXY, bodyLimit: 1024 * 1024 })
    : Fastify({ loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger, trustProxy: config.TRUST_PROXY, bodyLimit: 1024 * 1024 })) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerSecurityHeaders(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await registerOpenApi(app);
  app.decorateRequest('actor', null);
  app.addHook('onRequest', authHook(auth));

  registerHealthRoutes(app, pool);
  registerAuthRoutes(app, auth, config.LOGIN_RATE_PER_MINUTE);
  registerDirectoryRoutes(app, directory);
  registerMeetingRoutes(app, meetings);
  registerAuditRoutes(app, store.db);
  await registerSigningRoutes(app, signing);
  await registerStaticClient(app, config.RENDERER_DIR, logger);

  // Every feature's signaling methods, one table (features add theirs with one spread each).
  const handlers: Handlers<ConferenceContext> = {
    ...conferenceHandlers(rooms, meetings),
  };
  signaling = new SignalingEndpoint({
    handlers,
    onDisconnect: conferenceDisconnect,
    auth,
    parseCookies: (header) => app.parseCookie(header),
    heartbeatMs: config.HEARTBEAT_SECONDS * 1000,
    logger: logger.child({ component: 'signaling' }),
  });
  signaling.attach(app.server);

  await app.listen({ port: config.PORT, host: config.HOST });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `${https ? 'https' : 'http'}://${host}:${port}`;
  logger.info({ url, workers: pool.workers.length, store: store.dialect }, 'Phòng họp server listening');

  const endpoint = signaling;
  const roomsOfServer = rooms;
  return {
    app,
    url,
    port,
    pool,
    rooms: roomsOfServer,
    signaling: endpoint,
    logger,
    store,
    auth,
    directory,
    meetings,
    signing,
    async close() {
      endpoint.close();
      await roomsOfServer.closeAll();
      await app.close();
      pool.close();
      await store.close();
    },
  };
}
