/**
 * Shared documents across servers (issue 16, wiring step 3: annotations, the minutes' editor).
 * Each server holds its own in-memory copy of a document while its readers have it open
 * (collab/collab-doc.ts); the copies are kept together through the bus:
 * - an update from a reader here is applied, queued for the store (write-behind, by this server
 *   only: each update is stored once) and published as `collab.update`; too large to go inline,
 *   it is published as `collab.stored` once written, and the others merge the store;
 * - awareness (cursors, who is drawing) goes as `collab.awareness`, never stored;
 * - a receiver applies them with an origin of their own: pushed to its readers, not stored, not
 *   published again; after a `resync` it merges what the store holds (Yjs merges are idempotent).
 * A document is heard on its own channel (`collab-<sha256 of its name>`), joined while it is loaded
 * here, since its readers need not be in the meeting's room (nor the meeting's channel joined).
 * The compaction at the last disconnect replaces only the rows it read (CollabStore `severalWriters`).
 */
import { createHash } from 'node:crypto';
import type { CollabDoc } from '../collab/collab-doc';
import type { Logger } from '../observability/logger';
import type { MeetingEventBus } from './event-bus';
import { MAX_INLINE_UPDATE_BYTES } from './meeting-events';

/** Longer than any server's write-behind delay (CollabEndpoint's writeDelayMs, 100 ms) plus a commit. */
const STORE_CATCH_UP_MS = 1500;

/** The bus channel id of a shared document (its name can be longer than a channel id may be). */
export function collabChannel(docName: string): string {
  return `collab-${createHash('sha256').update(docName).digest('hex').slice(0, 40)}`;
}

export class CollabBridge {
  /** Channel id → the document loaded here. */
  readonly #docs = new Map<string, CollabDoc>();

  constructor(
    readonly bus: MeetingEventBus,
    readonly logger: Logger,
  ) {
    bus.onEvent(({ meetingId: channel, event }) => {
      const doc = this.#docs.get(channel);
      if (!doc || doc.destroyed) return;
      if ((event.type === 'collab.update' || event.type === 'collab.awareness' || event.type === 'collab.stored') && event.doc !== doc.name) return;
      try {
        if (event.type === 'collab.update') doc.applyFromOtherServer(Buffer.from(event.update, 'base64'));
        else if (event.type === 'collab.awareness') doc.applyAwarenessFromOtherServer(Buffer.from(event.update, 'base64'));
        else if (event.type === 'collab.stored') this.#merge(doc);
      } catch (err) {
        // Valid base64, not a valid Yjs message: another server's bug or someone on Redis.
        this.logger.warn({ err: { message: (err as Error).message }, doc: doc.name }, 'cluster collab: a relayed update could not be applied; the store is merged instead');
        this.#merge(doc);
      }
    });
    bus.onResync((channel) => {
      const doc = this.#docs.get(channel);
      if (doc) this.#merge(doc);
    });
  }

  #merge(doc: CollabDoc): void {
    doc.mergeStored().catch((err: unknown) => this.logger.warn({ err: { message: (err as Error).message }, doc: doc.name }, 'cluster collab: the stored document could not be merged'));
  }

  #warn(what: string, doc: CollabDoc) {
    return (err: unknown) => this.logger.warn({ err: { message: (err as Error).message }, doc: doc.name }, what);
  }

  /** CollabEndpoint's `relay.opened`: the document is loaded here. */
  opened = (doc: CollabDoc): Promise<void> => {
    const channel = collabChannel(doc.name);
    this.#docs.set(channel, doc);
    doc.relay = {
      update: (update) => {
        if (update.length <= MAX_INLINE_UPDATE_BYTES) {
          this.bus.publish(channel, { type: 'collab.update', doc: doc.name, update: Buffer.from(update).toString('base64') }).catch(this.#warn('cluster collab: update not relayed (stored; the others merge it at their next resync)', doc));
        } else {
          void doc
            .flush()
            .then(() => this.bus.publish(channel, { type: 'collab.stored', doc: doc.name }))
            .catch(this.#warn('cluster collab: large update not announced', doc));
        }
      },
      awareness: (update) => {
        if (update.length > MAX_INLINE_UPDATE_BYTES) return;
        this.bus.publish(channel, { type: 'collab.awareness', doc: doc.name, update: Buffer.from(update).toString('base64') }).catch(() => undefined);
      },
    };
    // Heard before any reader is let in; what the others changed while this copy loaded is merged
    // from the store now, and once more after their write-behind (an update relayed just before the
    // subscription, not yet stored at the first merge).
    return this.bus
      .join(channel)
      .then(() => doc.mergeStored())
      .then(() => {
        setTimeout(() => this.#docs.get(channel) === doc && this.#merge(doc), STORE_CATCH_UP_MS).unref?.();
      })
      .catch(this.#warn('cluster collab: document not heard (its channel is subscribed when Redis is back)', doc));
  };

  /** CollabEndpoint's `relay.released`: the last reader here left and the document was unloaded. */
  released = (doc: CollabDoc): void => {
    const channel = collabChannel(doc.name);
    if (this.#docs.get(channel) !== doc) return;
    this.#docs.delete(channel);
    doc.relay = null;
    void this.bus.leave(channel);
  };
}
