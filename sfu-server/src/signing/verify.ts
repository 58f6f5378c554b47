/**
 * Verifies every signature of a PDF: which bytes it covers (ByteRange), whether they are unchanged
 * (message digest + signature value, with node:crypto), who signed and when (CMS, pkijs), whether
 * the document changed after it (later incremental updates), and whether the signer's certificate
 * chains to one of the trusted authorities (pkijs CertificateChainValidationEngine).
 * Revocation (CRL/OCSP) is not checked: the app runs on a closed network.
 */
import crypto from 'node:crypto';
import * as asn1js from 'asn1js';
import { PDFArray, PDFDict, PDFHexString, PDFName, PDFNumber, PDFRef, PDFString, type PDFDocument } from 'pdf-lib';
import * as pkijs from 'pkijs';
import type { SignatureCheck, SignatureProblem, TrustProblem, VerificationReport } from '../../../common/api/signing';
import { AppError } from '../errors';
import { OID, certificateDer, fingerprint, toArrayBuffer } from './cms';
import { loadPdf } from './pdf-placeholder';
import { subjectFields } from './pades';

const HASHES: Record<string, string> = { [OID.sha1]: 'sha1', [OID.sha256]: 'sha256', [OID.sha384]: 'sha384', [OID.sha512]: 'sha512' };
const SIG_HASH: Record<string, string> = {
  [OID.sha1WithRSA]: 'sha1',
  [OID.sha256WithRSA]: 'sha256',
  [OID.sha384WithRSA]: 'sha384',
  [OID.sha512WithRSA]: 'sha512',
  [OID.ecdsaWithSHA256]: 'sha256',
  [OID.ecdsaWithSHA384]: 'sha384',
  [OID.ecdsaWithSHA512]: 'sha512',
};
const RSASSA_PSS = '1.2.840.113549.1.1.10';

interface FoundSignature {
  byteRange: number[] | null;
  fieldName: string | null;
  pageNumber: number | null;
  subFilter: string;
  name: string;
  m: string;
  reason: string;
  location: string;
}

function fromDict(dict: PDFDict, fieldName: string | null, pageNumber: number | null): FoundSignature {
  return {
    byteRange: byteRangeOf(dict),
    fieldName,
    pageNumber,
    subFilter: nameValue(dict, 'SubFilter'),
    name: nameValue(dict, 'Name'),
    m: nameValue(dict, 'M'),
    reason: nameValue(dict, 'Reason'),
    location: nameValue(dict, 'Location'),
  };
}

/** Signatures found by their ByteRange in the raw bytes: for files too damaged to parse. */
function scanRaw(pdf: Uint8Array): FoundSignature[] {
  const text = latin1(pdf, 0, pdf.length);
  return [...text.matchAll(/\/ByteRange\s*\[\s*(\d+)\s+(\d+)\s+(\d+)\s+(\d+)\s*\]/g)].map((m) => ({
    byteRange: [Number(m[1]), Number(m[2]), Number(m[3]), Number(m[4])],
    fieldName: null,
    pageNumber: null,
    subFilter: '',
    name: '',
    m: '',
    reason: '',
    location: '',
  }));
}

const latin1 = (b: Uint8Array, s: number, e: number) => Buffer.from(b.buffer, b.byteOffset + s, e - s).toString('latin1');

function findSignatures(doc: PDFDocument): FoundSignature[] {
  const found = new Map<PDFDict, FoundSignature>();
  const pageOf = new Map<PDFRef, number>();
  const pageOfWidget = new Map<PDFDict, number>();
  try {
    doc.getPages().forEach((p, i) => {
      pageOf.set(p.ref, i + 1);
      const annots = p.node.lookup(PDFName.of('Annots'));
      if (annots instanceof PDFArray) for (let k = 0; k < annots.size(); k++) {
        const a = doc.context.lookup(annots.get(k));
        if (a instanceof PDFDict) pageOfWidget.set(a, i + 1);
      }
    });
  } catch {
    // A damaged page tree: the signatures are still checked, without page numbers.
  }
  const walk = (fields: unknown, prefix: string, depth: number) => {
    if (!(fields instanceof PDFArray) || depth > 20) return;
    for (let i = 0; i < fields.size(); i++) {
      const field = doc.context.lookup(fields.get(i));
      if (!(field instanceof PDFDict)) continue;
      const t = field.lookup(PDFName.of('T'));
      const name = t instanceof PDFString || t instanceof PDFHexString ? prefix + t.decodeText() : prefix.replace(/\.$/, '');
      const v = field.lookup(PDFName.of('V'));
      if (v instanceof PDFDict && v.has(PDFName.of('ByteRange'))) {
        const p = field.get(PDFName.of('P'));
        const page = pageOfWidget.get(field) ?? (p instanceof PDFRef ? pageOf.get(p) : undefined) ?? null;
        found.set(v, fromDict(v, name || null, page));
      }
      walk(field.lookup(PDFName.of('Kids')), name ? `${name}.` : prefix, depth + 1);
    }
  };
  try {
    const acro = doc.catalog.lookup(PDFName.of('AcroForm'));
    if (acro instanceof PDFDict) walk(acro.lookup(PDFName.of('Fields')), '', 0);
  } catch {
    // A damaged form: the scan below still finds the signature dictionaries.
  }
  // Signature dictionaries not reachable from the form (damaged forms) are still verified.
  for (const [, obj] of doc.context.enumerateIndirectObjects()) {
    if (obj instanceof PDFDict && obj.has(PDFName.of('ByteRange')) && obj.has(PDFName.of('Contents')) && !found.has(obj)) {
      found.set(obj, fromDict(obj, null, null));
    }
  }
  return [...found.values()];
}

