/**
 * Server configuration, read once from the environment and validated. Every setting has a default
 * that gives a working single-machine system (`npm start`).
 */
import os from 'node:os';
import path from 'node:path';
import { z } from 'zod';

const bool = z
  .enum(['1', '0', 'true', 'false', 'yes', 'no'])
  .transform((v) => v === '1' || v === 'true' || v === 'yes');

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(8080),
  HOST: z.string().default('0.0.0.0'),
  /** Address put into ICE candidates: the server's LAN address as clients reach it. */
  ANNOUNCED_IP: z.string().optional(),
  /** Address the media sockets listen on. */
  RTC_LISTEN_IP: z.string().default('0.0.0.0'),
  RTC_MIN_PORT: z.coerce.number().int().min(1024).max(65535).default(40000),
  RTC_MAX_PORT: z.coerce.number().int().min(1024).max(65535).default(49999),
  MEDIASOUP_WORKERS: z.coerce.number().int().min(1).max(64).default(os.availableParallelism()),
  MEDIASOUP_LOG_LEVEL: z.enum(['debug', 'warn', 'error', 'none']).default('warn'),
  MEDIASOUP_WORKER_BIN: z.string().optional(),
  LOG_LEVEL: z.enum(['trace', 'debug', 'info', 'warn', 'error', 'fatal', 'silent']).default('info'),
  DATA_DIR: z.string().default(path.resolve('data')),
  RENDERER_DIR: z.string().default(path.resolve('renderer/dist')),
  /**
   * Seconds a signaling client may stay silent (no frame, no pong) before it is judged dead. Long
   * enough for a WebSocket that shares a saturated commune link with its media (seconds of queue,
   * TCP retransmissions at 5 % loss); a point that is dropped rejoins with the same identity.
   */
  HEARTBEAT_SECONDS: z.coerce.number().min(1).max(120).default(20),
  MAX_PEERS_PER_ROOM: z.coerce.number().int().min(2).max(5000).default(1000),
  /** Camera video goes to each receiver from the last N speakers only (plus pinned points, the chair, screen shares). */
  LAST_N: z.coerce.number().int().min(1).max(1000).default(25),
  /** Participants on one router before a session spreads onto another worker (joined by pipeToRouter). */
  ROUTER_MAX_PEERS: z.coerce.number().int().min(1).max(5000).default(150),
  /** Lets bridge-point operators and admins attach plain RTP endpoints (hardware codecs, gateways, the load benchmark). */
  PLAIN_RTP_ENABLED: bool.default(false),
  /** Recordings (issue 14): raw streams, timelines and archive MP4s (default DATA_DIR/recordings). */
  RECORDINGS_DIR: z.string().optional(),
  /** Archives (and their raw streams) older than this many days are deleted (0: kept forever). */
  RECORDING_RETENTION_DAYS: z.coerce.number().min(0).max(36500).default(0),
  /** Length of one raw segment file (seconds); a crash loses at most the one being written. */
  RECORDING_SEGMENT_SECONDS: z.coerce.number().int().min(2).max(600).default(30),
  /** Free space below which recording refuses to start, and a running one stops (MiB). */
  RECORDING_MIN_FREE_MB: z.coerce.number().int().min(0).default(512),
  /** Niceness of the ffmpeg that composes an archive after the meeting (background work: 15; 0 on a machine with nothing to protect). */
  RECORDING_COMPOSE_NICE: z.coerce.number().int().min(0).max(19).default(15),
  /** Live broadcast (HLS): the ffmpeg that composes it, where its playlists and segments go (default DATA_DIR/broadcast), segment length. */
  BROADCAST_FFMPEG: z.string().default('ffmpeg'),
  BROADCAST_DIR: z.string().optional(),
  BROADCAST_SEGMENT_SECONDS: z.coerce.number().int().min(1).max(6).default(1),
  /** How long a viewer's broadcast URL stays valid (hours); each request is also checked against the session and the meeting now. */
  BROADCAST_TOKEN_HOURS: z.coerce.number().min(0.1).max(48).default(12),
  /** Bearer token a Prometheus scraper may use for GET /metrics (admins' sessions work too). */
  METRICS_TOKEN: z.string().min(16).optional(),
  /**
   * TURN for networks that pass only TCP 443 (coturn with `use-auth-secret`): the shared secret,
   * and comma-separated turn:/turns: URIs handed to clients with credentials valid TURN_TTL_SECONDS.
   */
  TURN_SECRET: z.string().min(16).optional(),
  TURN_URLS: z.string().optional(),
  TURN_TTL_SECONDS: z.coerce.number().int().min(60).max(7 * 86_400).default(12 * 3600),
  /**
   * Initial outgoing bitrate (bps) of WebRTC transports: where the server's bandwidth estimate
   * for a receiver starts, and its first probes go to 3× and 6× of it. 600 kbit/s (mediasoup's
   * own default): from 1 Mbit/s the start burst (3.6 Mbit/s measured) overflowed a commune's
   * 768 kbit/s line, the estimate collapsed to ~150 kbit/s and video stayed at its lowest frame
   * rate for 20 s; from 300 kbit/s a clean link took ~9 s to leave it. See ARCHITECTURE, weak links.
   */
  INITIAL_OUTGOING_BITRATE: z.coerce.number().int().min(100_000).default(600_000),
  TRUST_PROXY: bool.default(false),
  /**
   * Origins (besides the server's own, taken from the Host header) whose pages may open the
   * WebSockets /ws and /collab: comma-separated `scheme://host[:port]`, e.g. when a reverse proxy
   * rewrites Host.
   */
  PUBLIC_ORIGINS: z.string().optional(),
  /** Login requests accepted per minute and address (failed passwords are limited separately). */
  LOGIN_RATE_PER_MINUTE: z.coerce.number().int().min(1).max(100_000).default(30),
  /** A session not refreshed for this many days ends (sliding idle expiry). */
  SESSION_IDLE_DAYS: z.coerce.number().min(0.01).max(365).default(7),
  /** No session lasts longer than this many days after its login, however often it is refreshed. */
  SESSION_MAX_DAYS: z.coerce.number().min(0.01).max(365).default(30),
  /** Stored updates of a collaboration document (annotations) above which they are compacted into one snapshot. */
  COLLAB_COMPACT_AFTER: z.coerce.number().int().min(2).max(100_000).default(200),
  /** Largest size of one collaboration document (an annotation layer, the minutes' editor), MiB; a frame may be this plus 1 MiB. */
  COLLAB_LAYER_MAX_MB: z.coerce.number().min(0.01).max(256).default(8),
  /** PostgreSQL connection URL; without it the embedded SQLite store in DATA_DIR is used. */
  DATABASE_URL: z.string().url().optional(),
  /**
   * Several servers (issue 16): the Redis that carries meeting events between them
   * (redis://host:port[/db]). Needs DATABASE_URL (PostgreSQL): the servers share its state.
   */
  REDIS_URL: z.string().url().optional(),
  /** This server's name among several (default: host name and port); unique per process. */
  SERVER_ID: z.string().regex(/^[A-Za-z0-9._:-]{1,60}$/, 'letters, digits and . _ : - (at most 60)').optional(),
  /** How long (ms) this server stays counted alive after its last renewal (the `server:<id>` lease). */
  SERVER_LEASE_TTL_MS: z.coerce.number().int().min(500).max(60_000).default(3000),
  /**
   * Several servers: the secret of the internal API between them (media pipes, issue 16 step 5);
   * default: derived from AUTH_SECRET (HMAC), which the servers share anyway for sessions.
   */
  CLUSTER_SECRET: z.string().min(32).optional(),
  /**
   * Several servers: where the others reach this server's internal API (/internal/cluster/...),
   * e.g. http://10.0.0.2:8080; default: this server's own URL on its media address.
   */
  CLUSTER_INTERNAL_URL: z.string().url().optional(),
  /**
   * Several servers: where clients reach THIS server's signaling, e.g. wss://hop.example.vn/s/a/ws
   * (the reverse proxy routes /s/a/ to this server); clients are placed on servers that have one.
   */
  CLUSTER_PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^wss?:\/\//.test(u), 'a ws:// or wss:// URL')
    .optional(),
  /** Several servers: client networks near this server (comma-separated CIDRs), preferred at placement. */
  CLUSTER_NETWORKS: z
    .string()
    .refine((s) => s.split(',').every((c) => /^[0-9a-fA-F:.]+\/\d{1,3}$/.test(c.trim())), 'comma-separated CIDRs, e.g. 10.20.0.0/16')
    .optional(),
  /** Several servers: participants a server takes before placement prefers another (meeting affinity yields). */
  CLUSTER_SERVER_CAPACITY: z.coerce.number().int().min(1).max(100_000).default(250),
  /** Secret for signing session tokens (≥ 32 bytes); made and kept in DATA_DIR when absent. */
  AUTH_SECRET: z.string().min(32).optional(),
  /** Password of the first admin account on an empty store; a one-time password is logged when absent. */
  ADMIN_PASSWORD: z.string().min(10).optional(),
  /** HTTPS certificate and key (PEM). Browsers give camera and microphone only to https pages (or localhost). */
  TLS_CERT_FILE: z.string().optional(),
  TLS_KEY_FILE: z.string().optional(),
  /** Largest document (PDF) a secretary may upload, in MiB. */
  MAX_DOCUMENT_MB: z.coerce.number().min(0.01).max(2048).default(100),
  /** PDF worker threads (pdf-jobs/): every PDF is parsed there. Default: a quarter of the cores, at least one. */
  PDF_WORKERS: z.coerce.number().int().min(1).max(64).optional(),
  /** PDF jobs that may wait for a worker; more are refused with 503. */
  PDF_QUEUE: z.coerce.number().int().min(0).max(1000).default(8),
  /** CPU seconds one PDF job (check, verify, prepare, minutes) may use before it is stopped and refused. */
  PDF_JOB_CPU_SECONDS: z.coerce.number().min(0.1).max(600).default(20),
  /** JavaScript heap of a PDF worker thread, MiB; what a job may decompress is half of it. */
  PDF_JOB_MEMORY_MB: z.coerce.number().int().min(32).max(16_384).default(512),
  /** An HTTP request's headers must be complete within this many seconds (slowloris; see http/timeouts.ts). */
  HTTP_HEADERS_TIMEOUT_SECONDS: z.coerce.number().min(1).max(600).default(20),
  /** A whole HTTP request, body included (uploads), must be received within this many seconds. */
  HTTP_REQUEST_TIMEOUT_SECONDS: z.coerce.number().min(1).max(86_400).default(300),
  /**
   * Connections the kernel holds for the server before it accepts them (listen backlog; capped by
   * net.core.somaxconn, 4096 by default since Linux 5.4). Node's default, 511, overflows when a
   * thousand live-broadcast viewers connect at once (after a network blip or a server restart): the
   * dropped SYNs are sent again only after 1, 3, 7 s (tests/bench/broadcast-viewers.ts).
   */
  HTTP_LISTEN_BACKLOG: z.coerce.number().int().min(1).max(65_535).default(4096),
});

