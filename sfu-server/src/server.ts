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
import { attendanceHandlers } from './attendance/attendance-handlers';
import { AttendanceService } from './attendance/attendance-service';
import { registerAuditRoutes } from './audit/audit-routes';
import { registerAuthRoutes } from './auth/auth-routes';
import { AccessChanges } from './access/access-changes';
import { currentActor } from './access/current-actor';
import { recheckSignaling } from './access/signaling-recheck';
import { CollabAccess } from './collab/collab-access';
import { defaultBudget } from './collab/collab-budget';
import { CollabEndpoint } from './collab/collab-endpoint';
import { CollabStore } from './collab/collab-store';
import { DOCUMENT_PREFIX, documentLayersResolver } from './collab/document-layers';
import { MINUTES_PREFIX, minutesResolver } from './minutes/minutes-collab';
import { registerMinutesRoutes } from './minutes/minutes-routes';
import { MinutesService } from './minutes/minutes-service';
import { AuthService } from './auth/auth-service';
import { ensureAdmin } from './auth/bootstrap-admin';
import { authHook } from './auth/http-auth';
import { TokenSigner } from './auth/tokens';
import type { MeetingStatus } from '../../common/api/model';
import type { Config } from './config/config';
import type { DocumentAccess } from './documents/access';
import { registerDocumentRoutes } from './documents/documents-routes';
import { DocumentsService } from './documents/documents-service';
import { FileStore } from './documents/file-store';
import { Presentations, presentationHandlers } from './documents/presentation-handlers';
import { floorHandlers } from './floor/floor-handlers';
import { FloorService } from './floor/floor-service';
import { registerBodyGuard } from './http/body-guard';
import { registerErrorHandler } from './http/errors';
import { registerHealthRoutes } from './http/health-routes';
import { registerOpenApi } from './http/openapi';
import { registerSecurityHeaders } from './http/security-headers';
import { registerStaticClient } from './http/static-client';
import { cutClientConnection, httpTimeouts } from './http/timeouts';
import { parseTurnUrls } from './turn/turn-credentials';
import { parsePublicOrigins } from './http/origin-check';
import { UpgradeRouter } from './http/upgrade-router';
import { conferenceDisconnect, conferenceHandlers, type ConferenceContext } from './media/conference-handlers';
import { mediaControlHandlers } from './media/media-control-handlers';
import { linkHandlers } from './points/link-handlers';
import { LinkMonitor } from './points/link-monitor';
import { pointsHandlers } from './points/points-handlers';
import { PointsService } from './points/points-service';
import { MediaMetricsService } from './media/media-metrics';
import { registerMetricsRoutes } from './media/metrics-routes';
import { defaultAnnouncedAddress } from './media/network';
import { Rooms } from './media/rooms';
import { WorkerPool } from './media/worker-pool';
import { registerDirectoryRoutes } from './meetings/directory-routes';
import { DirectoryService } from './meetings/directory-service';
import { registerMeetingRoutes } from './meetings/meetings-routes';
import { MeetingWatch } from './meetings/meeting-watch';
import { meetingWatchHandlers } from './meetings/meeting-watch-handlers';
import { MeetingsService } from './meetings/meetings-service';
import { EventLoopDelay } from './observability/event-loop-delay';
import { createLogger, type Logger } from './observability/logger';
import { PdfJobs, pdfJobLimitsFrom } from './pdf-jobs/pdf-jobs';
import type { Handlers } from './signaling/handlers';
import { registerSigningRoutes } from './signing/signing-routes';
import { SigningService } from './signing/signing-service';
import { SignalingEndpoint } from './signaling/ws-endpoint';
import { openStore, type Store } from './store/database';
import { registerVotingRoutes } from './voting/voting-routes';
import { votingHandlers } from './voting/voting-handlers';
import { VotingService } from './voting/voting-service';
import { ChatService } from './chat/chat-service';
import { registerBroadcastRoutes } from './broadcast/broadcast-routes';
import { BroadcastService } from './broadcast/broadcast-service';
import { ViewersService } from './broadcast/viewers-service';
import { WatchTokens } from './broadcast/watch-token';
import { chatHandlers } from './chat/chat-handlers';
import { recordingHandlers } from './recording/recording-handlers';
import { registerRecordingRoutes } from './recording/recording-routes';
import { RecordingService } from './recording/recording-service';
import { ChatBridge } from './cluster/chat-bridge';
import { CollabBridge } from './cluster/collab-bridge';
import { ClusterNode } from './cluster/cluster-node';
import { FloorBridge } from './cluster/floor-bridge';
import { MeetingBridge } from './cluster/meeting-bridge';
import { PresenceBridge } from './cluster/presence-bridge';
import { MeetingHomes } from './cluster/meeting-home';
import { DeadServerRows } from './cluster/presence-rows';
import { registerClusterMetrics } from './cluster/cluster-metrics';
import { clusterSecret, InternalClient } from './cluster/internal-api';
import { MediaBridge } from './cluster/media-bridge';
import { ServerRegistry } from './cluster/server-registry';
import { VoteBridge } from './cluster/vote-bridge';
import { Drain } from './cluster/drain';
import { ClusterPlacement, registerPlacementRoutes } from './cluster/placement-routes';
import { serverIdOf } from './config/config';

const repoRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');

export interface Services {
  store: Store;
  auth: AuthService;
  directory: DirectoryService;
  meetings: MeetingsService;
  /** The meeting pack; also the `DocumentAccess` other capabilities ask. */
  documents: DocumentsService;
  voting: VotingService;
  chat: ChatService;
  signing: SigningService;
  minutes: MinutesService;
}

/** Capabilities given from outside (tests) or wired from other branches at merge. */
export interface ServerDeps {
  /** Who may read which document (default: the documents service). */
  documentAccess?: DocumentAccess;
}

export interface RunningServer extends Services {
  app: FastifyInstance;
  url: string;
  port: number;
  pool: WorkerPool;
  rooms: Rooms;
  signaling: SignalingEndpoint;
  floor: FloorService;
  attendance: AttendanceService;
  recordings: RecordingService;
  collab: CollabEndpoint;
  collabAccess: CollabAccess;
  meetingWatch: MeetingWatch;
  /** The live broadcast (HLS) and its watch-only viewers. */
  broadcast: BroadcastService;
  /** Access changes (documents, invitations, accounts): open connections are checked again. */
  accessChanges: AccessChanges;
  logger: Logger;
  /** Several servers (REDIS_URL set): this server's node and who is on the others; absent on one server. */
  cluster?: { node: ClusterNode; presence: PresenceBridge; homes?: MeetingHomes | undefined; media?: MediaBridge | undefined } | undefined;
  close(): Promise<void>;
}

/** Several servers: how often a server writes its row (load, drain) in `cluster_servers`. */
const HEARTBEAT_MS = 1_000;

/** How long in-flight HTTP requests may take to finish when the server closes. */
const CLOSE_GRACE_MS = 5_000;

