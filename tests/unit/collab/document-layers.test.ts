/** Who may open which annotation layer: the resolvers of `doc/…` names and the prefix registry. */
import { describe, expect, it } from 'vitest';
import type { MeetingStatus } from '../../../common/api/model';
import type { Actor } from '../../../sfu-server/src/auth/policy';
import { CollabAccess, parseDocName } from '../../../sfu-server/src/collab/collab-access';
import { documentLayersResolver } from '../../../sfu-server/src/collab/document-layers';
import type { DocumentAccess } from '../../../sfu-server/src/documents/access';

const actor = (accountId: string, role: Actor['role'] = 'delegate'): Actor => ({ accountId, sessionId: 's', role, displayName: accountId, unitId: null, bridgePointId: null });

/** Documents and who may read them (the documents capability answers this in the server). */
class Readers implements DocumentAccess {
  asked: string[] = [];
  constructor(readonly docs: Record<string, { meetingId: string; readers: string[] }>) {}
  async readableMeeting(a: Actor, documentId: string): Promise<string | null> {
    this.asked.push(`${a.accountId}:${documentId}`);
    const d = this.docs[documentId];
    return d && d.readers.includes(a.accountId) ? d.meetingId : null;
  }
}

function access(status: MeetingStatus = 'live', docs = new Readers({ d1: { meetingId: 'm1', readers: ['alice', 'bob', 'admin1', 'chair1'] } })) {
  return { docs, registry: new CollabAccess().register('doc', documentLayersResolver(docs, async (id) => (id === 'm1' ? { status, chairId: 'chair1', secretaryId: 'sec1' } : null))) };
}

describe('document layers', () => {
  it('the shared layer: readers write while the meeting runs, read only once it has ended or was cancelled', async () => {
    for (const [status, mode] of [
      ['published', 'write'],
      ['live', 'write'],
      ['ended', 'read'],
      ['cancelled', 'read'],
    ] as const) {
      const { registry } = access(status);
      const decision = await registry.decide(actor('alice'), 'doc/d1/shared');
      expect(decision).toMatchObject({ ok: true, grant: { mode, meetingId: 'm1' } });
      // A writer other than the chair or secretary has its updates checked for authorship.
      expect(decision.ok && typeof decision.grant.guard).toBe(mode === 'write' ? 'function' : 'undefined');
    }
    // The chair moderates the shared layer: no authorship guard.
    const chair = await access('live').registry.decide(actor('chair1', 'chair'), 'doc/d1/shared');
    expect(chair).toEqual({ ok: true, grant: { mode: 'write', meetingId: 'm1' } });
    const { registry } = access();
    expect(await registry.decide(actor('mallory'), 'doc/d1/shared')).toMatchObject({ ok: false, code: 4403 });
    expect(await registry.decide(actor('alice'), 'doc/unknown/shared')).toMatchObject({ ok: false, code: 4403 });
  });

  it("a private layer only for its owner, ever: another reader, the chair and an admin are refused without even asking the documents", async () => {
    const { registry, docs } = access('ended');
    expect(await registry.decide(actor('bob'), 'doc/d1/private/bob')).toEqual({ ok: true, grant: { mode: 'write', meetingId: 'm1' } });
    docs.asked = [];
    for (const who of [actor('alice'), actor('chair1', 'chair'), actor('admin1', 'admin'), actor('sec', 'secretary')]) {
      expect(await registry.decide(who, 'doc/d1/private/bob')).toMatchObject({ ok: false, code: 4403 });
    }
    expect(docs.asked).toEqual([]);
    // The owner loses it with the document (confidential, uninvited).
    expect(await registry.decide(actor('carol'), 'doc/d1/private/carol')).toMatchObject({ ok: false, code: 4403 });
  });

  it('refuses malformed and unknown names', async () => {
    const { registry } = access();
    for (const name of ['doc/d1', 'doc/d1/shared/x', 'doc/d1/private', 'doc/d1/private/alice/x', 'doc/d1/other', 'doc']) {
      expect(await registry.decide(actor('alice'), name), name).toMatchObject({ ok: false, code: 4403 });
    }
    for (const name of ['', 'doc//shared', 'doc/../shared', 'doc/d 1/shared', 'minutes/m1', `doc/${'x'.repeat(300)}/shared`]) {
      expect(await registry.decide(actor('alice'), name), name).toMatchObject({ ok: false, code: 4400 });
    }
  });
});

describe('the prefix registry', () => {
  it('lets another feature add its own documents (e.g. minutes/<meetingId>) and refuses a second claim on a prefix', async () => {
    const registry = new CollabAccess().register('minutes', async (a, [meetingId, ...rest]) => (rest.length === 0 && a.role === 'secretary' && meetingId === 'm1' ? { mode: 'write', meetingId } : null));
    expect(await registry.decide(actor('s', 'secretary'), 'minutes/m1')).toEqual({ ok: true, grant: { mode: 'write', meetingId: 'm1' } });
    expect(await registry.decide(actor('d'), 'minutes/m1')).toMatchObject({ ok: false, code: 4403 });
    expect(() => registry.register('minutes', async () => null)).toThrow(/already registered/);
    expect(() => registry.register('a/b', async () => null)).toThrow(/bad collaboration prefix/);
  });

  it('parses names into segments', () => {
    expect(parseDocName('doc/3f1c-aa/private/acc_1')).toEqual(['doc', '3f1c-aa', 'private', 'acc_1']);
    expect(parseDocName('doc/.hidden')).toBeNull();
  });
});
