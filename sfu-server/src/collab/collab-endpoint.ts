/**
 * The collaboration WebSocket endpoint: `/collab/<document name>`, speaking the y-websocket
 * protocol (sync + awareness from y-protocols), so a stock `WebsocketProvider` pointed at
 * `<server>/collab` with the document name as its room works.
 *
 * Authentication: the same access token as the rest — cookie `ph_access`, `Authorization: Bearer`,
 * or, for clients that cannot set headers (browsers' WebSocket, stock y-websocket), an
 * `access_token` query parameter. Missing or invalid → HTTP 401, no upgrade.
 * Authorization: the name's resolver (CollabAccess). Refused → the socket is upgraded and closed
 * at once with 4400 (bad name) or 4403 (forbidden); nothing of the document is sent.
 *
 * Documents are loaded on the first connection and unloaded (after compaction) when the last one
 * leaves, so memory holds only documents someone has open.
 *
 * Budgets (collab-budget.ts): frames above `maxMessageBytes` close with 1009; more messages or bytes
 * per second than allowed close with 4429; an update that would overfill the layer closes with 4413.
 * Connections sent nothing for `keepaliveMs` get an empty awareness message (3 bytes), so a stock
 * client (which drops a connection silent for 30 s) stays connected without its awareness being
 * echoed back to it.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import * as Y from 'yjs';
import type { AccessChange } from '../access/access-changes';
import { actorChanged } from '../access/current-actor';
import type { AuthService } from '../auth/auth-service';
import { tokenFrom } from '../auth/http-auth';
import type { Actor } from '../auth/policy';
import type { UpgradeEndpoint } from '../http/upgrade-router';
import type { Logger } from '../observability/logger';
import { BUDGET_CLOSE, BudgetExceeded, defaultBudget, TokenBucket, type CollabBudget } from './collab-budget';
import { COLLAB_CLOSE, type CollabAccess, type CollabGrant } from './collab-access';
import { BadMessage, CollabDoc, RefusedUpdate, type CollabPeer } from './collab-doc';
import type { UpdateGuard } from './mark-authorship';
import type { CollabStore } from './collab-store';

export const COLLAB_PATH = '/collab/';
/** An awareness update with no client in it: a no-op for the client, a sign of life for its provider. */
const KEEPALIVE = new Uint8Array([1, 1, 0]);

export interface CollabEndpointOptions {
  auth: AuthService;
  access: CollabAccess;
  store: CollabStore;
  parseCookies: (header: string) => Record<string, string | undefined>;
  logger: Logger;
  /** Stored rows of a document above which it is compacted into one snapshot. */
  compactAfter?: number;
  /** Updates are gathered this long before they are written as one row (default 100 ms). */
  writeDelayMs?: number;
  /** A connection that does not answer a ping within this time is closed. */
  heartbeatMs?: number;
  /** A connection sent nothing for this long gets an empty message within half as long again (default 10 s; stock clients give up after 30 s). */
  keepaliveMs?: number;
  /** Sizes and rates (default: defaultBudget()). */
  budget?: CollabBudget;
  /** The actor of an open connection as it is now (null: session or account ended); used after access changes. */
  currentActor?: (was: Actor) => Promise<Actor | null>;
  /** Several servers (cluster/collab-bridge.ts): told when a document is loaded here and when it is let go. */
  relay?: { opened(doc: CollabDoc): Promise<void>; released(doc: CollabDoc): void } | undefined;
}

class Connection implements CollabPeer {
  alive = true;
  /** Closed by the server (an access re-check): nothing more of it is handled. */
  ended = false;
  /** When something was last sent to it (for the keep-alive). */
  lastSent = Date.now();
  readonly messages: TokenBucket;
  readonly bytes: TokenBucket;
  readonly awarenessBudget: TokenBucket;
  constructor(
    readonly ws: WebSocket,
    readonly actor: Actor,
    readonly docName: string,
    readonly grant: CollabGrant,
    budget: CollabBudget,
  ) {
    this.messages = new TokenBucket(budget.messagesPerSecond, budget.messageBurst);
    this.bytes = new TokenBucket(budget.bytesPerSecond, budget.byteBurst);
    this.awarenessBudget = new TokenBucket(budget.awarenessPerSecond, budget.awarenessBurst);
  }

