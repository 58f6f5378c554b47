/**
 * One HTTP server, several WebSocket endpoints: each `upgrade` request is offered to the endpoints
 * in order (signaling at /ws, collaboration at /collab/…); the first that claims it handles it.
 * An upgrade nobody claims is answered 404 and closed. An upgrade from a page of another origin
 * (origin-check.ts) is answered 403 before any endpoint sees it.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import { refusedOrigin, type OriginPolicy } from './origin-check';

export interface UpgradeEndpoint {
  /** Handles the upgrade and returns true if the request is for this endpoint; false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

export class UpgradeRouter {
  readonly #endpoints: UpgradeEndpoint[] = [];
  readonly #origins: OriginPolicy;
  readonly #onRefused: (req: IncomingMessage, reason: string) => void;

  constructor(origins: OriginPolicy = { publicOrigins: new Set(), trustProxy: false }, onRefused: (req: IncomingMessage, reason: string) => void = () => {}) {
    this.#origins = origins;
    this.#onRefused = onRefused;
  }

  add(endpoint: UpgradeEndpoint): this {
    this.#endpoints.push(endpoint);
    return this;
  }

  route(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
    const refused = refusedOrigin(req, this.#origins);
    if (refused) {
      this.#onRefused(req, refused);
      const body = JSON.stringify({ code: 'forbidden', message: refused });
      socket.end(`HTTP/1.1 403 Forbidden\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`);
      return true;
    }
    for (const e of this.#endpoints) if (e.handleUpgrade(req, socket, head)) return true;
    return false;
  }

  attach(server: Server): void {
    server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
      socket.on('error', () => socket.destroy());
      if (!this.route(req, socket, head)) {
        socket.end('HTTP/1.1 404 Not Found\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      }
    });
  }
}
