/**
 * The signaling WebSocket endpoint at /ws: authenticates the upgrade (the session cookie, or an
 * `Authorization: Bearer` header), builds a connection with its own context, and routes its
 * requests to the handler table. Unauthenticated upgrades get HTTP 401.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { AuthService } from '../auth/auth-service';
import { tokenFrom } from '../auth/http-auth';
import type { Actor } from '../auth/policy';
import type { ConferenceContext } from '../media/conference-handlers';
import type { UpgradeEndpoint } from '../http/upgrade-router';
import type { Logger } from '../observability/logger';
import { SignalingConnection } from './connection';
import type { Handlers } from './handlers';

/** Frames above this close the socket (1009); smaller oversized frames get a `too_large` error. */
const HARD_FRAME_LIMIT = 1024 * 1024;

export interface SignalingEndpointOptions {
  handlers: Handlers<ConferenceContext>;
  onDisconnect: (ctx: ConferenceContext) => void;
  auth: AuthService;
  parseCookies: (header: string) => Record<string, string | undefined>;
  heartbeatMs: number;
  logger: Logger;
}

/** Mounted on the HTTP server through the UpgradeRouter (http/upgrade-router.ts). */
export class SignalingEndpoint implements UpgradeEndpoint {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT });
  readonly #options: SignalingEndpointOptions;
  readonly #connections = new Map<SignalingConnection<ConferenceContext>, ConferenceContext>();

  constructor(options: SignalingEndpointOptions) {
    this.#options = options;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** The open connections' contexts (checked again after an access change: access/signaling-recheck.ts). */
  get contexts(): ConferenceContext[] {
    return [...this.#connections.values()];
  }

  async #authenticate(req: IncomingMessage): Promise<Actor | null> {
    const cookies = req.headers.cookie ? this.#options.parseCookies(req.headers.cookie) : {};
    const token = tokenFrom(req.headers, cookies);
    return token ? this.#options.auth.authenticate(token) : null;
  }

  /** Handles the upgrade if it is for /ws; returns false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return false;
    this.#authenticate(req).then(
      (actor) => {
        if (!actor) {
          socket.end('HTTP/1.1 401 Unauthorized\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"code":"unauthorized","message":"sign in first"}');
          return;
        }
        this.#wss.handleUpgrade(req, socket, head, (ws) => this.#accept(ws, actor, req.socket.remoteAddress ?? ''));
      },
      (err: unknown) => {
        this.#options.logger.error({ err }, 'signaling authentication failed');
        socket.destroy();
      },
    );
    return true;
  }

  #accept(ws: import('ws').WebSocket, actor: Actor, remoteAddress: string): void {
    const logger = this.#options.logger.child({ account: actor.accountId });
    let connection: SignalingConnection<ConferenceContext> | undefined;
    const context: ConferenceContext = {
      actor,
      remoteAddress,
      notify: (name, data) => connection?.notify(name, data),
      sendFrame: (frame) => connection?.sendFrame(frame),
      disconnect: (code = 4001, reason = 'joined again elsewhere') => connection?.close(code, reason),
    };
    connection = new SignalingConnection<ConferenceContext>({
      socket: ws,
      handlers: this.#options.handlers,
      context,
      logger,
      heartbeatMs: this.#options.heartbeatMs,
      onClose: (ctx) => {
        if (connection) this.#connections.delete(connection);
        this.#options.onDisconnect(ctx);
      },
    });
    this.#connections.set(connection, context);
  }

  /** Ends the connections of one session (logout). */
  disconnectSession(sessionId: string): void {
    for (const [connection, ctx] of this.#connections) {
      if (ctx.actor.sessionId === sessionId) connection.close(4003, 'session ended');
    }
  }

  /** Ends every connection of an account (logout everywhere, account disabled). */
  disconnectAccount(accountId: string): void {
    for (const [connection, ctx] of this.#connections) {
      if (ctx.actor.accountId === accountId) connection.close(4003, 'session ended');
    }
  }

  close(): void {
    for (const c of this.#connections.keys()) c.close(1001, 'server shutting down');
    this.#wss.close();
  }
}