export type Config = z.infer<typeof ConfigSchema>;

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const result = ConfigSchema.safeParse(env);
  if (!result.success) {
    const lines = result.error.issues.map((i) => `  ${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n${lines.join('\n')}`);
  }
  if (Boolean(result.data.TURN_SECRET) !== Boolean(result.data.TURN_URLS)) {
    throw new Error('Invalid configuration: TURN_SECRET and TURN_URLS go together');
  }
  if (result.data.RTC_MIN_PORT > result.data.RTC_MAX_PORT) {
    throw new Error('Invalid configuration: RTC_MIN_PORT is above RTC_MAX_PORT');
  }
  if (result.data.REDIS_URL && !result.data.DATABASE_URL) {
    throw new Error('Invalid configuration: REDIS_URL (several servers) needs DATABASE_URL: the servers share their state in PostgreSQL, not in the single-server SQLite store');
  }
  if (result.data.DATABASE_URL && result.data.REDIS_URL && !/^postgres(ql)?:/.test(result.data.DATABASE_URL)) {
    throw new Error('Invalid configuration: with REDIS_URL, DATABASE_URL must be a postgres:// URL');
  }
  return result.data;
}

/** This server's id among several: SERVER_ID, else the host name and port. */
export function serverIdOf(config: Config, port: number = config.PORT): string {
  // Port 0 (any free port, tests): the process id keeps two such servers apart.
  return config.SERVER_ID ?? `${os.hostname()}:${port || `pid${process.pid}`}`.slice(0, 60);
}
