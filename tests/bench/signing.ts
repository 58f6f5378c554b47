/**
 * Signing benchmark: how long a PAdES signature takes (opening the PKCS#12 file, preparing the
 * incremental update with the stamp and its font subset, signing, assembling) and how long the
 * verification of a PDF with 1, 2 and 5 signatures takes, for a 2-page PDF, a 200-page PDF and the
 * shared agenda.pdf; and how many bytes each signature adds. In-process (no HTTP). Prints figures
 * only and writes test-results/bench-signing.json.
 *
 *   node --import tsx tests/bench/signing.ts      ROUNDS=5  rounds per figure (median printed)
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { openP12 } from '../support/device-p12';
import { finishSignature, prepareSignature } from '../../sfu-server/src/signing/pades';
import { verifyPdf } from '../../sfu-server/src/signing/verify';
import { makeSamplePdf, sharedAgendaPdf } from '../support/sample-pdf';
import { makeSigner, makeTestCa } from '../support/test-ca';

const ROUNDS = Math.max(1, Number(process.env.ROUNDS ?? 5));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const ms = async (f: () => unknown) => {
  const t = performance.now();
  await f();
  return performance.now() - t;
};

const ca = makeTestCa();
const signers = ['Nguyễn Văn An', 'Trần Thị Bình', 'Lê Văn Cường', 'Phạm Thị Dung', 'Hoàng Văn Em'].map((n) => makeSigner(ca, n));
const p12s = signers.map((s) => s.p12('bench-password'));

const inputs: [string, Uint8Array | null][] = [
  ['2 pages (pdf-lib)', await makeSamplePdf()],
  ['200 pages (pdf-lib)', await makeSamplePdf({ pages: 200 })],
  ['agenda.pdf (shared)', sharedAgendaPdf()],
];

const rows: Record<string, unknown>[] = [];
for (const [label, original] of inputs) {
  if (!original) {
    console.log(`${label}: not available, skipped`);
    continue;
  }
  const open: number[] = [];
  const prepare: number[] = [];
  const sign: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    let id!: ReturnType<typeof openP12>;
    open.push(await ms(() => (id = openP12(p12s[0]!, 'bench-password'))));
    let p!: Awaited<ReturnType<typeof prepareSignature>>;
    prepare.push(await ms(async () => (p = await prepareSignature(original, id.chain, { title: 'Chủ tọa' }))));
    sign.push(await ms(() => finishSignature(p, new Uint8Array(crypto.sign('sha256', p.attributes.der, id.key)))));
  }
  // A chain of 5 signatures, verified after 1, 2 and 5.
  let pdf = original;
  const sizes: number[] = [];
  const verify: Record<number, number> = {};
  for (let i = 0; i < 5; i++) {
    const id = openP12(p12s[i]!, 'bench-password');
    const p = await prepareSignature(pdf, id.chain, { title: 'Đại biểu' });
    const next = finishSignature(p, new Uint8Array(crypto.sign('sha256', p.attributes.der, id.key)));
    sizes.push(next.length - pdf.length);
    pdf = next;
    if (i === 0 || i === 1 || i === 4) {
      const times: number[] = [];
      for (let r = 0; r < ROUNDS; r++) times.push(await ms(() => verifyPdf(pdf, [ca.der])));
      verify[i + 1] = median(times);
    }
  }
  const row = {
    input: label,
    bytes: original.length,
    openP12Ms: median(open),
    prepareMs: median(prepare),
    signAndAssembleMs: median(sign),
    totalMs: median(open) + median(prepare) + median(sign),
    bytesAddedPerSignature: median(sizes),
    verify1Ms: verify[1],
    verify2Ms: verify[2],
    verify5Ms: verify[5],
  };
  rows.push(row);
}
console.table(rows.map((r) => Object.fromEntries(Object.entries(r).map(([k, v]) => [k, typeof v === 'number' && !Number.isInteger(v) ? Math.round(v * 10) / 10 : v]))));
fs.mkdirSync('test-results', { recursive: true });
fs.writeFileSync('test-results/bench-signing.json', JSON.stringify({ rounds: ROUNDS, rows }, null, 2));
