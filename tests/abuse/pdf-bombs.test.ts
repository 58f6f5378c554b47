/**
 * PDF bombs (tests/support/pdf-bombs.ts) sent while a 3-point conference runs: a delegate asks the
 * server to verify them, several at once, and the secretary uploads them to the pack. PDF parsing
 * runs in a worker pool with CPU and memory limits: each bomb gets a clear refusal (413 too
 * complex, 503 when the workers are busy, 429 over the account's rate), and the conference and
 * its signaling do not notice.
 */
import { expect, it } from 'vitest';
import { uploadFile } from '../support/documents';
import { inflateBombPdf, manyObjectsPdf } from '../support/pdf-bombs';
import { expectConferenceUnharmed } from './support/expect-unharmed';
import { liveConferenceForFile } from './support/live-conference';

const conf = liveConferenceForFile();

async function verify(token: string, pdf: Uint8Array): Promise<{ status: number; body: any }> {
  const res = await fetch(`${conf.url}/api/signing/verify`, { method: 'POST', headers: { authorization: `Bearer ${token}`, 'content-type': 'application/pdf' }, body: pdf as Uint8Array<ArrayBuffer> });
  return { status: res.status, body: await res.json().catch(() => null) };
}

it('a delegate sends 1 GiB inflate bombs and 24 MiB of tiny objects to verify, three at once: each refused clearly, nobody else notices', { timeout: 180_000 }, async () => {
  const bombs = [inflateBombPdf(), manyObjectsPdf(), inflateBombPdf()];
  const { result, report } = await conf.measure('PDF bombs: 3 verifications at once', () => Promise.all(bombs.map((b) => verify(conf.attacker.token, b))));
  console.log('verify answers', result.map((r) => `${r.status} ${r.body?.code ?? ''} ${r.body?.details?.reason ?? ''}`));
  for (const r of result) {
    expect([413, 503, 429], JSON.stringify(r.body)).toContain(r.status);
    expect(r.body.message.length).toBeGreaterThan(0);
  }
  expect(result.some((r) => r.status === 413)).toBe(true);
  expectConferenceUnharmed(report);
});

it('the secretary uploads both bombs to the pack: refused as too complex, the conference goes on', { timeout: 180_000 }, async () => {
  const agendaItemId = (await conf.secretary.api.ok('GET', `/api/meetings/${conf.meetingId}`)).agenda[0].id;
  const path = `/api/meetings/${conf.meetingId}/documents?agendaItemId=${agendaItemId}`;
  const { result, report } = await conf.measure('PDF bombs: 2 uploads', async () => [await uploadFile(conf.secretary.api, path, inflateBombPdf(), 'bom-1.pdf'), await uploadFile(conf.secretary.api, path, manyObjectsPdf(), 'bom-2.pdf')]);
  console.log('upload answers', result.map((r) => `${r.status} ${r.body?.code ?? ''} ${JSON.stringify(r.body?.details ?? '')}`));
  for (const r of result) expect([413, 503], JSON.stringify(r.body)).toContain(r.status);
  expectConferenceUnharmed(report);
});
