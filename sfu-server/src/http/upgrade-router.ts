/**
 * One HTTP server, several WebSocket endpoints: each `upgrade` request is offered to the endpoints
 * in order (signaling at /ws, collaboration at /collab/…); the first that claims it handles it.
 * An upgrade nobody claims is answered 404 and closed.
 */
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';

export interface UpgradeEndpoint {
  /** Handles the upgrade and returns true if the request is for this endpoint; false otherwise. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): boolean;
}

export class UpgradeRouter {
  readonly #endpoints: UpgradeEndpoint[] = [];

  add(endpoint: UpgradeEndpoint): this {
    this.#endpoints.push(endpoint);
    return this;
  }

  route(req: IncomingMessage, socket: Duplex, head: Buffer): boolean {
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
