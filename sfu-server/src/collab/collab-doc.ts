/**
 * One collaboration document in memory while someone is connected to it: the Y.Doc, its awareness
 * (who is there, cursors), the connected peers, and the write-behind to the store.
 *
 * Protocol: y-websocket's framing — a varUint message type (0 sync, 1 awareness) then the
 * y-protocols payload. On connect the server sends sync step 1 and the awareness states; the
 * client answers with step 2 (what the server lacks) and asks with its own step 1 (answered
 * with step 2: what the client lacks). So any reconnect resynchronises fully. A read-only peer's
 * step 2 and updates are dropped, never applied.
 *
 * Persistence: every update the Y.Doc accepts (re-encoded by Yjs, so a malformed message can never
 * reach the store) is queued; one writer per document appends the updates queued during
 * `writeDelayMs` merged into one row, and when the document has more than `compactAfter` rows replaces them all with a snapshot
 * of the whole state. The document is compacted again when its last peer leaves, then unloaded.
 *
 * Budgets (collab-budget.ts): an update that would take the document past `maxLayerBytes` is
 * refused (BudgetExceeded, nothing applied). Awareness is taken only from writers, at most a few
 * client ids per peer (never ids another account holds), small and rate-limited (excess dropped),
 * and relayed to the other peers, never back to the sender.
 */
import * as decoding from 'lib0/decoding';
import * as encoding from 'lib0/encoding';
import * as awarenessProtocol from 'y-protocols/awareness';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import type { Logger } from '../observability/logger';
import { BUDGET_CLOSE, BudgetExceeded, defaultBudget, type CollabBudget, type TokenBucket } from './collab-budget';
import type { CollabStore } from './collab-store';
import type { UpdateGuard } from './mark-authorship';

export const MESSAGE_SYNC = 0;
export const MESSAGE_AWARENESS = 1;

export interface CollabPeer {
  readonly readOnly: boolean;
  /** Checks each update this peer sends before it is applied (e.g. authorship of marks). */
  readonly guard?: UpdateGuard | undefined;
  /** Whose connection it is: awareness ids held by one account are not another's to change. */
  readonly account?: string;
  /** Awareness messages this peer may still send now (more are dropped). */
  readonly awarenessBudget?: TokenBucket;
  send(message: Uint8Array): void;
}

export type DocLimits = Pick<CollabBudget, 'maxLayerBytes' | 'maxAwarenessBytes' | 'maxAwarenessClients'>;

/** The client sent something that is not a valid y-websocket message. */
export class BadMessage extends Error {}

/** The client sent a valid update it may not make (its guard refused it); nothing of it was applied. */
export class RefusedUpdate extends Error {}

const LOADED_FROM_STORE = Symbol('store');
/** Origin of what another server relayed (cluster/collab-bridge.ts): pushed to the local peers, never stored nor relayed again here. */
const FROM_OTHER_SERVER = Symbol('other server');

/** Several servers: where this document's own changes go to reach the other servers' copies. */
export interface CollabRelayHooks {
  /** A Yjs update from one of this server's peers (applied, queued for the store). */
  update(update: Uint8Array): void;
  /** An awareness update from this server's peers (or their leaving). */
  awareness(update: Uint8Array): void;
}

export class CollabDoc {
  readonly doc = new Y.Doc();
  readonly awareness = new awarenessProtocol.Awareness(this.doc);
  /** Each peer with the awareness client ids it controls (removed when it leaves). */
  readonly peers = new Map<CollabPeer, Set<number>>();
  #pending: Uint8Array[] = [];
  #writing: Promise<void> | null = null;
  #rows = 0;
  #compactNext = false;
  #destroyed = false;
  /** Bytes the document takes at most (its stored rows, plus the updates applied since): measured exactly when near the limit. */
  #size = 0;
  /** Set when this server is one of several (absent on one server). */
  relay: CollabRelayHooks | null = null;

  private constructor(
    readonly name: string,
    readonly store: CollabStore,
    readonly compactAfter: number,
    readonly logger: Logger,
    readonly writeDelayMs: number,
    readonly limits: DocLimits,
  ) {
    // The server holds no awareness state of its own.
    this.awareness.setLocalState(null);
  }