  get account(): string {
    return this.actor.accountId;
  }

  get readOnly(): boolean {
    return this.grant.mode === 'read';
  }

  get guard(): UpdateGuard | undefined {
    return this.grant.guard;
  }

  send(message: Uint8Array): void {
    if (this.ws.readyState !== this.ws.OPEN) return;
    this.lastSent = Date.now();
    this.ws.send(message);
  }
}

export class CollabEndpoint implements UpgradeEndpoint {
  readonly #wss: WebSocketServer;
  readonly #budget: CollabBudget;
  readonly #options: CollabEndpointOptions;
  readonly #docs = new Map<string, Promise<CollabDoc>>();
  readonly #connections = new Set<Connection>();
  readonly #heartbeat: NodeJS.Timeout;
  readonly #keepalive: NodeJS.Timeout;
  #closed = false;

  constructor(options: CollabEndpointOptions) {
    this.#options = options;
    this.#budget = options.budget ?? defaultBudget();
    this.#wss = new WebSocketServer({ noServer: true, maxPayload: this.#budget.maxMessageBytes });
    this.#heartbeat = setInterval(() => this.#ping(), options.heartbeatMs ?? 30_000);
    this.#heartbeat.unref();
    const keepaliveMs = options.keepaliveMs ?? 10_000;
    this.#keepalive = setInterval(() => {
      const quiet = Date.now() - keepaliveMs;
      for (const c of this.#connections) if (c.lastSent <= quiet) c.send(KEEPALIVE);
    }, keepaliveMs / 2);
    this.#keepalive.unref();
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Names of the documents held in memory now. */
  get loadedDocuments(): string[] {
    return [...this.#docs.keys()];
  }

  /**
   * A document's whole state as one Yjs update, as the server holds it now: the loaded document if
   * someone has it open (including edits not yet written), else what the store holds.
   */
  async state(name: string): Promise<Uint8Array> {
    const loaded = this.#docs.get(name);
    const doc = loaded ? await loaded.catch(() => null) : null;
    if (doc && !doc.destroyed) return Y.encodeStateAsUpdate(doc.doc);
    const updates = await this.#options.store.load(name);
    return updates.length ? Y.mergeUpdates(updates) : Y.encodeStateAsUpdate(new Y.Doc());
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (!url.pathname.startsWith(COLLAB_PATH)) return false;
    let name: string;
    try {
      name = decodeURIComponent(url.pathname.slice(COLLAB_PATH.length));
    } catch {
      name = '';
    }
    this.#authenticate(req, url).then(
      async (actor) => {
        if (!actor) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"code":"unauthorized","message":"sign in first"}');
          return;
        }
        const decision = await this.#options.access.decide(actor, name);
        this.#wss.handleUpgrade(req, socket, head, (ws) => {
          if (!decision.ok) {
            this.#options.logger.info({ account: actor.accountId, doc: name, reason: decision.reason }, 'collaboration document refused');
            ws.close(decision.code, decision.reason);
            return;
          }
          this.#accept(ws, actor, name, decision.grant);
        });
      },
      (err: unknown) => {
        this.#options.logger.error({ err }, 'collaboration authentication failed');
        socket.destroy();
      },
    ).catch((err: unknown) => {
      this.#options.logger.error({ err, doc: name }, 'collaboration authorization failed');
      socket.destroy();
    });
    return true;
  }

  async #authenticate(req: IncomingMessage, url: URL): Promise<Actor | null> {
    const cookies = req.headers.cookie ? this.#options.parseCookies(req.headers.cookie) : {};
    const token = tokenFrom(req.headers, cookies) ?? url.searchParams.get('access_token');
    return token ? this.#options.auth.authenticate(token) : null;
  }

  #accept(ws: WebSocket, actor: Actor, name: string, grant: CollabGrant): void {
    if (this.#closed) {
      ws.close(1001, 'server shutting down');
      return;
    }
    const conn = new Connection(ws, actor, name, grant, this.#budget);
    this.#connections.add(conn);
    const logger = this.#options.logger.child({ account: actor.accountId, doc: name });
    // Messages that arrive while the document loads are handled in order once it is there.
    let chain: Promise<CollabDoc | null> = this.#join(name, conn).catch((err: unknown) => {
      logger.error({ err }, 'loading a collaboration document failed');
      ws.close(1011, 'document unavailable');
      return null;
    });
    // Set when the connection is being closed for what it sent (over budget, malformed, refused):
    // nothing it sent after that is handled (a flood behind a bad message costs nothing more).
    let refused = false;
    const refuse = (code: number, reason: string) => {
      refused = true;
      ws.close(code, reason);
    };
    ws.on('message', (data: RawData, isBinary: boolean) => {
      if (refused || conn.ended) return;
      // Counted as they arrive, before any work: a flood is cut off at once.
      const size = Array.isArray(data) ? data.reduce((n, b) => n + b.length, 0) : data instanceof ArrayBuffer ? data.byteLength : data.length;
      if (!conn.messages.take() || !conn.bytes.take(size)) {
        logger.warn({ size }, 'collaboration client over its rate budget, closing');
        refuse(BUDGET_CLOSE.tooFast, 'too many messages');
        return;
      }
      chain = chain.then((doc) => {
        // Closed after an access change: what it sent after that is not applied.
        if (!doc || conn.ended || refused) return doc;
        if (!isBinary) {
          refuse(1003, 'binary y-websocket messages only');
          return doc;
        }
        try {
          doc.handle(conn, toBytes(data));
        } catch (err) {
          if (err instanceof RefusedUpdate) {
            logger.warn({ reason: err.message }, 'collaboration update refused');
            refuse(COLLAB_CLOSE.forbidden, err.message);
            return doc;
          }
          if (err instanceof BudgetExceeded) {
            logger.warn({ reason: err.message }, 'collaboration message over budget');
            refuse(err.code, err.message);
            return doc;
          }
          if (!(err instanceof BadMessage)) throw err;
          logger.warn({ err: err.message }, 'malformed collaboration message');
          refuse(1007, 'malformed message');
        }
        return doc;
      });
    });
    ws.on('pong', () => {
      conn.alive = true;
    });
    ws.on('error', () => ws.terminate());
    ws.on('close', () => {
      this.#connections.delete(conn);
      void chain.then((doc) => {
        if (doc && doc.peers.has(conn) && doc.remove(conn) === 0) void this.#release(name, doc);
      });
    });
  }

  /** Adds the connection to the loaded document (loading it if needed), never to one being unloaded. */
  async #join(name: string, conn: Connection): Promise<CollabDoc | null> {
    for (;;) {
      const doc = await this.#open(name);
      if (conn.ws.readyState !== conn.ws.OPEN) return null;
      if (!doc.destroyed) {
        doc.add(conn);
        return doc;
      }
      if (this.#docs.get(name) !== undefined && (await this.#docs.get(name)) === doc) this.#docs.delete(name);
    }
  }

  #open(name: string): Promise<CollabDoc> {
    let doc = this.#docs.get(name);
    if (!doc) {
      const { store, compactAfter = 100, logger, writeDelayMs = 100 } = this.#options;
      const relay = this.#options.relay;
      doc = CollabDoc.load(name, store, compactAfter, logger.child({ doc: name }), writeDelayMs, this.#budget);
      if (relay) {
        doc = doc.then(async (d) => {
          await relay.opened(d);
          return d;
        });
      }
      this.#docs.set(name, doc);
      doc.catch(() => {
        if (this.#docs.get(name) === doc) this.#docs.delete(name);
      });
    }
    return doc;
  }

  /** The last peer left: compact, then unload unless someone came back meanwhile. */
  async #release(name: string, doc: CollabDoc): Promise<void> {
    try {
      await doc.compact();
    } catch (err) {
      this.#options.logger.error({ err, doc: name }, 'compacting a collaboration document failed');
    }
    if (doc.peers.size > 0 || doc.destroyed) return;
    if (this.#docs.get(name) !== undefined && (await this.#docs.get(name)) === doc && doc.peers.size === 0) {
      this.#docs.delete(name);
      doc.destroy();
      this.#options.relay?.released(doc);
    }
  }

  #ping(): void {
    for (const c of this.#connections) {
      if (!c.alive) {
        c.ws.terminate();
        continue;
      }
      c.alive = false;
      c.ws.ping();
    }
  }

  /** Closes the connections that match (their clients reconnect and are checked again). */
  closeWhere(match: (actor: Actor, grant: CollabGrant, docName: string) => boolean, code: number = COLLAB_CLOSE.recheck, reason = 'access changed'): number {
    let n = 0;
    for (const c of this.#connections) {
      if (match(c.actor, c.grant, c.docName)) {
        c.ended = true;
        c.ws.close(code, reason);
        n++;
      }
    }
    return n;
  }

  /**
   * Checks the connections an access change concerns again, with the same resolvers as at
   * connection: no longer allowed → closed with 4403 "access revoked" (the client stops); allowed
   * differently (read-only now, moderator no more, the account's name changed) → closed with 4409
   * (the client reconnects and gets the new grant); session or account ended → 4003.
   */
  async recheck(change: AccessChange): Promise<void> {
    const concerned = [...this.#connections].filter((c) => {
      if (change.kind === 'account') return c.actor.accountId === change.accountId;
      if (change.kind === 'meeting') return c.grant.meetingId === change.meetingId;
      return c.docName.startsWith(`doc/${change.documentId}/`);
    });
    await Promise.all(
      concerned.map(async (c) => {
        const actor = this.#options.currentActor ? await this.#options.currentActor(c.actor) : c.actor;
        if (c.ended) return;
        if (!actor) return this.#end(c, COLLAB_CLOSE.sessionEnded, 'session ended');
        const decision = await this.#options.access.decide(actor, c.docName);
        if (c.ended) return;
        if (!decision.ok) return this.#end(c, COLLAB_CLOSE.forbidden, 'access revoked');
        const { grant } = decision;
        if (grant.mode !== c.grant.mode || Boolean(grant.guard) !== Boolean(c.grant.guard) || actorChanged(actor, c.actor)) {
          this.#end(c, COLLAB_CLOSE.recheck, 'access changed');
        }
      }),
    );
  }

  #end(c: Connection, code: number, reason: string): void {
    c.ended = true;
    this.#options.logger.info({ account: c.actor.accountId, doc: c.docName, code, reason }, 'collaboration connection closed after an access change');
    c.ws.close(code, reason);
  }

  /** A meeting changed status (ended: its shared layers become read-only): its peers reconnect. */
  meetingChanged(meetingId: string): void {
    this.closeWhere((_a, grant) => grant.meetingId === meetingId);
  }

  disconnectSession(sessionId: string): void {
    this.closeWhere((actor) => actor.sessionId === sessionId, COLLAB_CLOSE.sessionEnded, 'session ended');
  }

  disconnectAccount(accountId: string): void {
    this.closeWhere((actor) => actor.accountId === accountId, COLLAB_CLOSE.sessionEnded, 'session ended');
  }

  /** Closes every connection and stores every loaded document. */
  async close(): Promise<void> {
    this.#closed = true;
    clearInterval(this.#heartbeat);
    clearInterval(this.#keepalive);
    for (const c of this.#connections) c.ws.close(1001, 'server shutting down');
    const docs = await Promise.allSettled([...this.#docs.values()]);
    for (const d of docs) {
      if (d.status === 'fulfilled') {
        await d.value.compact().catch((err: unknown) => this.#options.logger.error({ err, doc: d.value.name }, 'storing a collaboration document at shutdown failed'));
        d.value.destroy();
      }
    }
    this.#docs.clear();
    this.#wss.close();
  }
}

function toBytes(data: RawData): Uint8Array {
  if (Array.isArray(data)) return new Uint8Array(Buffer.concat(data));
  if (data instanceof ArrayBuffer) return new Uint8Array(data);
  return new Uint8Array(data.buffer, data.byteOffset, data.byteLength);
}
