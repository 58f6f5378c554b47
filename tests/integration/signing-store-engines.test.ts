/**
 * The signing service on both stores (SQLite and PostgreSQL): documents to sign, chair and secretary
 * each signing once, a new version superseding the signed one, and two signatures prepared on the
 * same bytes at once — the second to finish is refused (compare-and-set on the document's hash).
 */
import fs from 'node:fs';
import crypto from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AccountBody, MeetingBody } from '../../common/api/requests';
import { AppError } from '../../sfu-server/src/errors';
import { PdfJobs } from '../../sfu-server/src/pdf-jobs/pdf-jobs';
import { SigningService } from '../../sfu-server/src/signing/signing-service';
import { usePostgres } from '../support/use-postgres';
import { makeSamplePdf } from '../support/sample-pdf';
import { actorOf, ENGINES, openTestServices, type Engine, type TestServices } from '../support/stores';
import { deviceFinishBody } from '../support/device-signer';
import { makeSigner, makeTestCa } from '../support/test-ca';

const hours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
const ca = makeTestCa();
const chairCert = makeSigner(ca, 'Nguyễn Văn An');
const secretaryCert = makeSigner(ca, 'Trần Thị Bình');

const pg = usePostgres();

describe.each(ENGINES)('signing on %s', (engine: Engine) => {
  let s: TestServices;
  let signing: SigningService;
  let pdfJobs: PdfJobs;
  beforeAll(async () => {
    s = await openTestServices(engine, pg.current);
    pdfJobs = new PdfJobs({ threads: 1 });
    signing = new SigningService(s.db, s.meetings, s.options.dataDir, undefined, pdfJobs);
  }, 60_000);
  afterAll(async () => {
    await pdfJobs?.close();
    await s?.close();
    if (s) fs.rmSync(s.options.dataDir, { recursive: true, force: true });
  });

  it('signs, supersedes, and refuses the second of two signatures prepared on the same bytes', async () => {
    const mk = (role: 'admin' | 'chair' | 'secretary', name: string) =>
      s.directory.createAccount(null, AccountBody.parse({ username: `${role}.${engine}.${crypto.randomUUID().slice(0, 8)}`, displayName: name, role, password: 'Mat-khau-thu-1' }));
    const admin = actorOf(await mk('admin', 'Quản trị'));
    const chair = actorOf(await mk('chair', 'Chủ tọa An'));
    const secretary = actorOf(await mk('secretary', 'Thư ký Bình'));
    const meeting = await s.meetings.create(secretary, MeetingBody.parse({ title: 'Họp ký', startsAt: hours(1), endsAt: hours(2), chairId: chair.accountId, secretaryId: secretary.accountId }));
    await s.meetings.transition(secretary, meeting.id, 'published');
    await signing.addAnchor(admin, ca.pem);

    const doc = await signing.create(secretary, meeting.id, { title: 'Biên bản', fileName: 'bien-ban.pdf' }, await makeSamplePdf());
    // Both prepare on the same bytes; the chair finishes first.
    const body = (who: typeof chair, cert: typeof chairCert) => deviceFinishBody(signing, who, doc.id, { key: cert.keyPem, certDer: cert.certDer });
    const pc = await body(chair, chairCert);
    const ps = await body(secretary, secretaryCert);
    expect((await signing.finish(chair, doc.id, pc)).status).toBe('partially_signed');
    const late = await signing.finish(secretary, doc.id, ps).catch((e: unknown) => e);
    expect(late).toBeInstanceOf(AppError);
    expect((late as AppError).details).toMatchObject({ reason: 'changed_meanwhile' });
    // Prepared again on the new bytes, it goes through.
    const done = await signing.finish(secretary, doc.id, await body(secretary, secretaryCert));
    expect(done.status).toBe('signed');
    expect((await signing.verification(chair, doc.id)).signatures.map((x) => [x.signerName, x.intact, x.trusted])).toEqual([
      ['Nguyễn Văn An', true, true],
      ['Trần Thị Bình', true, true],
    ]);

    const v2 = await signing.create(secretary, meeting.id, { title: 'Biên bản', fileName: 'bien-ban.pdf', documentKey: doc.documentKey }, await makeSamplePdf({ title: 'v2' }));
    expect((await signing.list(chair, meeting.id)).map((d) => [d.version, d.status, d.signatures.length])).toEqual([
      [1, 'superseded', 2],
      [2, 'unsigned', 0],
    ]);
    // The secretary who put it up may sign the new version.
    expect(v2.can.sign).toBe(true);
    // Every PDF step runs in a (niced) PDF worker thread: on a loaded machine this takes longer than the default 30 s.
  }, 120_000);
});
