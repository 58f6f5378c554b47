/**
 * Files under a crash: the real server (a child process, SQLite in its data folder) is killed
 * with SIGKILL while meeting documents are uploaded, PDFs are put up for signing and signed (the
 * chair's device signs, the server writes the signed PDF), then started again on the same folder:
 * - every acknowledged file is whole (its SHA-256 matches) and readable; no temporary file of an
 *   interrupted write is left;
 * - an acknowledged file is on the disk before the answer goes out: the server is traced
 *   (strace) during an upload and a put-up: the file is fsynced, renamed into place and its folder
 *   fsynced, before the database commit, before the client hears 201;
 * - what a power cut leaves of a file written without fsync (empty, or cut short) is found when
 *   the file is read: reported as `file_damaged`, never served; uploading the same bytes again
 *   repairs it (de-duplication does not keep the damaged copy).
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { person, TestApi, type Person } from '../support/api-client';
import { downloadFile, uploadFile } from '../support/documents';
import { signOverHttp, type DeviceKeyHolder } from '../support/device-signer';
import { makeVietnamesePdf } from '../support/pdf-samples';
import { makeSigner, makeTestCa } from '../support/test-ca';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-fault-kill-'));
let server: ServerProcess;
let admin: TestApi;
let secretary: Person;
let chair: Person;
let meetingId: string;
let itemId: string;
let chairKey: DeviceKeyHolder;

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function relogin(p: Person): Promise<Person> {
  const api = await TestApi.login(server.url, p.username, 'Mat-khau-thu-1');
  return { ...p, api, token: api.token! };
}

beforeAll(async () => {
  server = await startServerProcess(dataDir);
  admin = await TestApi.admin(server.url);
  secretary = await person(admin, 'secretary', 'Thư ký Trần Thị Thư');
  chair = await person(admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
  const start = new Date(Date.now() + 3600_000);
  const m = await secretary.api.ok('POST', '/api/meetings', { title: 'Họp khi máy chủ bị tắt đột ngột', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
  meetingId = m.id;
  const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${meetingId}/agenda`, { items: [{ title: 'Báo cáo', durationMinutes: 30 }] });
  itemId = withAgenda.agenda[0].id;
  await secretary.api.ok('PUT', `/api/meetings/${meetingId}/invitations`, { delegateIds: [] });
  await secretary.api.ok('POST', `/api/meetings/${meetingId}/transition`, { to: 'published' });
  const ca = makeTestCa();
  await admin.ok('POST', '/api/signing/trust-anchors', { certificate: ca.pem });
  const cert = makeSigner(ca, 'Nguyễn Văn Chủ');
  chairKey = { key: cert.keyPem, certDer: cert.certDer, chainDer: [ca.der] };
}, 120_000);

afterAll(async () => {
  await server?.stop();
  fs.rmSync(dataDir, { recursive: true, force: true });
});

const uploadPath = () => `/api/meetings/${meetingId}/documents?agendaItemId=${itemId}`;

async function putUp(api: TestApi, pdf: Uint8Array, title: string) {
  const q = new URLSearchParams({ title, fileName: 'bien-ban.pdf' });
  const res = await fetch(`${server.url}/api/meetings/${meetingId}/signed-documents?${q}`, { method: 'POST', headers: { authorization: `Bearer ${api.token}`, 'content-type': 'application/pdf' }, body: Buffer.from(pdf) });
  return { status: res.status, body: (await res.json().catch(() => null)) as any };
}

async function signedFile(api: TestApi, id: string) {
  const res = await fetch(`${server.url}/api/signed-documents/${id}/file`, { headers: { authorization: `Bearer ${api.token}` } });
  return { status: res.status, bytes: new Uint8Array(await res.arrayBuffer()) };
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

it('SIGKILL while uploads and signing put-ups are in flight: every acknowledged file is whole and readable after the restart', async () => {
  // Distinct PDFs of a few hundred KB, made before the clock starts.
  const pdfs: Buffer[] = [];
  for (let i = 0; i < 24; i++) pdfs.push(await makeVietnamesePdf({ pages: 2 + (i % 3), title: `Tài liệu số ${i + 1}` }));
  const uploads: { documentId: string; versionId: string; sha256: string }[] = [];
  const putUps: { id: string; sha256: string }[] = [];
  const signatures: { id: string; sha256: string }[] = [];
  // Documents put up beforehand, for the chair to sign while the server is killed.
  const toSign: string[] = [];
  for (let i = 0; i < 8; i++) {
    const r = await putUp(secretary.api, await makeVietnamesePdf({ pages: 2, title: `Nghị quyết số ${i + 1}` }), `Nghị quyết số ${i + 1}`);
    expect(r.status).toBe(201);
    toSign.push(r.body.id);
  }
  let killed = false;
  let next = 0;
  const signer = async () => {
    for (const id of toSign) {
      if (killed) return;
      try {
        const r = await signOverHttp(chair.api, id, chairKey, 'Chủ tọa cuộc họp');
        if (r.status === 200 && !killed) signatures.push({ id, sha256: r.body.sha256 });
        else if (r.status !== 200 && !killed) throw new Error(`signing refused: ${r.status} ${JSON.stringify(r.body)}`);
      } catch (err) {
        if (!killed) throw err;
      }
    }
  };
  const worker = async (kind: 'upload' | 'sign') => {
    while (!killed && next < pdfs.length) {
      const pdf = pdfs[next++]!;
      try {
        if (kind === 'upload') {
          const r = await uploadFile(secretary.api, uploadPath(), pdf, `tai-lieu-${next}.pdf`);
          if (r.status === 201 && !killed) uploads.push({ documentId: r.body.id, versionId: r.body.versions[0].id, sha256: sha(pdf) });
        } else {
          const r = await putUp(secretary.api, pdf, `Văn bản ký số ${next}`);
          if (r.status === 201 && !killed) putUps.push({ id: r.body.id, sha256: sha(pdf) });
        }
      } catch {
        /* the server is gone: this request was never acknowledged */
      }
    }
  };
  const workers = [worker('upload'), worker('upload'), worker('sign'), signer()];
  // Killed while requests are still in flight (after the first few answers of each kind).
  while ((uploads.length + putUps.length < 6 || signatures.length < 2) && next < pdfs.length) await sleep(10);
  killed = true;
  await server.kill9();
  await Promise.all(workers);
  console.info(`[SIGKILL] acknowledged before the kill: ${uploads.length} uploads, ${putUps.length} put-ups for signing, ${signatures.length} signatures; ${next} of ${pdfs.length} files sent`);
  expect(uploads.length).toBeGreaterThan(0);
  expect(putUps.length).toBeGreaterThan(0);
  expect(signatures.length).toBeGreaterThan(0);

  server = await startServerProcess(dataDir);
  secretary = await relogin(secretary);
  for (const u of uploads) {
    const got = await downloadFile(secretary.api, u.documentId, u.versionId);
    expect(got.status, `upload ${u.documentId}`).toBe(200);
    expect(sha(got.bytes)).toBe(u.sha256);
  }
  for (const p of putUps) {
    const got = await signedFile(secretary.api, p.id);
    expect(got.status, `put-up ${p.id}`).toBe(200);
    expect(sha(got.bytes)).toBe(p.sha256);
  }
  // Every acknowledged signature: the signed PDF is there, whole, and its signature verifies.
  for (const s of signatures) {
    const got = await signedFile(secretary.api, s.id);
    expect(got.status, `signed ${s.id}`).toBe(200);
    expect(sha(got.bytes)).toBe(s.sha256);
    const report = await secretary.api.ok('GET', `/api/signed-documents/${s.id}/verification`);
    expect(report.signatures.map((x: { intact: boolean }) => x.intact)).toEqual([true]);
  }
  // Nothing half-written stays behind: the uploads' temporary folder is empty, and every file in
  // the stores is a whole file named by its own hash.
  expect(fs.readdirSync(path.join(dataDir, 'documents/tmp'))).toEqual([]);
  for (const f of [...filesUnder(path.join(dataDir, 'documents')), ...filesUnder(path.join(dataDir, 'signed-documents'))]) {
    expect(path.basename(f), f).toMatch(/^[0-9a-f]{64}\.pdf$/);
    expect(sha(fs.readFileSync(f)), f).toBe(path.basename(f, '.pdf'));
  }
}, 180_000);