export async function startServer(config: Config, logger: Logger = createLogger(config.LOG_LEVEL), deps: ServerDeps = {}): Promise<RunningServer> {
  const store = await openStore({ dataDir: config.DATA_DIR, databaseUrl: config.DATABASE_URL, logger: logger.child({ component: 'store' }) });
  // Several servers (issue 16): the meeting event bus, the leases and this server's liveness lease.
  const clusterLog = logger.child({ component: 'cluster' });
  let presenceBridge: PresenceBridge | undefined;
  const cluster = config.REDIS_URL
    ? await ClusterNode.start({
        redisUrl: config.REDIS_URL,
        serverId: serverIdOf(config),
        db: store.db,
        leaseTtlMs: config.SERVER_LEASE_TTL_MS,
        logger: clusterLog,
        // The others count this server dead now: its participants rejoin (to another server once
        // joins are placed, wiring step 6) and are announced again.
        onLivenessLost: () => void rooms?.list().then((all) => all.forEach((room) => void rooms?.close(room.name, 4010, 'server lost its place in the cluster'))),
      }).catch(async (err: unknown) => {
        await store.close();
        throw err;
      })
    : undefined;
  const voteBridge = cluster ? new VoteBridge(cluster.bus, store.db, clusterLog) : undefined;
  let signaling: SignalingEndpoint | undefined;
  let rooms: Rooms | undefined;
  let collab: CollabEndpoint | undefined;
  const auth = new AuthService(
    store.db,
    TokenSigner.fromDataDir(config.DATA_DIR, config.AUTH_SECRET),
    (sessionId) => {
      signaling?.disconnectSession(sessionId);
      collab?.disconnectSession(sessionId);
    },
    { idleSeconds: config.SESSION_IDLE_DAYS * 86_400, maxSeconds: config.SESSION_MAX_DAYS * 86_400 },
  );
  // Changes of who may do what reach the open connections at once (access/).
  const accessChanges = new AccessChanges(logger.child({ component: 'access' }));
  const directory = new DirectoryService(
    store.db,
    async (accountId) => {
      await auth.revokeAll(accountId);
      signaling?.disconnectAccount(accountId);
      collab?.disconnectAccount(accountId);
    },
    accessChanges,
  );
  let voting: VotingService | undefined;
  let floor: FloorService | undefined;
  let recordings: RecordingService | undefined;
  let broadcast: BroadcastService | undefined;
  // Meeting pages open without joining the room get told which part changed.
  const meetingWatch = new MeetingWatch();
  const onMeetingStatus = (meetingId: string, status: MeetingStatus) => {
    meetingWatch.changed(meetingId, 'meeting');
    if (status === 'ended' || status === 'cancelled') {
      // Open votes close with what was cast before the room goes.
      void (voting?.meetingEnded(meetingId) ?? Promise.resolve())
        .catch((err: unknown) => logger.error({ err, meetingId }, 'closing the votes of an ended meeting failed'))
        .finally(() => rooms?.close(meetingId, 4004, 'meeting ended'));
      // The last speaking turn ends with the meeting (the minutes show until when).
      void (floor?.meetingEnded(meetingId) ?? Promise.resolve()).catch((err: unknown) => logger.error({ err, meetingId }, 'ending the speaking turn of an ended meeting failed'));
      // Its recording stops and the archive is composed in the background.
      void (recordings?.meetingEnded(meetingId) ?? Promise.resolve()).catch((err: unknown) => logger.error({ err, meetingId }, 'stopping the recording of an ended meeting failed'));
      void (broadcast?.meetingEnded(meetingId) ?? Promise.resolve()).catch((err: unknown) => logger.error({ err, meetingId }, 'ending the broadcast of an ended meeting failed'));
    }
    collab?.meetingChanged(meetingId);
  };
  // Several servers: a status stored here is applied by the others too (and theirs here).
  const meetingBridge = cluster ? new MeetingBridge(cluster.bus, clusterLog, onMeetingStatus) : undefined;
  const meetings = new MeetingsService(
    store.db,
    (meetingId, status) => {
      onMeetingStatus(meetingId, status);
      meetingBridge?.changed(meetingId, status);
    },
    accessChanges,
  );
  // Every PDF is parsed off the main thread, in worker threads with limits (pdf-jobs/).
  const pdfLog = logger.child({ component: 'pdf-jobs' });
  const pdfJobs = new PdfJobs(pdfJobLimitsFrom(config), (msg, fields) => pdfLog.warn(fields, msg));
  const eventLoop = new EventLoopDelay();
  const signing = new SigningService(store.db, meetings, config.DATA_DIR, (meetingId) => meetingWatch.changed(meetingId, 'signatures'), pdfJobs);
  await ensureAdmin(directory, logger, config.ADMIN_PASSWORD);
  const documentFiles = new FileStore(config.DATA_DIR);
  await documentFiles.init();
  const documents = new DocumentsService(store.db, meetings, documentFiles, Math.round(config.MAX_DOCUMENT_MB * 1024 * 1024), (meetingId, name, data, filter) => {
    rooms?.broadcast(meetingId, name, data, filter ? (peer) => filter(peer.identity) : undefined);
    meetingWatch.changed(meetingId, name === 'docComment' ? 'comments' : 'pack');
  }, pdfJobs);

  const workerBin = config.MEDIASOUP_WORKER_BIN ?? resolveWorkerBin(repoRoot) ?? undefined;
  const pool = await WorkerPool.create({
    count: config.MEDIASOUP_WORKERS,
    logLevel: config.MEDIASOUP_LOG_LEVEL,
    logger: logger.child({ component: 'media' }),
    ...(workerBin ? { workerBin } : {}),
  });
  const roomsRef = () => rooms;
  const presence = {
    peers: (meetingId: string) => {
      const here = [...(roomsRef()?.find(meetingId)?.peers.values() ?? [])].map((p) => ({ accountId: p.identity.accountId, role: p.identity.role, displayName: p.identity.displayName, pointName: p.identity.pointName, notify: p.notify, sendFrame: p.sendFrame }));
      // Several servers: the participants on the others count too (their own server tells them).
      return presenceBridge ? [...here, ...presenceBridge.presentPeers(meetingId)] : here;
    },
  };
  // Attendance needs the rooms, made below; votes ask it who is present only once running.
  let attendanceRef: AttendanceService | undefined;
  const attended = { presentIds: async (meetingId: string) => (await attendanceRef?.presentIds(meetingId)) ?? new Set<string>() };
  // Several servers: each meeting's home (its `meeting:<id>` lease) runs the vote timers (cluster/meeting-home.ts).
  let homes: MeetingHomes | undefined;
  const voteHome = cluster ? { isHome: (m: string) => homes?.isHome(m) ?? false, fence: (tx: Parameters<MeetingHomes['fence']>[0], m: string) => (homes ? homes.fence(tx, m) : Promise.reject(new Error('no meeting homes yet'))) } : undefined;
  voting = new VotingService({ db: store.db, postgres: store.dialect === 'postgres', meetings, presence, attendance: attended, logger: logger.child({ component: 'voting' }), onProgress: voteBridge?.progress, onUpdated: voteBridge?.updated, home: voteHome });
  if (voteBridge) voteBridge.voting = voting;
  await voting.start();
  const chatBridge = cluster ? new ChatBridge(cluster.bus, roomsRef, clusterLog) : undefined;
  const chat = new ChatService({ db: store.db, meetings, presence, onStored: chatBridge?.stored });
  rooms = new Rooms({
    pool,
    maxPeersPerRoom: config.MAX_PEERS_PER_ROOM,
    lastN: config.LAST_N,
    maxPeersPerRouter: config.ROUTER_MAX_PEERS,
    logger: logger.child({ component: 'rooms' }),
    transport: {
      listenIp: config.RTC_LISTEN_IP,
      announcedAddress: config.ANNOUNCED_IP ?? defaultAnnouncedAddress(config.RTC_LISTEN_IP),
      portRange: { min: config.RTC_MIN_PORT, max: config.RTC_MAX_PORT },
      initialAvailableOutgoingBitrate: config.INITIAL_OUTGOING_BITRATE,
    },
  });

  if (cluster) presenceBridge = new PresenceBridge({ bus: cluster.bus, rooms, alive: (id) => cluster.alive(id), sweepEveryMs: Math.max(250, Math.round(config.SERVER_LEASE_TTL_MS / 3)), logger: clusterLog });
  if (cluster) homes = new MeetingHomes({ leases: cluster.leases, rooms, serverId: cluster.serverId, ttlMs: config.SERVER_LEASE_TTL_MS, logger: clusterLog });
  // Several servers: media between them through pipe transports (cluster/media-bridge.ts), set up over the internal API.
  const mediaIp = config.ANNOUNCED_IP ?? defaultAnnouncedAddress(config.RTC_LISTEN_IP) ?? config.RTC_LISTEN_IP;
  const internalSecret = cluster ? clusterSecret(config) : undefined;
  const serverRegistry = cluster ? new ServerRegistry(store.db) : undefined;
  // Several servers: where clients are placed, and this server's drain (cluster/placement.ts, drain.ts).
  const placement = cluster && serverRegistry ? new ClusterPlacement({ registry: serverRegistry, capacity: config.CLUSTER_SERVER_CAPACITY, staleMs: 2 * HEARTBEAT_MS + 500 }) : undefined;
  const drain = cluster ? new Drain({ contexts: () => signaling?.contexts ?? [], logger: clusterLog }) : undefined;
  if (cluster && !internalSecret) clusterLog.error('no CLUSTER_SECRET or AUTH_SECRET: the servers cannot call each other, so no media crosses between them (set the same AUTH_SECRET on every server)');
  const mediaBridge =
    cluster && presenceBridge && serverRegistry && internalSecret
      ? new MediaBridge({
          serverId: cluster.serverId,
          bus: cluster.bus,
          rooms,
          presence: presenceBridge,
          registry: serverRegistry,
          client: new InternalClient(cluster.serverId, internalSecret, serverRegistry),
          listen: { listenIp: config.RTC_LISTEN_IP, announcedAddress: config.ANNOUNCED_IP ?? defaultAnnouncedAddress(config.RTC_LISTEN_IP), portRange: { min: config.RTC_MIN_PORT, max: config.RTC_MAX_PORT } },
          logger: clusterLog,
        })
      : undefined;
  const attendance = new AttendanceService(store.db, rooms, logger.child({ component: 'attendance' }), cluster?.serverId);
  // Several servers: presences an earlier run of this SERVER_ID left open (a crash) end now, in every meeting.
  if (cluster) await attendance.closeOwnOpenRows();
  attendanceRef = attendance;
  // Several servers: attendance follows the participants of the other servers too (their server stores the rows).
  presenceBridge?.onDiff((meetingId, diff) => {
    for (const p of diff.left) attendance.remotePresence(meetingId, p, 'left');
    for (const p of diff.joined) attendance.remotePresence(meetingId, p, 'joined');
  });
  // Several servers: the home arms its meetings' vote timers and closes the presence rows of dead servers.
  const deadRows = cluster && homes ? new DeadServerRows({ db: store.db, serverId: cluster.serverId, leases: cluster.leases, homes, attendance, alive: (id) => cluster.alive(id), logger: clusterLog }) : undefined;
  homes?.onAcquired((meetingId) => {
    voting?.armMeeting(meetingId).catch((err: unknown) => clusterLog.error({ err, meetingId }, 'meeting home: vote timers not armed'));
    void deadRows?.acquired(meetingId);
  });
  homes?.onLost((meetingId) => voting?.disarmMeeting(meetingId));
  presenceBridge?.onServerDropped((server, meetingIds) => deadRows?.dropped(server, meetingIds));
  floor = new FloorService({ db: store.db, rooms, logger: logger.child({ component: 'floor' }), recentlyPresent: (m, a) => attendance.recentlyPresent(m, a) });
  if (cluster && presenceBridge) new FloorBridge(cluster.bus, store.db, rooms, presenceBridge, floor, clusterLog);
  // Recording (recording/): raw streams out of the SFU while the meeting runs, the archive after it.
  const floorOfServer = floor;
  recordings = new RecordingService({
    db: store.db,
    meetings,
    rooms,
    dir: config.RECORDINGS_DIR ?? path.join(config.DATA_DIR, 'recordings'),
    segmentSeconds: config.RECORDING_SEGMENT_SECONDS,
    minFreeMb: config.RECORDING_MIN_FREE_MB,
    retentionDays: config.RECORDING_RETENTION_DAYS,
    composeNice: config.RECORDING_COMPOSE_NICE,
    floorHolder: async (meetingId) => {
      const holder = (await floorOfServer.model(meetingId)).holder;
      return holder ? { accountId: holder.accountId, displayName: holder.displayName, pointName: holder.pointName } : null;
    },
    logger: logger.child({ component: 'recording' }),
  });
  await recordings.init();
  const recordingsOfServer = recordings;
  const roomsForBroadcast = rooms;
  broadcast = new BroadcastService({
    db: store.db,
    meetings,
    rooms,
    floor,
    tokens: WatchTokens.fromDataDir(config.DATA_DIR),
    dir: config.BROADCAST_DIR ?? path.join(config.DATA_DIR, 'broadcast'),
    ffmpegBin: config.BROADCAST_FFMPEG,
    segmentSeconds: config.BROADCAST_SEGMENT_SECONDS,
    tokenHours: config.BROADCAST_TOKEN_HOURS,
    logger: logger.child({ component: 'broadcast' }),
    changed: (meetingId, on, since) => {
      roomsForBroadcast.broadcast(meetingId, 'broadcast.changed', { meetingId, on, since });
      meetingWatch.changed(meetingId, 'broadcast');
    },
  });
  // Broadcasts that were on when the server stopped or crashed come back on (their meetings still live).
  await broadcast.init();
  const broadcastOfServer = broadcast;

  // Slowloris: headers and whole requests have time limits (Fastify's default turned Node's off).
  const timeouts = httpTimeouts(config);
  const https = config.TLS_CERT_FILE && config.TLS_KEY_FILE ? { cert: fs.readFileSync(config.TLS_CERT_FILE), key: fs.readFileSync(config.TLS_KEY_FILE) } : null;
  const app = (https
    ? Fastify({ https: { ...https, ...timeouts.node }, requestTimeout: timeouts.requestTimeout, clientErrorHandler: cutClientConnection, loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger, trustProxy: config.TRUST_PROXY, bodyLimit: 1024 * 1024 })
    : Fastify({ http: timeouts.node, requestTimeout: timeouts.requestTimeout, clientErrorHandler: cutClientConnection, loggerInstance: logger.child({ component: 'http' }) as FastifyBaseLogger, trustProxy: config.TRUST_PROXY, bodyLimit: 1024 * 1024 })) as unknown as FastifyInstance;
  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  registerErrorHandler(app);
  registerSecurityHeaders(app);
  await app.register(cookie);
  await app.register(rateLimit, { global: false });
  await registerOpenApi(app);
  app.decorateRequest('actor', null);
  // Every TCP socket (HTTP, HTTPS underneath TLS, or upgraded to a WebSocket), so close() can cut the ones that outlive its grace period.
  const openSockets = new Set<import('node:net').Socket>();
  app.server.on('connection', (socket: import('node:net').Socket) => {
    openSockets.add(socket);
    socket.once('close', () => openSockets.delete(socket));
  });
  // The broadcast's files are authorised by the token in their path (broadcast/), not the session cookie: no session lookup per segment.
  const sessionHook = authHook(auth);
  app.addHook('onRequest', async (req) => (req.url.startsWith('/live/') ? void (req.actor = null) : sessionHook(req)));
  // Bodies are read only from callers known and allowed (every POST/PUT/PATCH route registered below).
  registerBodyGuard(app, pdfJobs);

  registerHealthRoutes(app, pool);
  registerAuthRoutes(app, auth, config.LOGIN_RATE_PER_MINUTE);
  registerDirectoryRoutes(app, directory);
  registerMeetingRoutes(app, meetings);
  registerPlacementRoutes(app, {
    meetings,
    db: store.db,
    cluster: cluster && serverRegistry && placement && drain ? { placement, registry: serverRegistry, serverId: cluster.serverId, onDrain: (d) => drain.update(d) } : undefined,
  });
  registerAuditRoutes(app, store.db);
  await registerDocumentRoutes(app, documents);
  registerVotingRoutes(app, voting);
  const mediaMetrics = new MediaMetricsService(pool, rooms, { eventLoop, pdfJobs });
  if (cluster && presenceBridge && homes && deadRows) {
    const bridge = presenceBridge;
    registerClusterMetrics(mediaMetrics.registry, { serverId: cluster.serverId, bus: cluster.bus, liveness: cluster.liveness, homes, rooms, remote: (m) => bridge.remote.peers(m), deadRowsClosed: () => deadRows.closed, drain });
  }
  registerMetricsRoutes(app, mediaMetrics, config.METRICS_TOKEN);
  if (mediaBridge && internalSecret) mediaBridge.register(app, internalSecret);
  await registerSigningRoutes(app, signing);
  const minutes = new MinutesService({
    db: store.db,
    meetings,
    signing,
    pdfJobs,
    collabState: (name) => (collab ? collab.state(name) : Promise.reject(new Error('collaboration is not running'))),
    addToPack: (...args) => documents.addFromCapability(...args),
  });
  // Fully signed minutes go into the meeting's pack; a failure there is logged, the signature stays.
  signing.onFullySigned = (doc) => minutes.fullySigned(doc).catch((err: unknown) => logger.error({ err, documentId: doc.id }, 'putting the signed minutes into the pack failed'));
  registerMinutesRoutes(app, minutes);
  registerRecordingRoutes(app, recordingsOfServer);
  registerBroadcastRoutes(app, broadcastOfServer, new ViewersService(store.db, meetings, accessChanges), meetings);
  await registerStaticClient(app, config.RENDERER_DIR, logger);

  // Each point's link quality, for the chair and hosts (points panel, tiles).
  const linkMonitor = new LinkMonitor(rooms, meetings);
  // Every feature's signaling methods, one table (features add theirs with one spread each).
  const handlers: Handlers<ConferenceContext> = {
    ...conferenceHandlers(rooms, meetings),
    ...presentationHandlers(new Presentations(rooms), meetings, documents),
    ...votingHandlers(voting),
    ...chatHandlers(chat),
    ...floorHandlers(floor, meetings),
    ...attendanceHandlers(attendance, meetings),
    ...mediaControlHandlers({ plainRtp: config.PLAIN_RTP_ENABLED }),
    ...pointsHandlers(new PointsService(store.db, meetings, undefined, linkMonitor, presenceBridge ? (meetingId) => presenceBridge!.remote.peers(meetingId) : null)),
    ...linkHandlers(linkMonitor, config.TURN_SECRET && config.TURN_URLS ? { secret: config.TURN_SECRET, urls: parseTurnUrls(config.TURN_URLS), ttlSeconds: config.TURN_TTL_SECONDS } : null),
    ...meetingWatchHandlers(meetingWatch, meetings),
    ...recordingHandlers(recordingsOfServer),
  };
  // Several servers: the join answer lists the participants on the other servers too.
  if (presenceBridge && handlers.join) handlers.join = presenceBridge.wrapJoin(handlers.join);
  // A draining server turns joins away (close 4011: the client asks for a placement again at once).
  if (drain && handlers.join) handlers.join = drain.wrapJoin(handlers.join);
  signaling = new SignalingEndpoint({
    handlers,
    onDisconnect: (ctx) => {
      conferenceDisconnect(ctx);
      meetingWatch.drop(ctx);
    },
    auth,
    parseCookies: (header) => app.parseCookie(header),
    heartbeatMs: config.HEARTBEAT_SECONDS * 1000,
    logger: logger.child({ component: 'signaling' }),
  });

  // Annotations (and later features' shared documents) over the y-websocket protocol at /collab/<name>.
  const collabAccess = new CollabAccess().register(
    DOCUMENT_PREFIX,
    documentLayersResolver(deps.documentAccess ?? documents, async (meetingId) => {
      const row = await store.db.selectFrom('meetings').select(['status', 'chair_id', 'secretary_id']).where('id', '=', meetingId).executeTakeFirst();
      return row ? { status: row.status as MeetingStatus, chairId: row.chair_id, secretaryId: row.secretary_id } : null;
    }, async (actor, meetingId) => (await meetings.facts(actor, meetingId)).watchOnly === true),
  ).register(MINUTES_PREFIX, minutesResolver(meetings));
  collab = new CollabEndpoint({
    auth,
    access: collabAccess,
    // Several servers append to one document: a compaction then replaces only the rows it read.
    store: new CollabStore(store.db, cluster !== undefined),
    parseCookies: (header) => app.parseCookie(header),
    compactAfter: config.COLLAB_COMPACT_AFTER,
    budget: defaultBudget(Math.round(config.COLLAB_LAYER_MAX_MB * 1024 * 1024)),
    currentActor: (was) => currentActor(store.db, was),
    logger: logger.child({ component: 'collab' }),
    // Several servers: each document's copies on the servers are kept together through the bus.
    relay: cluster ? new CollabBridge(cluster.bus, clusterLog) : undefined,
  });
  documents.accessChanges = accessChanges;
  const collabOfServer = collab;
  const signalingOfServer = signaling;
  accessChanges.subscribe((change) => collabOfServer.recheck(change));
  accessChanges.subscribe((change) => recheckSignaling(change, signalingOfServer.contexts, { meetings, watch: meetingWatch, currentActor: (was) => currentActor(store.db, was) }));
  // Upgrades from another site's pages are refused (403): the session cookie would ride along.
  const originPolicy = { publicOrigins: parsePublicOrigins(config.PUBLIC_ORIGINS), trustProxy: config.TRUST_PROXY };
  new UpgradeRouter(originPolicy, (req, reason) => logger.warn({ url: req.url, origin: req.headers.origin, reason }, 'WebSocket upgrade refused: foreign origin'))
    .add(signaling)
    .add(collab)
    .attach(app.server);

  await app.listen({ port: config.PORT, host: config.HOST, backlog: config.HTTP_LISTEN_BACKLOG });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.PORT;
  const host = config.HOST === '0.0.0.0' || config.HOST === '::' ? '127.0.0.1' : config.HOST;
  const url = `${https ? 'https' : 'http'}://${host}:${port}`;
  if (cluster && serverRegistry) {
    // Where the others reach this server (its internal API and media address), once it listens.
    const internalUrl = config.CLUSTER_INTERNAL_URL ?? `${https ? 'https' : 'http'}://${config.HOST === '0.0.0.0' || config.HOST === '::' ? mediaIp : config.HOST}:${port}`;
    await serverRegistry.ensureSchema();
    const networks = config.CLUSTER_NETWORKS ? config.CLUSTER_NETWORKS.split(',').map((c) => c.trim()) : [];
    // The heartbeat: its load for placement, and whether an admin drained it.
    const load = async () => {
      const meetingsHere: Record<string, number> = {};
      let participants = 0;
      for (const room of await rooms.list()) {
        meetingsHere[room.name] = room.peers.size;
        participants += room.peers.size;
      }
      return { participants, meetings: meetingsHere };
    };
    await serverRegistry.start({ id: cluster.serverId, internalUrl, mediaIp, publicUrl: config.CLUSTER_PUBLIC_URL ?? `${https ? 'wss' : 'ws'}://${new URL(internalUrl).host}/ws`, networks }, HEARTBEAT_MS, (err) => clusterLog.warn({ err: { message: (err as Error).message } }, 'cluster: this server’s heartbeat not written'), {
      load,
      onDraining: (d, asOf) => drain?.update(d, asOf),
    });
  }
  logger.info({ url, workers: pool.workers.length, store: store.dialect }, 'Phòng họp server listening');

  const endpoint = signaling;
  const votingOfServer = voting;
  const collabEndpoint = collab;
  const roomsOfServer = rooms;
  return {
    app,
    url,
    port,
    pool,
    rooms: roomsOfServer,
    signaling: endpoint,
    floor,
    attendance,
    recordings: recordingsOfServer,
    collab: collabEndpoint,
    collabAccess,
    meetingWatch,
    broadcast: broadcastOfServer,
    accessChanges,
    logger,
    cluster: cluster && presenceBridge ? { node: cluster, presence: presenceBridge, homes, media: mediaBridge } : undefined,
    store,
    auth,
    directory,
    meetings,
    documents,
    voting: votingOfServer,
    chat,
    signing,
    minutes,
    async close() {
      votingOfServer.stop();
      endpoint.close();
      await collabEndpoint.close();
      linkMonitor.close();
      await recordingsOfServer.close();
      await broadcastOfServer.close();
      await roomsOfServer.closeAll();
      await presenceBridge?.close();
      // The meetings' home leases are given up: the other servers carrying them take them now.
      await homes?.close();
      serverRegistry?.stop();
      // The liveness lease is given up: the other servers drop this one's participants at once.
      await cluster?.close();
      // Requests in flight get a few seconds to finish; then every socket still open (a request
      // stuck behind a dead peer, a WebSocket whose close handshake never completes) is cut, so
      // a shutdown or restart never hangs on one client.
      const cutStragglers = setTimeout(() => {
        for (const socket of openSockets) socket.destroy();
      }, CLOSE_GRACE_MS);
      await app.close();
      clearTimeout(cutStragglers);
      pool.close();
      await pdfJobs.close();
      eventLoop.close();
      await store.close();
    },
  };
}