function nameValue(d: PDFDict, key: string): string {
  const v = d.lookup(PDFName.of(key));
  if (v instanceof PDFName) return v.decodeText();
  if (v instanceof PDFString || v instanceof PDFHexString) return v.decodeText();
  return '';
}

function byteRangeOf(d: PDFDict): number[] | null {
  const br = d.lookup(PDFName.of('ByteRange'));
  if (!(br instanceof PDFArray) || br.size() !== 4) return null;
  const out: number[] = [];
  for (let i = 0; i < 4; i++) {
    const n = br.lookup(i);
    if (!(n instanceof PDFNumber)) return null;
    out.push(n.asNumber());
  }
  return out;
}

/** Ends of the revisions: just past each %%EOF (and its end-of-line). */
function revisionEnds(pdf: Uint8Array): number[] {
  const buf = Buffer.from(pdf.buffer, pdf.byteOffset, pdf.length);
  const ends: number[] = [];
  for (let i = buf.indexOf('%%EOF'); i >= 0; i = buf.indexOf('%%EOF', i + 5)) {
    let e = i + 5;
    while (e < buf.length && (buf[e] === 0x0d || buf[e] === 0x0a)) e++;
    ends.push(e);
  }
  return ends;
}

/** The rest of the file from `end` on is only white space (or NULs). */
function onlyWhitespaceAfter(pdf: Uint8Array, end: number): boolean {
  for (let i = end; i < pdf.length; i++) if (![0x0a, 0x0d, 0x20, 0x09, 0x00].includes(pdf[i]!)) return false;
  return true;
}

export async function verifyPdf(pdf: Uint8Array, anchorsDer: Uint8Array[]): Promise<VerificationReport> {
  if (pdf.length < 8 || latin1(pdf, 0, Math.min(pdf.length, 1024)).indexOf('%PDF-') < 0) throw new AppError('bad_request', 'not a PDF file');
  const ends = revisionEnds(pdf);
  let found: FoundSignature[] = [];
  try {
    found = findSignatures(await loadPdf(pdf));
  } catch {
    // Unreadable structure (e.g. bytes changed inside a compressed object stream).
  }
  const key = (f: FoundSignature) => (f.byteRange ?? []).join(' ');
  const seen = new Set(found.map(key));
  for (const raw of scanRaw(pdf)) if (!seen.has(key(raw))) (seen.add(key(raw)), found.push(raw));
  const anchors = parseAnchors(anchorsDer);
  const checks: SignatureCheck[] = [];
  for (const f of found) checks.push(await checkOne(pdf, f, anchors));
  checks.sort((a, b) => coverageEnd(a) - coverageEnd(b));
  // What changed after each signature: nothing, only later signed revisions, or other updates.
  const sigEnds = checks.map(coverageEnd);
  for (const c of checks) {
    const end = coverageEnd(c);
    c.coversWholeDocument = end > 0 && onlyWhitespaceAfter(pdf, end);
    if (c.coversWholeDocument) {
      c.modifiedAfter = 'none';
      continue;
    }
    const later = ends.filter((e) => e > end + 2);
    const allSigned = later.every((e) => sigEnds.some((s) => s > end && Math.abs(s - e) <= 2)) && (later.length > 0 ? onlyWhitespaceAfter(pdf, later[later.length - 1]!) : false);
    c.modifiedAfter = allSigned ? 'signed_revisions' : 'other';
  }
  return { signatures: checks, revisions: Math.max(1, ends.length), size: pdf.length };
}