/** Traces file syncs and renames of the server process (all its threads: libuv's pool does the fs work). */
function traceServer(proc: ChildProcess, outFile: string): { stop(): Promise<string[]> } {
  const tracer = spawn('strace', ['-f', '-qq', '-y', '-e', 'trace=fsync,fdatasync,rename,renameat,renameat2', '-o', outFile, '-p', String(proc.pid)], { stdio: 'ignore' });
  return {
    async stop() {
      await sleep(300);
      tracer.kill('SIGINT');
      await new Promise((r) => tracer.once('exit', r));
      return fs.readFileSync(outFile, 'utf8').split('\n').filter(Boolean);
    },
  };
}

it('an acknowledged file was fsynced, renamed into place and its folder fsynced before the database row committed', async () => {
  expect(spawnSync('strace', ['-V']).status, 'strace is installed by scripts/setup.sh --test').toBe(0);
  const traceFile = path.join(os.tmpdir(), `phonghop-strace-${process.pid}.txt`);
  const pdf = await makeVietnamesePdf({ pages: 2, title: 'Tài liệu theo dõi fsync' });
  const signPdf = await makeVietnamesePdf({ pages: 2, title: 'Văn bản ký theo dõi fsync' });
  const trace = traceServer(server.proc, traceFile);
  await sleep(700); // strace attaches to every thread
  const up = await uploadFile(secretary.api, uploadPath(), pdf, 'theo-doi.pdf');
  expect(up.status).toBe(201);
  const put = await putUp(secretary.api, signPdf, 'Văn bản ký theo dõi');
  expect(put.status).toBe(201);
  const lines = await trace.stop();
  fs.rmSync(traceFile, { force: true });

  for (const [hash, folder] of [
    [sha(pdf), `documents/${sha(pdf).slice(0, 2)}`],
    [sha(signPdf), 'signed-documents'],
  ] as const) {
    const target = path.join(dataDir, folder, `${hash}.pdf`);
    const renameAt = lines.findIndex((l) => /^\d+\s+rename/.test(l) && l.includes(`${target}"`) && l.endsWith('= 0'));
    expect(renameAt, `rename into ${target}:\n${lines.join('\n')}`).toBeGreaterThan(-1);
    // The temporary file that was renamed was fsynced before the rename.
    // rename("from", "to") or renameat2(AT_FDCWD</cwd>, "from", AT_FDCWD</cwd>, "to", flags)
    const tmp = /rename\w*\((?:(?:AT_FDCWD|\d+)(?:<[^>]*>)?, )?"([^"]+)"/.exec(lines[renameAt]!)![1]!;
    const fileSync = lines.findIndex((l, i) => i < renameAt && /f(data)?sync\(\d+<([^>]+)>/.test(l) && l.includes(`<${tmp}>`));
    expect(fileSync, `fsync of ${tmp} before its rename`).toBeGreaterThan(-1);
    // The folder was fsynced after the rename...
    const dirSync = lines.findIndex((l, i) => i > renameAt && /f(data)?sync\(/.test(l) && l.includes(`<${path.dirname(target)}>`));
    expect(dirSync, `fsync of ${path.dirname(target)} after the rename`).toBeGreaterThan(-1);
    // ...and only then did the store commit (SQLite syncs its WAL at each commit).
    const walSync = lines.findIndex((l, i) => i > dirSync && /f(data)?sync\(\d+<[^>]*phonghop\.sqlite-wal>/.test(l));
    expect(walSync, 'the database commit after the folder fsync').toBeGreaterThan(-1);
  }
}, 60_000);

it('a file a power cut left empty or cut short is reported, not served, and the same upload repairs it', async () => {
  const pdf = await makeVietnamesePdf({ pages: 3, title: 'Tài liệu bị hỏng sau mất điện' });
  const up = await uploadFile(secretary.api, uploadPath(), pdf, 'hong.pdf');
  expect(up.status).toBe(201);
  const signPdf = await makeVietnamesePdf({ pages: 2, title: 'Biên bản bị hỏng sau mất điện' });
  const put = await putUp(secretary.api, signPdf, 'Biên bản');
  expect(put.status).toBe(201);
  const docFile = path.join(dataDir, 'documents', sha(pdf).slice(0, 2), `${sha(pdf)}.pdf`);
  const signedPath = path.join(dataDir, 'signed-documents', `${sha(signPdf)}.pdf`);

  // What a power cut does to a file whose data never reached the disk: empty, or only a part.
  for (const damage of [(f: string) => fs.truncateSync(f, 0), (f: string) => fs.truncateSync(f, Math.floor(fs.statSync(f).size / 2))]) {
    damage(docFile);
    damage(signedPath);
    const got = await downloadFile(secretary.api, up.body.id, up.body.versions[0].id);
    expect(got.status).toBe(500);
    expect(JSON.parse(got.bytes.toString('utf8'))).toMatchObject({ code: 'file_damaged', messageKey: 'apiErrors.file_damaged' });
    const signedGot = await signedFile(secretary.api, put.body.id);
    expect(signedGot.status).toBe(500);
    expect(JSON.parse(Buffer.from(signedGot.bytes).toString('utf8'))).toMatchObject({ code: 'file_damaged' });

    // The same bytes uploaded again (a new version; a new put-up) repair the stored file.
    const again = await uploadFile(secretary.api, `/api/documents/${up.body.id}/versions`, pdf, 'hong.pdf');
    expect(again.status, JSON.stringify(again.body)).toBe(201);
    const repaired = await downloadFile(secretary.api, up.body.id, up.body.versions[0].id);
    expect(repaired.status).toBe(200);
    expect(sha(repaired.bytes)).toBe(sha(pdf));
    const putAgain = await putUp(secretary.api, signPdf, 'Biên bản (tải lại)');
    expect(putAgain.status).toBe(201);
    const signedRepaired = await signedFile(secretary.api, put.body.id);
    expect(signedRepaired.status).toBe(200);
    expect(sha(signedRepaired.bytes)).toBe(sha(signPdf));
  }
}, 60_000);
