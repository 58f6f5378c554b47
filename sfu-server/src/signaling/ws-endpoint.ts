/**
 * The signaling WebSocket endpoint at /ws: accepts the upgrade, builds a connection with its own
 * context, and routes its requests to the handler table.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer } from 'ws';
import type { Logger } from '../observability/logger';
import type { ConferenceContext } from '../media/conference-handlers';
import { SignalingConnection } from './connection';
import type { Handlers } from './handlers';

/** Frames above this close the socket (1009); smaller oversized frames get a `too_large` error. */
const HARD_FRAME_LIMIT = 1024 * 1024;

export interface SignalingEndpointOptions {
  handlers: Handlers<ConferenceContext>;
  onDisconnect: (ctx: ConferenceContext) => void;
  heartbeatMs: number;
  logger: Logger;
}

export class SignalingEndpoint {
  readonly #wss = new WebSocketServer({ noServer: true, maxPayload: HARD_FRAME_LIMIT });
  readonly #options: SignalingEndpointOptions;
  readonly #connections = new Set<SignalingConnection<ConferenceContext>>();

  constructor(options: SignalingEndpointOptions) {
    this.#options = options;
  }

  get connectionCount(): number {
    return this.#connections.size;
  }

  /** Handles the upgrade if it is for /ws; returns false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const url = new URL(req.url ?? '/', 'http://localhost');
    if (url.pathname !== '/ws') return false;
    this.#wss.handleUpgrade(req, socket, head, (ws) => {
      const logger = this.#options.logger.child({ conn: Math.random().toString(36).slice(2, 10) });
      let connection: SignalingConnection<ConferenceContext> | undefined;
      const context: ConferenceContext = { notify: (name, data) => connection?.notify(name, data) };
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
      this.#connections.add(connection);
    });
    return true;
  }

  attach(server: Server): void {
    server.on('upgrade', (req, socket, head) => {
      if (!this.handleUpgrade(req, socket, head)) socket.destroy();
    });
  }

  close(): void {
    for (const c of this.#connections) c.close(1001, 'server shutting down');
    this.#wss.close();
  }
}
