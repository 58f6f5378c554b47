/**
 * The minutes through the real server: speaking turns and a vote recorded in a live meeting, the
 * conclusions typed in the shared editor (stock y-websocket clients writing tiptap's schema), the
 * assembled record, the PDF in Vietnamese, signing by chair and secretary, and a new version.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MinutesDraft } from '../../common/api/minutes';
import type { SignedDocument } from '../../common/api/signing';
import type { RunningServer } from '../../sfu-server/src/server';
import { person, TestApi, type Person } from '../support/api-client';
import { eventually, firstClose, stockClient, synced, type StockClient } from '../support/collab-client';
import { li, p, pdfText, t, writeConclusions } from '../support/minutes';
import { TestSignalingClient } from '../support/signaling-test-client';
import { actorOf } from '../support/stores';
import { signOnDevice } from '../support/device-signer';
import { makeSigner, makeTestCa } from '../support/test-ca';
import { startTestServer } from '../support/test-server';
import { joinAll, votingMeeting } from '../support/voting';

let server: RunningServer;
let admin: TestApi;
let meetingId: string;
let chair: Person;
let secretary: Person;
let delegates: Person[];
let clients: TestSignalingClient[] = [];
const collab: StockClient[] = [];
const wait = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
  server = await startTestServer();
  const v = await votingMeeting(server.url, 2);
  admin = v.admin;
  meetingId = v.meeting.id;
  chair = v.meeting.chair;
  secretary = v.meeting.secretary;
  delegates = v.delegates;
  clients = await joinAll(server.url, meetingId, [chair, secretary, ...delegates]);
  const [c, , d1] = clients;
  // Two speaking turns: one from the queue with its topic, one given directly.
  await d1!.request('floor.request', { topic: 'Ý kiến về dự toán ngân sách' });
  await c!.request('floor.give', { accountId: delegates[0]!.id });
  await wait(30);
  await c!.request('floor.give', { accountId: delegates[1]!.id });
  await wait(30);
  await c!.request('floor.take', {});
  // One vote, closed.
  const vote = await c!.request('vote.create', { question: 'Thông qua kế hoạch đầu tư công năm 2027?', durationSeconds: null });
  await c!.request('vote.open', { voteId: vote.vote.id });
  for (const d of clients) await d.request('vote.cast', { voteId: vote.vote.id, choices: ['tan-thanh'] });
  await c!.request('vote.close', { voteId: vote.vote.id });
}, 120_000);
afterAll(async () => {
  for (const c of collab) c.destroy();
  for (const c of clients) c.close();
  await server?.close();
});

const open = (who: { token: string | null }, id = meetingId) => {
  const c = stockClient(server.url, `minutes/${id}`, who.token);
  collab.push(c);
  return c;
};

describe('the conclusions editor (collaboration document minutes/<meetingId>)', () => {
  it('the secretary writes, the chair sees it live', async () => {
    const sec = open(secretary);
    const ch = open(chair);
    await Promise.all([synced(sec), synced(ch)]);
    writeConclusions(sec.doc, {
      type: 'doc',
      content: [
        p(t('Hội nghị thống nhất '), t('thông qua kế hoạch', 'bold'), t(' với các nhiệm vụ:')),
        { type: 'orderedList', attrs: { start: 1 }, content: [li(p(t('Giao Sở Kế hoạch và Đầu tư tổng hợp ý kiến'))), li(p(t('Ủy ban nhân dân các xã báo cáo trước ngày 15/12')))] },
      ],
    });
    await eventually(() => expect(ch.doc.getXmlFragment('conclusions').toString()).toContain('Ủy ban nhân dân các xã'));
  });

  it('delegates, the admin and organisers of other meetings cannot open it (4403, nothing sent)', async () => {
    const other = await person(admin, 'secretary', 'Thư ký khác');
    for (const who of [delegates[0]!, admin, other]) {
      const c = open(who);
      expect((await firstClose(c)).code).toBe(4403);
      expect(c.doc.getXmlFragment('conclusions').length).toBe(0);
      c.destroy();
    }
  });
});

describe('the record, the PDF, signing and versions', () => {
  let draft: MinutesDraft;
  let v1: SignedDocument;

  it('GET …/minutes assembles what the meeting recorded, with the conclusions as typed now', async () => {
    draft = await secretary.api.ok('GET', `/api/meetings/${meetingId}/minutes`);
    const r = draft.record;
    expect(r.meeting).toMatchObject({ id: meetingId, title: 'Họp giao ban trực tuyến', chairName: 'Chủ tọa Nguyễn Văn Chủ', secretaryName: 'Thư ký Trần Thị Thư', status: 'live' });
    expect(r.speakers.map((s) => [s.displayName, s.topic])).toEqual([
      ['Đại biểu 1', 'Ý kiến về dự toán ngân sách'],
      ['Đại biểu 2', ''],
    ]);
    for (const s of r.speakers) expect(Date.parse(s.endedAt!)).toBeGreaterThanOrEqual(Date.parse(s.startedAt));
    expect(r.speakers[0]!.endedAt).toBe(r.speakers[1]!.startedAt);
    expect(r.votes).toMatchObject([{ question: 'Thông qua kế hoạch đầu tư công năm 2027?', cast: 4, eligible: 4, passed: true }]);
    expect(r.attendance.delegates.map((d) => [d.displayName, d.present])).toEqual([
      ['Đại biểu 1', true],
      ['Đại biểu 2', true],
    ]);
    expect(r.conclusions.map((b) => [b.kind, b.marker, b.runs.map((x) => x.text).join('')])).toEqual([
      ['paragraph', '', 'Hội nghị thống nhất thông qua kế hoạch với các nhiệm vụ:'],
      ['item', '1.', 'Giao Sở Kế hoạch và Đầu tư tổng hợp ý kiến'],
      ['item', '2.', 'Ủy ban nhân dân các xã báo cáo trước ngày 15/12'],
    ]);
    expect(draft.documentKey).toBeNull();
    expect((await chair.api.call('GET', `/api/meetings/${meetingId}/minutes`)).status).toBe(200);
    expect((await delegates[0]!.api.call('GET', `/api/meetings/${meetingId}/minutes`)).status).toBe(403);
    expect((await admin.call('GET', `/api/meetings/${meetingId}/minutes`)).status).toBe(403);
  });

  it('POST …/minutes/pdf makes a version to sign whose text is Vietnamese with its diacritics', async () => {
    const res = await secretary.api.call('POST', `/api/meetings/${meetingId}/minutes/pdf`);
    expect(res.status).toBe(201);
    v1 = res.body;
    expect(v1).toMatchObject({ version: 1, status: 'unsigned', title: 'Biên bản cuộc họp: Họp giao ban trực tuyến', fileName: 'bien-ban-cuoc-hop.pdf' });
    const { bytes } = await server.signing.file(actorOf(await delegates[0]!.api.ok('GET', '/api/auth/me')), v1.id);
    const text = pdfText(bytes);
    for (const s of ['CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM', 'BIÊN BẢN CUỘC HỌP', 'Chủ tọa Nguyễn Văn Chủ', 'THÀNH PHẦN THAM DỰ', 'Đại biểu 1', 'Ý kiến về dự toán ngân sách', 'Thông qua kế hoạch đầu tư công năm 2027?', 'Kết quả: thông qua.', 'KẾT LUẬN CỦA CHỦ TỌA', 'Ủy ban nhân dân các xã báo cáo trước ngày 15/12']) {
      expect(text).toContain(s);
    }
    expect(Buffer.from(bytes).includes('/FontFile2')).toBe(true);
  });

  it('chair and secretary sign it; a delegate sees it signed and valid, in the pack too; producing again makes version 2 to sign again', async () => {
    const ca = makeTestCa();
    await admin.ok('POST', '/api/signing/trust-anchors', { certificate: ca.pem });
    const me = async (p: Person) => actorOf(await p.api.ok('GET', '/api/auth/me'));
    const keys = { chair: makeSigner(ca, 'Nguyễn Văn Chủ'), secretary: makeSigner(ca, 'Trần Thị Thư') };
    const signBoth = async (id: string) => {
      for (const who of [chair, secretary]) {
        const k = who === chair ? keys.chair : keys.secretary;
        await signOnDevice(server.signing, await me(who), id, { key: k.keyPem, certDer: k.certDer });
      }
    };
    await server.documents.publish(await me(secretary), meetingId);
    type Pack = { items: { documents: { title: string; versions: { sha256: string }[] }[] }[] };
    const packMinutes = async () => (await delegates[0]!.api.ok<Pack>('GET', `/api/meetings/${meetingId}/documents`)).items.flatMap((i) => i.documents).filter((d) => d.title.startsWith('Biên bản cuộc họp'));
    await signBoth(v1.id);
    const seen: SignedDocument[] = await delegates[0]!.api.ok('GET', `/api/meetings/${meetingId}/signed-documents`);
    expect(seen).toMatchObject([{ id: v1.id, status: 'signed', signatures: [{ signerRole: 'chair' }, { signerRole: 'secretary' }] }]);
    const report = await delegates[0]!.api.ok('GET', `/api/signed-documents/${v1.id}/verification`);
    expect(report.signatures.map((s: { intact: boolean; trusted: boolean }) => s.intact && s.trusted)).toEqual([true, true]);

    const v2: SignedDocument = await chair.api.ok('POST', `/api/meetings/${meetingId}/minutes/pdf`);
    expect(v2).toMatchObject({ version: 2, status: 'unsigned', documentKey: v1.documentKey, signatures: [] });
    const after: SignedDocument[] = await secretary.api.ok('GET', `/api/meetings/${meetingId}/signed-documents`);
    expect(after.map((d) => [d.version, d.status, d.signatures.length])).toEqual([
      [1, 'superseded', 2],
      [2, 'unsigned', 0],
    ]);
    expect((await secretary.api.ok('GET', `/api/meetings/${meetingId}/minutes`)).documentKey).toBe(v1.documentKey);
    // Fully signed versions go into the pack, as one document with a version each (the unsigned v2 not yet).
    expect((await packMinutes()).map((d) => d.versions.map((v) => v.sha256))).toEqual([[after[0]!.sha256]]);
    await signBoth(v2.id);
    const v2Signed: SignedDocument = await delegates[0]!.api.ok('GET', `/api/signed-documents/${v2.id}`);
    expect((await packMinutes()).map((d) => d.versions.map((v) => v.sha256))).toEqual([[v2Signed.sha256, after[0]!.sha256]]);
  });
});

describe('the last speaking turn', () => {
  it('ends with the meeting when nobody took the floor back: the minutes say until when', async () => {
    const v = await votingMeeting(server.url, 1);
    const joined = await joinAll(server.url, v.meeting.id, [v.meeting.chair, ...v.delegates]);
    try {
      await joined[0]!.request('floor.give', { accountId: v.delegates[0]!.id });
      await wait(30);
      await v.meeting.secretary.api.ok('POST', `/api/meetings/${v.meeting.id}/transition`, { to: 'ended' });
      await eventually(async () => {
        const r = (await v.meeting.secretary.api.ok<MinutesDraft>('GET', `/api/meetings/${v.meeting.id}/minutes`)).record;
        expect(r.speakers).toHaveLength(1);
        expect(r.speakers[0]!.endedAt).not.toBeNull();
        expect(Date.parse(r.speakers[0]!.endedAt!)).toBeGreaterThanOrEqual(Date.parse(r.speakers[0]!.startedAt));
      });
    } finally {
      for (const c of joined) c.close();
    }
  });
});