function coverageEnd(c: SignatureCheck): number {
  const br = c.byteRange;
  return br.length === 4 ? br[2]! + br[3]! : 0;
}

function emptyCheck(f: FoundSignature): SignatureCheck {
  return {
    fieldName: f.fieldName,
    pageNumber: f.pageNumber,
    subFilter: f.subFilter,
    signerName: f.name,
    organization: '',
    certificateTitle: '',
    issuerName: '',
    serialNumber: '',
    signingTime: pdfDateToIso(f.m),
    reason: f.reason,
    location: f.location,
    byteRange: f.byteRange ?? [],
    intact: false,
    problem: null,
    coversWholeDocument: false,
    modifiedAfter: 'other',
    trusted: false,
    trustProblem: null,
    chain: [],
  };
}

async function checkOne(pdf: Uint8Array, f: FoundSignature, anchors: pkijs.Certificate[]): Promise<SignatureCheck> {
  const br = f.byteRange;
  const check = emptyCheck(f);
  const fail = (problem: SignatureProblem) => ((check.problem = problem), check);
  if (!br) return fail('bad_byte_range');
  const [a, b, c, d] = br as [number, number, number, number];
  // The one gap must be exactly the /Contents hex string, and the ranges must lie in the file.
  if (a !== 0 || b <= 0 || c <= b + 1 || d < 0 || c + d > pdf.length || pdf[b] !== 0x3c || pdf[c - 1] !== 0x3e) return fail('bad_byte_range');
  const hex = latin1(pdf, b + 1, c - 1).replace(/\s+/g, '');
  if (!/^[0-9a-fA-F]*$/.test(hex) || hex.length % 2) return fail('malformed');
  const raw = Buffer.from(hex, 'hex');

  let signed: pkijs.SignedData;
  try {
    const parsed = asn1js.fromBER(toArrayBuffer(new Uint8Array(raw)));
    if (parsed.offset === -1) throw new Error('not DER');
    const info = new pkijs.ContentInfo({ schema: parsed.result });
    if (info.contentType !== OID.signedData) throw new Error('not SignedData');
    signed = new pkijs.SignedData({ schema: info.content });
  } catch {
    return fail('malformed');
  }
  const si = signed.signerInfos[0];
  if (!si) return fail('malformed');
  const certs = (signed.certificates ?? []).filter((x): x is pkijs.Certificate => x instanceof pkijs.Certificate);
  const signer = certs.find((cert) => {
    if (si.sid instanceof pkijs.IssuerAndSerialNumber) return cert.issuer.isEqual(si.sid.issuer) && cert.serialNumber.isEqual(si.sid.serialNumber);
    const ski = cert.extensions?.find((e) => e.extnID === '2.5.29.14')?.parsedValue as asn1js.OctetString | undefined;
    return ski !== undefined && si.sid instanceof asn1js.OctetString && ski.isEqual(si.sid);
  });
  if (signer) {
    const s = subjectFields(signer);
    check.signerName = s.commonName || check.signerName;
    check.organization = s.organization;
    check.certificateTitle = s.title;
    check.issuerName = issuerCommonName(signer);
    check.serialNumber = Buffer.from(signer.serialNumber.valueBlock.valueHexView).toString('hex');
  }
  const attrs = si.signedAttrs?.attributes ?? [];
  const timeAttr = attrs.find((x) => x.type === OID.signingTime)?.values[0];
  if (timeAttr instanceof asn1js.UTCTime || timeAttr instanceof asn1js.GeneralizedTime) check.signingTime = timeAttr.toDate().toISOString();
  if (!signer) return fail('no_certificate');

  const hashName = HASHES[si.digestAlgorithm.algorithmId];
  if (!hashName) return fail('unsupported');
  const data = Buffer.concat([pdf.subarray(a, a + b), pdf.subarray(c, c + d)]);
  // adbe.pkcs7.sha1 carries the SHA-1 of the ranges as encapsulated content; detached types carry none.
  const eContent = signed.encapContentInfo.eContent?.getValue();
  let content: Buffer = data;
  if (eContent && eContent.byteLength > 0) {
    if (!Buffer.from(eContent).equals(crypto.createHash('sha1').update(data).digest())) return fail('digest_mismatch');
    content = Buffer.from(eContent);
  }
  let toVerify: Buffer = content;
  if (si.signedAttrs) {
    const md = attrs.find((x) => x.type === OID.messageDigest)?.values[0];
    if (!(md instanceof asn1js.OctetString)) return fail('malformed');
    if (!Buffer.from(md.valueBlock.valueHexView).equals(crypto.createHash(hashName).update(content).digest())) return fail('digest_mismatch');
    const enc = Buffer.from(si.signedAttrs.encodedValue);
    enc[0] = 0x31;
    toVerify = enc;
  }
  const sigValue = Buffer.from(si.signature.valueBlock.valueHexView);
  const sigAlg = si.signatureAlgorithm.algorithmId;
  const publicKey = new crypto.X509Certificate(Buffer.from(certificateDer(signer))).publicKey;
  let ok = false;
  try {
    if (sigAlg === RSASSA_PSS) {
      const params = new pkijs.RSASSAPSSParams({ schema: si.signatureAlgorithm.algorithmParams });
      ok = crypto.verify(HASHES[params.hashAlgorithm.algorithmId] ?? 'sha1', toVerify, { key: publicKey, padding: crypto.constants.RSA_PKCS1_PSS_PADDING, saltLength: params.saltLength }, sigValue);
    } else if (sigAlg === OID.rsaEncryption || sigAlg === OID.ecPublicKey || SIG_HASH[sigAlg]) {
      ok = crypto.verify(SIG_HASH[sigAlg] ?? hashName, toVerify, publicKey, sigValue);
    } else {
      return fail('unsupported');
    }
  } catch {
    ok = false;
  }
  if (!ok) return fail('bad_signature');
  check.intact = true;

  // Trust: a path from the signer to a configured authority, valid at the signing time.
  const at = check.signingTime ? new Date(check.signingTime) : new Date();
  const others = certs.filter((x) => x !== signer);
  check.chain = [signer, ...others].map((cert) => ({
    subject: subjectFields(cert).commonName,
    issuer: issuerCommonName(cert),
    notBefore: cert.notBefore.value.toISOString(),
    notAfter: cert.notAfter.value.toISOString(),
    fingerprint: fingerprint(certificateDer(cert)),
  }));
  const trust = await checkTrust(signer, others, anchors, at);
  check.trusted = trust === null;
  check.trustProblem = trust;
  return check;
}