  static async load(name: string, store: CollabStore, compactAfter: number, logger: Logger, writeDelayMs = 0, limits: DocLimits = defaultBudget()): Promise<CollabDoc> {
    const d = new CollabDoc(name, store, compactAfter, logger, writeDelayMs, limits);
    const updates = await store.load(name);
    d.#rows = updates.length;
    d.#size = updates.reduce((n, u) => n + u.length, 0);
    d.doc.transact(() => {
      for (const u of updates) {
        try {
          Y.applyUpdate(d.doc, u, LOADED_FROM_STORE);
        } catch (err) {
          logger.error({ err, doc: name }, 'a stored collaboration update could not be applied; skipped');
        }
      }
    }, LOADED_FROM_STORE);
    d.doc.on('update', (update: Uint8Array, origin: unknown) => d.#onUpdate(update, origin));
    d.awareness.on('update', ({ added, updated, removed }: { added: number[]; updated: number[]; removed: number[] }, origin: unknown) => {
      const changed = [...added, ...updated, ...removed];
      const peerIds = d.peers.get(origin as CollabPeer);
      if (peerIds) {
        for (const id of added) peerIds.add(id);
        for (const id of removed) peerIds.delete(id);
      }
      const encoder = encoding.createEncoder();
      encoding.writeVarUint(encoder, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(encoder, awarenessProtocol.encodeAwarenessUpdate(d.awareness, changed));
      // To the others, never back to the sender (it knows its own state; the endpoint keeps quiet
      // connections alive instead, see CollabEndpoint's keep-alive).
      d.#broadcast(encoding.toUint8Array(encoder), origin ?? null);
      if (d.relay && origin !== FROM_OTHER_SERVER) d.relay.awareness(awarenessProtocol.encodeAwarenessUpdate(d.awareness, changed));
    });
    return d;
  }

  /** Rows this document has in the store (after the writes queued so far). */
  get storedRows(): number {
    return this.#rows;
  }

  #onUpdate(update: Uint8Array, origin: unknown): void {
    if (origin === LOADED_FROM_STORE) return;
    const encoder = encoding.createEncoder();
    encoding.writeVarUint(encoder, MESSAGE_SYNC);
    syncProtocol.writeUpdate(encoder, update);
    this.#broadcast(encoding.toUint8Array(encoder), origin);
    // Another server's update: that server stores it (each update is stored once, by the server of its writer).
    if (origin === FROM_OTHER_SERVER) return;
    this.#pending.push(update);
    this.#scheduleWrite();
    this.relay?.update(update);
  }

  /** An update another server relayed: applied and pushed to this server's peers. */
  applyFromOtherServer(update: Uint8Array): void {
    if (this.#destroyed) return;
    Y.applyUpdate(this.doc, update, FROM_OTHER_SERVER);
    this.#size += update.length;
  }

  /** An awareness update another server relayed (its peers' cursors, or their leaving). */
  applyAwarenessFromOtherServer(update: Uint8Array): void {
    if (this.#destroyed) return;
    awarenessProtocol.applyAwarenessUpdate(this.awareness, update, FROM_OTHER_SERVER);
  }

  /** Merges what the store holds (another server stored what could not be relayed, or relays may have been missed). */
  async mergeStored(): Promise<void> {
    const updates = await this.store.load(this.name);
    if (this.#destroyed) return;
    this.doc.transact(() => {
      for (const u of updates) {
        try {
          Y.applyUpdate(this.doc, u, FROM_OTHER_SERVER);
        } catch (err) {
          this.logger.error({ err, doc: this.name }, 'a stored collaboration update could not be applied; skipped');
        }
      }
    }, FROM_OTHER_SERVER);
  }

  #broadcast(message: Uint8Array, except: unknown): void {
    for (const peer of this.peers.keys()) if (peer !== except) peer.send(message);
  }

  #scheduleWrite(): void {
    if (this.#writing) return;
    this.#writing = (async () => {
      // Writes queued while one runs (or while waiting) are merged into the next row.
      while (this.#pending.length > 0 || this.#compactNext) {
        // A stroke streams dozens of updates a second; SQLite's synchronous commit blocks the
        // process for a few milliseconds each: gather them for a moment, one row per burst.
        if (this.writeDelayMs > 0 && !this.#destroyed) await new Promise((r) => setTimeout(r, this.writeDelayMs));
        const batch = this.#pending;
        this.#pending = [];
        try {
          if (this.#compactNext || this.#rows + 1 > this.compactAfter) {
            this.#compactNext = false;
            // The whole state includes everything queued so far.
            this.#pending = [];
            const snapshot = Y.encodeStateAsUpdate(this.doc);
            await this.store.replaceWithSnapshot(this.name, snapshot);
            this.#rows = 1;
            this.#size = snapshot.length;
          } else {
            await this.store.append(this.name, batch.length === 1 ? batch[0]! : Y.mergeUpdates(batch));
            this.#rows += 1;
          }
        } catch (err) {
          // The state stays in memory: the next write (or the compaction at the last disconnect) stores it.
          this.logger.error({ err, doc: this.name }, 'storing a collaboration update failed');
          this.#compactNext = true;
          if (this.#destroyed) break;
          await new Promise((r) => setTimeout(r, 1000));
        }
      }
    })().finally(() => {
      this.#writing = null;
    });
  }

  /** Resolves once every update received so far is in the store. */
  async flush(): Promise<void> {
    while (this.#writing) await this.#writing;
  }

  /** Replaces the stored rows with one snapshot (if there is more than one) and waits for it. */
  async compact(): Promise<void> {
    if (this.#rows > 1 || this.#pending.length > 0) {
      this.#compactNext = true;
      this.#scheduleWrite();
    }
    await this.flush();
  }

  add(peer: CollabPeer): void {
    this.peers.set(peer, new Set());
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(step1, this.doc);
    peer.send(encoding.toUint8Array(step1));
    const states = [...this.awareness.getStates().keys()];
    if (states.length > 0) {
      const aw = encoding.createEncoder();
      encoding.writeVarUint(aw, MESSAGE_AWARENESS);
      encoding.writeVarUint8Array(aw, awarenessProtocol.encodeAwarenessUpdate(this.awareness, states));
      peer.send(encoding.toUint8Array(aw));
    }
  }

  /** Removes a peer and its awareness states; returns how many peers are left. */
  remove(peer: CollabPeer): number {
    const ids = this.peers.get(peer);
    this.peers.delete(peer);
    if (ids && ids.size > 0) awarenessProtocol.removeAwarenessStates(this.awareness, [...ids], null);
    return this.peers.size;
  }

  /** Handles one binary message from a peer; throws BadMessage when it is malformed. */
  handle(peer: CollabPeer, message: Uint8Array): void {
    try {
      const decoder = decoding.createDecoder(message);
      const type = decoding.readVarUint(decoder);
      if (type === MESSAGE_SYNC) {
        const encoder = encoding.createEncoder();
        encoding.writeVarUint(encoder, MESSAGE_SYNC);
        const syncType = decoding.readVarUint(decoder);
        if (syncType === syncProtocol.messageYjsSyncStep1) {
          syncProtocol.readSyncStep1(decoder, encoder, this.doc);
          peer.send(encoding.toUint8Array(encoder));
        } else if (syncType === syncProtocol.messageYjsSyncStep2 || syncType === syncProtocol.messageYjsUpdate) {
          if (peer.readOnly) return;
          const update = decoding.readVarUint8Array(decoder);
          const refusal = peer.guard?.(this.doc, update);
          if (refusal) throw new RefusedUpdate(refusal);
          this.#makeRoom(update.length);
          Y.applyUpdate(this.doc, update, peer);
          this.#size += update.length;
        } else {
          throw new BadMessage(`unknown sync message ${syncType}`);
        }
      } else if (type === MESSAGE_AWARENESS) {
        // Only writers show themselves to the others (a reader of a big meeting would otherwise
        // make the server send every peer a frame for each of its messages).
        if (peer.readOnly) return;
        const update = decoding.readVarUint8Array(decoder);
        if (update.length > this.limits.maxAwarenessBytes) throw new BudgetExceeded(BUDGET_CLOSE.tooLarge, 'awareness message too large');
        if (peer.awarenessBudget && !peer.awarenessBudget.take()) return;
        if (!this.#awarenessAllowed(peer, update)) return;
        awarenessProtocol.applyAwarenessUpdate(this.awareness, update, peer);
      } else {
        throw new BadMessage(`unknown message type ${type}`);
      }
    } catch (err) {
      if (err instanceof BadMessage || err instanceof RefusedUpdate || err instanceof BudgetExceeded) throw err;
      throw new BadMessage(err instanceof Error ? err.message : String(err));
    }
  }

  /**
   * Refuses an update that could take the document past its limit. The running size is an upper
   * bound (a resync repeats what the document has); near the limit it is measured exactly.
   */
  #makeRoom(incoming: number): void {
    const max = this.limits.maxLayerBytes;
    if (this.#size + incoming <= max) return;
    this.#size = Y.encodeStateAsUpdate(this.doc).length;
    if (this.#size + incoming > max) {
      throw new BudgetExceeded(BUDGET_CLOSE.layerFull, `layer full (${Math.round(max / 1024)} KiB)`);
    }
  }

  /** Awareness client ids a peer may set: its own (a few), never ids another account's peer holds. */
  #awarenessAllowed(peer: CollabPeer, update: Uint8Array): boolean {
    const decoder = decoding.createDecoder(update);
    const count = decoding.readVarUint(decoder);
    const mine = this.peers.get(peer) ?? new Set<number>();
    const fresh = new Set<number>();
    for (let i = 0; i < count; i++) {
      const id = decoding.readVarUint(decoder);
      decoding.readVarUint(decoder); // clock
      decoding.readVarString(decoder); // state (JSON)
      if (mine.has(id)) continue;
      for (const [other, ids] of this.peers) if (other !== peer && ids.has(id) && other.account !== peer.account) return false;
      fresh.add(id);
    }
    return mine.size + fresh.size <= this.limits.maxAwarenessClients;
  }

  get destroyed(): boolean {
    return this.#destroyed;
  }

  destroy(): void {
    if (this.#destroyed) return;
    this.#destroyed = true;
    this.awareness.destroy();
    this.doc.destroy();
  }
}
