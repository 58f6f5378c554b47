/**
 * Storing collaboration documents, on SQLite and PostgreSQL: updates appended as they come,
 * compacted into one snapshot past the threshold and at the last disconnect; a reload gives the
 * same state; a failed write loses nothing; a read-only peer's updates never land.
 */
import * as encoding from 'lib0/encoding';
import * as syncProtocol from 'y-protocols/sync';
import * as Y from 'yjs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CollabDoc, MESSAGE_SYNC, type CollabPeer } from '../../../sfu-server/src/collab/collab-doc';
import { CollabStore } from '../../../sfu-server/src/collab/collab-store';
import { usePostgres } from '../../support/use-postgres';
import { ENGINES, FailingStatement, openTestServices, quietLogger, type Engine, type TestServices } from '../../support/stores';

const pg = usePostgres();

class Peer implements CollabPeer {
  sent: Uint8Array[] = [];
  constructor(readonly readOnly = false) {}
  send(m: Uint8Array): void {
    this.sent.push(m);
  }
}

/** A y-websocket "update" message carrying what changed in `doc` during `change`. */
function updateMessage(doc: Y.Doc, change: () => void): Uint8Array {
  let update: Uint8Array | null = null;
  const onUpdate = (u: Uint8Array) => (update = u);
  doc.on('update', onUpdate);
  change();
  doc.off('update', onUpdate);
  const enc = encoding.createEncoder();
  encoding.writeVarUint(enc, MESSAGE_SYNC);
  syncProtocol.writeUpdate(enc, update!);
  return encoding.toUint8Array(enc);
}

describe.each(ENGINES)('collaboration store on %s', (engine: Engine) => {
  let services: TestServices;
  beforeAll(async () => {
    services = await openTestServices(engine, pg.current);
  }, 60_000);
  afterAll(async () => {
    await services?.close();
  });

  const rows = (name: string) => new CollabStore(services.db).count(name);

  it('appends updates, compacts past the threshold and at the end, and reloads the same state', async () => {
    const store = new CollabStore(services.db);
    const name = `doc/compact-${engine}/shared`;
    const doc = await CollabDoc.load(name, store, 10, quietLogger());
    const peer = new Peer();
    doc.add(peer);
    const client = new Y.Doc();
    const marks = client.getArray<string>('marks');
    for (let i = 0; i < 25; i++) {
      doc.handle(peer, updateMessage(client, () => marks.push([`nét ${i}`])));
      // Let the writer run between some updates, as a real connection would.
      if (i % 3 === 0) await doc.flush();
    }
    await doc.flush();
    expect(await rows(name)).toBeLessThanOrEqual(10);
    expect(await rows(name)).toBeGreaterThan(0);
    await doc.compact();
    expect(await rows(name)).toBe(1);
    doc.destroy();

    const reloaded = await CollabDoc.load(name, store, 10, quietLogger());
    expect(reloaded.doc.getArray<string>('marks').toArray()).toEqual(marks.toArray());
    expect(Y.encodeStateVector(reloaded.doc)).toEqual(Y.encodeStateVector(client));
    reloaded.destroy();
  });

  it('a failed write keeps the update in memory and stores it with the next write', async () => {
    const name = `doc/failing-${engine}/shared`;
    const failing = new FailingStatement('InsertQueryNode', 'collab_updates');
    const doc = await CollabDoc.load(name, new CollabStore(services.db.withPlugin(failing)), 100, quietLogger());
    const peer = new Peer();
    doc.add(peer);
    const client = new Y.Doc();
    doc.handle(peer, updateMessage(client, () => client.getArray<string>('marks').push(['không mất'])));
    await new Promise((r) => setTimeout(r, 50));
    expect(failing.hits).toBeGreaterThan(0);
    expect(await rows(name)).toBe(0);
    doc.destroy();

    // The same document, now on a store that works: its state is written whole.
    const healthy = await CollabDoc.load(name, new CollabStore(services.db), 100, quietLogger());
    const peer2 = new Peer();
    healthy.add(peer2);
    Y.applyUpdate(healthy.doc, Y.encodeStateAsUpdate(client));
    await healthy.compact();
    const again = await CollabDoc.load(name, new CollabStore(services.db), 100, quietLogger());
    expect(again.doc.getArray<string>('marks').toArray()).toEqual(['không mất']);
    healthy.destroy();
    again.destroy();
  });

  it("drops a read-only peer's updates and still answers its sync requests", async () => {
    const name = `doc/readonly-${engine}/shared`;
    const doc = await CollabDoc.load(name, new CollabStore(services.db), 100, quietLogger());
    const writer = new Peer();
    const reader = new Peer(true);
    doc.add(writer);
    doc.add(reader);
    const w = new Y.Doc();
    doc.handle(writer, updateMessage(w, () => w.getArray<string>('marks').push(['của người viết'])));
    const r = new Y.Doc();
    const before = reader.sent.length;
    doc.handle(reader, updateMessage(r, () => r.getArray<string>('marks').push(['không được ghi'])));
    expect(doc.doc.getArray<string>('marks').toArray()).toEqual(['của người viết']);
    expect(writer.sent.some((m) => Buffer.from(m).includes(Buffer.from('không được ghi')))).toBe(false);
    // Sync step 1 from the reader gets the state back.
    const step1 = encoding.createEncoder();
    encoding.writeVarUint(step1, MESSAGE_SYNC);
    syncProtocol.writeSyncStep1(step1, r);
    doc.handle(reader, encoding.toUint8Array(step1));
    expect(reader.sent.length).toBe(before + 1);
    await doc.compact();
    const reloaded = await CollabDoc.load(name, new CollabStore(services.db), 100, quietLogger());
    expect(reloaded.doc.getArray<string>('marks').toArray()).toEqual(['của người viết']);
    doc.destroy();
    reloaded.destroy();
  });
});
