/**
 * The disk fills up during uploads: the real server (a child process) has its data folder on a
 * small tmpfs (8 MiB, mounted here as root, unmounted in afterAll). Meeting documents of ~1.5 MiB
 * are uploaded until the disk is full:
 * - the upload that does not fit gets a clear answer: 507 `storage_full` with its message key
 *   (Vietnamese and English texts in the locales), not a 500;
 * - nothing half-written is kept: no temporary file, no partial file, no row for it;
 * - the server keeps serving: the meeting and every stored file are still read whole;
 * - once there is room again (the tmpfs is made larger), the same upload succeeds, with no restart.
 */
import { execFileSync } from 'node:child_process';
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PDFDocument, StandardFonts } from 'pdf-lib';
import { afterAll, beforeAll, expect, it } from 'vitest';
import enLocale from '../../renderer/src/app/locales/en.json';
import viLocale from '../../renderer/src/app/locales/vi.json';
import { person, TestApi, type Person } from '../support/api-client';
import { downloadFile, uploadFile } from '../support/documents';
import { startServerProcess, type ServerProcess } from '../support/server-process';

const mountPoint = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-fault-full-'));
let mounted = false;
let server: ServerProcess | null = null;

beforeAll(() => {
  execFileSync('mount', ['-t', 'tmpfs', '-o', 'size=8m,mode=0755', 'phonghop-fault-full', mountPoint]);
  mounted = true;
});

afterAll(async () => {
  await server?.stop();
  if (mounted) execFileSync('umount', [mountPoint]);
  fs.rmSync(mountPoint, { recursive: true, force: true });
});

const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

/** A valid one-page PDF of about `bytes` (an attached file of random, incompressible bytes). */
async function bigPdf(bytes: number, title: string): Promise<Uint8Array> {
  const doc = await PDFDocument.create();
  const page = doc.addPage([595, 842]);
  page.drawText(title.normalize('NFD').replace(/[\u0300-\u036f]/g, '').replace(/[đĐ]/g, 'd'), { x: 50, y: 780, size: 16, font: await doc.embedFont(StandardFonts.Helvetica) });
  await doc.attach(randomBytes(bytes), 'phu-luc.bin', { mimeType: 'application/octet-stream' });
  return doc.save({ useObjectStreams: false });
}

function filesUnder(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { recursive: true, withFileTypes: true }).filter((e) => e.isFile()).map((e) => path.join(e.parentPath, e.name));
}

it('a full disk during uploads: a clear 507, nothing half-written kept, the server keeps serving and recovers', async () => {
  const t0 = Date.now();
  server = await startServerProcess(mountPoint);
  console.info(`[disk full] server started in ${Date.now() - t0} ms`);
  const admin = await TestApi.admin(server.url);
  const secretary: Person = await person(admin, 'secretary', 'Thư ký Trần Thị Thư');
  const chair: Person = await person(admin, 'chair', 'Chủ tọa Nguyễn Văn Chủ');
  const start = new Date(Date.now() + 3600_000);
  const m = await secretary.api.ok('POST', '/api/meetings', { title: 'Họp khi đĩa đầy', startsAt: start.toISOString(), endsAt: new Date(start.getTime() + 7200_000).toISOString(), chairId: chair.id, secretaryId: secretary.id });
  const withAgenda = await secretary.api.ok('PUT', `/api/meetings/${m.id}/agenda`, { items: [{ title: 'Báo cáo', durationMinutes: 30 }] });
  const uploadPath = `/api/meetings/${m.id}/documents?agendaItemId=${withAgenda.agenda[0].id}`;

  const stored: { documentId: string; versionId: string; sha256: string }[] = [];
  let refused: { status: number; body: any; pdf: Uint8Array } | null = null;
  for (let i = 0; i < 10 && !refused; i++) {
    const pdf = await bigPdf(1536 * 1024, `Tai lieu lon so ${i + 1}`);
    const r = await uploadFile(secretary.api, uploadPath, pdf, `tai-lieu-lon-${i + 1}.pdf`);
    if (r.status === 201) stored.push({ documentId: r.body.id, versionId: r.body.versions[0].id, sha256: sha(pdf) });
    else refused = { ...r, pdf };
  }
  console.info(`[disk full] after ${Date.now() - t0} ms: ${stored.length} uploads of 1.5 MiB stored, then ${refused?.status} ${JSON.stringify(refused?.body)}`);
  expect(server.proc.exitCode, server.output().slice(-4000)).toBeNull();
  expect(stored.length).toBeGreaterThan(0);
  expect(refused, 'the disk never filled up').not.toBeNull();
  expect(refused!.status, JSON.stringify(refused!.body)).toBe(507);
  expect(refused!.body).toMatchObject({ code: 'storage_full', messageKey: 'apiErrors.storage_full' });
  expect(viLocale.apiErrors.storage_full).toMatch(/dung lượng/);
  expect(enLocale.apiErrors.storage_full).toMatch(/space/);

  // Nothing half-written: no temporary file, every stored file whole, no row for the refused one.
  expect(fs.readdirSync(path.join(mountPoint, 'documents/tmp'))).toEqual([]);
  const files = filesUnder(path.join(mountPoint, 'documents'));
  for (const f of files) expect(sha(fs.readFileSync(f)), f).toBe(path.basename(f, '.pdf'));
  expect(files.map((f) => path.basename(f, '.pdf')).sort()).toEqual(stored.map((s) => s.sha256).sort());
  const pack = await secretary.api.ok('GET', `/api/meetings/${m.id}/documents`);
  expect(pack.items.flatMap((it: { documents: unknown[] }) => it.documents)).toHaveLength(stored.length);

  // Still serving, on a full disk: the meeting, and every stored file whole.
  expect((await secretary.api.call('GET', `/api/meetings/${m.id}`)).status).toBe(200);
  for (const s of stored) {
    const got = await downloadFile(secretary.api, s.documentId, s.versionId);
    expect(got.status).toBe(200);
    expect(sha(got.bytes)).toBe(s.sha256);
  }

  // Room again (the administrator grew the volume): the same upload goes through, no restart.
  execFileSync('mount', ['-o', 'remount,size=16m', mountPoint]);
  const again = await uploadFile(secretary.api, uploadPath, refused!.pdf, 'tai-lieu-lon-lai.pdf');
  expect(again.status, JSON.stringify(again.body)).toBe(201);
  const got = await downloadFile(secretary.api, again.body.id, again.body.versions[0].id);
  expect(sha(got.bytes)).toBe(sha(refused!.pdf));
  expect(server.proc.exitCode).toBeNull();
}, 120_000);