function issuerCommonName(cert: pkijs.Certificate): string {
  return cert.issuer.typesAndValues.filter((tv) => tv.type === '2.5.4.3').map((tv) => String(tv.value.valueBlock.value)).join(', ');
}

/** Whether `signer` chains (through `others`) to one of the anchors (DER), valid at `at`. */
export async function certificateTrust(signer: pkijs.Certificate, others: pkijs.Certificate[], anchorsDer: Uint8Array[], at: Date): Promise<TrustProblem | null> {
  return checkTrust(signer, others, parseAnchors(anchorsDer), at);
}

function parseAnchors(anchorsDer: Uint8Array[]): pkijs.Certificate[] {
  return anchorsDer.flatMap((der) => {
    try {
      return [pkijs.Certificate.fromBER(toArrayBuffer(der))];
    } catch {
      return [];
    }
  });
}

async function checkTrust(signer: pkijs.Certificate, others: pkijs.Certificate[], anchors: pkijs.Certificate[], at: Date): Promise<TrustProblem | null> {
  if (at < signer.notBefore.value || at > signer.notAfter.value) return 'expired';
  if (anchors.length === 0) return 'untrusted';
  const engine = new pkijs.CertificateChainValidationEngine({ trustedCerts: anchors, certs: [...others, signer], checkDate: at });
  try {
    const r = await engine.verify();
    if (r.result) return null;
    return /date|valid(ity)? period|expired/i.test(r.resultMessage ?? '') ? 'expired' : 'untrusted';
  } catch {
    return 'untrusted';
  }
}

/** "D:20261123144710Z", "D:20261123214710+07'00'" → ISO; '' → null. */
export function pdfDateToIso(s: string): string | null {
  const m = /^D:(\d{4})(\d{2})?(\d{2})?(\d{2})?(\d{2})?(\d{2})?([Zz+-])?(\d{2})?'?(\d{2})?'?/.exec(s);
  if (!m) return null;
  const [, y, mo = '01', d = '01', h = '00', mi = '00', se = '00', tz, th = '00', tm = '00'] = m;
  const offset = !tz || tz === 'Z' || tz === 'z' ? 'Z' : `${tz}${th}:${tm}`;
  const date = new Date(`${y}-${mo}-${d}T${h}:${mi}:${se}${offset}`);
  return Number.isNaN(date.getTime()) ? null : date.toISOString();
}
