/**
 * One annotation layer on this device: its Y.Doc, kept in IndexedDB (y-indexeddb: readable and
 * writable with no network, merged when it returns) and synced with the server over the
 * y-websocket protocol (`<server>/collab/<name>`; the browser sends the session cookie with the
 * upgrade). An UndoManager tracks only this device's own changes.
 */
import { IndexeddbPersistence } from 'y-indexeddb';
import { WebsocketProvider } from 'y-websocket';
import * as Y from 'yjs';
import { api } from '../../net/api-client';

/** `full`: the server refused an update because the layer reached its size limit (marks stay on this device). */
export type LayerStatus = 'connecting' | 'connected' | 'offline' | 'refused' | 'full';

/** Close codes of the collaboration endpoint (sfu-server/src/collab/collab-access.ts, collab-budget.ts). */
const REFUSED = new Set([4400, 4403]);
const SESSION_ENDED = 4003;
/** The layer reached its size limit: retrying would send the same update again. */
const LAYER_FULL = 4413;

let lastRefresh = 0;
/** The access cookie expires after 15 minutes: a failed upgrade refreshes the session (at most every 20 s). */
function refreshSessionSoon(): void {
  if (Date.now() - lastRefresh < 20_000) return;
  lastRefresh = Date.now();
  void api.refresh();
}

export function collabUrl(server: string): string {
  const url = new URL(server);
  url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
  url.pathname = '/collab';
  url.search = '';
  return url.toString().replace(/\/$/, '');
}

export class LayerConnection {
  readonly doc = new Y.Doc();
  readonly undo: Y.UndoManager;
  /** The origin of this device's own changes (the only ones undo/redo touch). */
  readonly origin: { layer: string };
  status: LayerStatus = 'connecting';
  /** Loaded from this device's storage (marks shown even before the server answers). */
  local = false;
  readonly #provider: WebsocketProvider;
  readonly #idb: IndexeddbPersistence;
  #opened = false;

  constructor(
    readonly name: string,
    server: string,
    storageKey: string,
    readonly onChange: () => void,
  ) {
    this.origin = { layer: name };
    this.undo = new Y.UndoManager([], { doc: this.doc, trackedOrigins: new Set([this.origin]), captureTimeout: 400 });
    this.undo.on('stack-item-added', onChange);
    this.undo.on('stack-item-popped', onChange);
    this.#idb = new IndexeddbPersistence(storageKey, this.doc);
    void this.#idb.whenSynced.then(() => {
      this.local = true;
      onChange();
    });
    this.#provider = new WebsocketProvider(collabUrl(server), name, this.doc, { disableBc: true, maxBackoffTime: 5000 });
    this.#provider.on('status', ({ status }) => {
      if (status === 'connected') this.#opened = true;
      if (this.stopped) return;
      this.#set(status === 'connected' ? (this.#provider.synced ? 'connected' : 'connecting') : 'offline');
    });
    this.#provider.on('sync', (synced: boolean) => {
      if (synced && !this.stopped) this.#set('connected');
    });
    this.#provider.on('connection-close', (event) => {
      const code = event?.code ?? 0;
      if (REFUSED.has(code) || code === SESSION_ENDED || code === LAYER_FULL) {
        this.#provider.disconnect();
        this.#set(code === LAYER_FULL ? 'full' : 'refused');
        return;
      }
      if (!this.#opened) refreshSessionSoon();
      this.#opened = false;
    });
  }

  /** Refused or full: the connection is not retried. */
  get stopped(): boolean {
    return this.status === 'refused' || this.status === 'full';
  }

  #set(status: LayerStatus): void {
    if (this.status === status) return;
    this.status = status;
    this.onChange();
  }

  /** Tracks a page array for undo/redo (pages are separate top-level types). */
  track(type: Y.AbstractType<unknown>): void {
    if (!this.undo.scope.includes(type)) this.undo.addToScope(type);
  }

  /** Drops the connection now and reconnects (e.g. after the network came back). */
  reconnect(): void {
    if (this.stopped) return;
    this.#provider.disconnect();
    this.#provider.connect();
  }

  destroy(): void {
    this.undo.destroy();
    this.#provider.destroy();
    void this.#idb.destroy();
    this.doc.destroy();
  }
}
