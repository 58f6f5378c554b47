/**
 * The PKCS#11 signer of the desktop app against SoftHSM2 (a real PKCS#11 module): a token made in
 * a temp dir holds the secretary's key and certificate (and the CA's); the signer lists the
 * certificate, refuses a wrong PIN, and signs the signed attributes the server prepared; the PDF
 * verifies in the app and in pdfsig. Also through the desktop service (what IPC calls): the main
 * process signs a server preparation after the PIN was typed in its own dialog.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { readSignedAttributes } from '../../../common/signing/device-signing';
import { DocumentSigning } from '../../../electron/main/document-signing';
import { createDesktopService } from '../../../electron/main/service';
import { TokenSigner, ecdsaRawToDer } from '../../../electron/main/token-signer';
import { parseCertificate } from '../../../sfu-server/src/signing/cms';
import { finishSignature, finishWithDeviceAttributes, prepareSignature } from '../../../sfu-server/src/signing/pades';
import { verifyPdf } from '../../../sfu-server/src/signing/verify';
import { makeNssDb, pdfsig } from '../../support/pdfsig';
import { DOC_ID, PREP_ID, servedDocument } from '../../support/prepared-document';
import { makeSamplePdf } from '../../support/sample-pdf';
import { hasSoftHsm, makeSoftHsmToken, SOFTHSM_MODULE, type SoftHsmToken } from '../../support/softhsm-token';
import { makeSigner, makeTestCa, type TestCa, type TestSigner } from '../../support/test-ca';

const MODULE = SOFTHSM_MODULE;
const PIN = '246810';

let token: SoftHsmToken;
let ca: TestCa;
let secretary: TestSigner;
let signer: TokenSigner;

describe.skipIf(!hasSoftHsm)('PKCS#11 token (SoftHSM2)', () => {
  beforeAll(() => {
    ca = makeTestCa();
    secretary = makeSigner(ca, 'Trần Thị Bình');
    token = makeSoftHsmToken({ label: 'Token Thu ky', pin: PIN, soPin: '13579135', ca, signer: secretary, keyLabel: 'ky-so' });
    // Read by the module when it is initialised (below, in this process).
    process.env.SOFTHSM2_CONF = token.conf;
    signer = new TokenSigner([MODULE]);
  }, 60_000);

  afterAll(() => {
    signer?.close();
    token?.remove();
  });

  it('lists the signing certificate (not the CA) with its chain, without a PIN', () => {
    const certs = signer.listCertificates();
    expect(certs.map((c) => [c.tokenLabel, c.subject, c.issuer, c.label])).toEqual([['Token Thu ky', 'Trần Thị Bình', 'Phòng họp Test Root CA', 'ky-so']]);
    expect(Buffer.from(certs[0]!.certificate, 'base64').equals(Buffer.from(secretary.certDer))).toBe(true);
    expect(certs[0]!.chain.map((c) => Buffer.from(c, 'base64').equals(Buffer.from(ca.der)))).toEqual([true]);
  });

  it('a wrong PIN is refused with pin_incorrect; an unknown id with not_found', () => {
    const [cert] = signer.listCertificates();
    expect(() => signer.sign(cert!.id, '000000', new Uint8Array([1, 2, 3]))).toThrow(expect.objectContaining({ code: 'pin_incorrect' }));
    expect(() => signer.sign('0:nope:00', PIN, new Uint8Array([1]))).toThrow(expect.objectContaining({ code: 'not_found' }));
  });

  it('signs the prepared signed attributes on the token: valid in the app and in pdfsig', async () => {
    const [cert] = signer.listCertificates();
    const chain = [cert!.certificate, ...cert!.chain].map((b64) => parseCertificate(new Uint8Array(Buffer.from(b64, 'base64'))));
    const prepared = await prepareSignature(await makeSamplePdf(), chain, { title: 'Thư ký' });
    const signature = signer.sign(cert!.id, PIN, prepared.attributes.der);
    const pdf = finishSignature(prepared, signature);
    const s = (await verifyPdf(pdf, [ca.der])).signatures;
    expect(s.map((x) => [x.signerName, x.intact, x.trusted, x.coversWholeDocument])).toEqual([['Trần Thị Bình', true, true, true]]);
    {
      const nss = makeNssDb([ca.pem]);
      try {
        expect(pdfsig(pdf, nss).map((x) => [x.commonName, x.validation, x.certificateValidation])).toEqual([['Trần Thị Bình', 'Signature is Valid.', 'Certificate is Trusted.']]);
      } finally {
        fs.rmSync(nss, { recursive: true, force: true });
      }
    }
  });

  it('through the desktop service (what the preload calls): the app fetches the prepared document, asks the PIN in its own dialog, signs on the token', async () => {
    const served = await servedDocument(secretary.certDer, [ca.der]);
    const pins = ['111111', PIN];
    const shown: Array<{ documentSha256: string; signedDigest: string; signerName: string; error: string | undefined }> = [];
    const documentSigning = new DocumentSigning({
      get: served.get,
      serverOrigin: async () => 'https://phonghop.example.gov.vn',
      prompts: {
        askPin: async (info, error) => (shown.push({ ...info, error }), pins.shift() ?? null),
        confirm: async () => false,
        pickP12File: async () => null,
        askP12Password: async () => null,
      },
      tokenSigner: () => signer,
    });
    const service = createDesktopService({
      settings: { getServerUrl: async () => null, setServerUrl: async () => {}, getSecret: async () => null, setSecret: async () => {} },
      checkHealth: async () => ({ ok: true }) as never,
      screenShare: { listSources: async () => [], selectSource: () => {} },
      onServerUrlChanged: () => {},
      tokenSigner: () => signer,
      documentSigning,
    });
    const [cert] = await service.listTokenCertificates();
    const r = await service.signPreparedDocument({ documentId: DOC_ID, preparationId: PREP_ID, signer: { kind: 'token', certificateId: cert!.id } });
    if (!r.ok) throw new Error(r.message);
    // Wrong PIN on the real token: asked again in the app's dialog, with the reason.
    expect(shown.map((x) => [x.signerName, x.error === undefined])).toEqual([
      ['Trần Thị Bình', true],
      ['Trần Thị Bình', false],
    ]);
    expect(shown[0]!.documentSha256).toBe(crypto.createHash('sha256').update(served.original).digest('hex'));
    const attrs = new Uint8Array(Buffer.from(r.signedAttributes, 'base64'));
    expect(Buffer.from(readSignedAttributes(attrs).messageDigest!).toString('hex')).toBe(shown[0]!.signedDigest);
    const pdf = finishWithDeviceAttributes(served.prepared, attrs, new Uint8Array(Buffer.from(r.signature, 'base64')));
    expect((await verifyPdf(pdf, [ca.der])).signatures.map((x) => [x.signerName, x.intact, x.trusted])).toEqual([['Trần Thị Bình', true, true]]);
    {
      const nss = makeNssDb([ca.pem]);
      try {
        expect(pdfsig(pdf, nss).map((x) => [x.commonName, x.signatureValid, x.certificateTrusted])).toEqual([['Trần Thị Bình', true, true]]);
      } finally {
        fs.rmSync(nss, { recursive: true, force: true });
      }
    }
  });
});

describe('ECDSA signature encoding', () => {
  it('turns PKCS#11 r‖s into a DER ECDSA-Sig-Value node:crypto accepts', () => {
    const { privateKey, publicKey } = crypto.generateKeyPairSync('ec', { namedCurve: 'P-256' });
    for (let i = 0; i < 20; i++) {
      const data = crypto.randomBytes(40);
      const raw = crypto.sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' });
      expect(crypto.verify('sha256', data, publicKey, Buffer.from(ecdsaRawToDer(raw)))).toBe(true);
    }
  });
});
