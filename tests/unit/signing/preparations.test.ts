/**
 * Signing preparations are bounded (issue 13, finding 12): each keeps only the update it appends
 * (not the whole PDF), expires on a timer even when no other preparation is made, is freed when
 * finished or discarded, and an account and the server hold at most so many.
 */
import crypto from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import type { PreparedSignature } from '../../../sfu-server/src/signing/pades';
import { PreparationStore, type StoredPreparation } from '../../../sfu-server/src/signing/preparations';

const base = new Uint8Array(crypto.randomBytes(4 * 1024 * 1024));
const baseSha = crypto.createHash('sha256').update(base).digest('hex');
const tail = new Uint8Array(crypto.randomBytes(30 * 1024));

function prep(id: string, accountId: string, expiresAt = Date.now() + 60_000): StoredPreparation {
  const pdf = new Uint8Array(base.length + tail.length);
  pdf.set(base, 0);
  pdf.set(tail, base.length);
  const signature = { prepared: { pdf, byteRange: [0, 1, 2, 3], fieldName: 'Signature1' }, attributes: { attributes: [], der: new Uint8Array(1) }, chain: [], signingTime: new Date(), digest: new Uint8Array(32) } as unknown as PreparedSignature;
  return { id, documentId: 'doc', accountId, baseSha256: baseSha, signature, expiresAt };
}

const stores: PreparationStore<StoredPreparation>[] = [];
const make = (limits: ConstructorParameters<typeof PreparationStore>[1] = {}) => {
  const s = new PreparationStore<StoredPreparation>((sha) => {
    if (sha !== baseSha) throw new Error('unknown version');
    return base;
  }, limits);
  stores.push(s);
  return s;
};
afterEach(() => {
  for (const s of stores.splice(0)) s.close();
});

describe('PreparationStore', () => {
  it('keeps only the appended update, and gives back the whole prepared PDF', async () => {
    const store = make();
    const p = prep('a', 'acc1');
    const whole = p.signature.prepared.pdf.slice();
    store.put(p, base.length);
    expect(store.size()).toEqual({ count: 1, bytes: tail.length });
    const got = await store.get('a');
    expect(Buffer.from(got!.signature.prepared.pdf).equals(Buffer.from(whole))).toBe(true);
    expect(got).toMatchObject({ id: 'a', accountId: 'acc1', baseSha256: baseSha });
  });

  it('drops an expired preparation on a timer, without another one being made', async () => {
    const store = make({ ttlMs: 150 });
    store.put(prep('a', 'acc1', Date.now() + 150), base.length);
    expect(store.size().count).toBe(1);
    await new Promise((r) => setTimeout(r, 400));
    expect(store.size()).toEqual({ count: 0, bytes: 0 });
    expect(await store.get('a')).toBeNull();
  });

  it('frees a preparation when it is finished or discarded', () => {
    const store = make();
    store.put(prep('a', 'acc1'), base.length);
    store.put(prep('b', 'acc1'), base.length);
    store.delete('a');
    expect(store.peek('a')).toBeNull();
    expect(store.size().count).toBe(1);
  });

  it('an account holds at most perAccount (its oldest goes), the server at most total', () => {
    const store = make({ perAccount: 2, total: 3 });
    store.put(prep('a1', 'acc1', Date.now() + 10_000), base.length);
    store.put(prep('a2', 'acc1', Date.now() + 20_000), base.length);
    store.put(prep('a3', 'acc1', Date.now() + 30_000), base.length);
    expect(store.peek('a1')).toBeNull();
    expect(store.peek('a3')).not.toBeNull();
    store.put(prep('b1', 'acc2'), base.length);
    store.put(prep('c1', 'acc3'), base.length);
    expect(store.size().count).toBe(3);
    // 300 accounts each preparing a 4 MiB document keep about 300 × 30 KiB, not 1.2 GiB.
    const many = make({ total: 1000 });
    for (let i = 0; i < 300; i++) many.put(prep(`p${i}`, `acc${i}`), base.length);
    expect(many.size().bytes).toBe(300 * tail.length);
  });

  it('a preparation whose version changed on disk is not used', async () => {
    const store = new PreparationStore<StoredPreparation>(() => base.subarray(1));
    stores.push(store);
    store.put(prep('a', 'acc1'), base.length);
    expect(await store.get('a')).toBeNull();
  });
});
