/**
 * Signing a meeting document in the main process, so that nothing the page does can obtain a
 * signature over bytes the official did not see:
 *   - the page only names a document and the server's preparation (ids) and a signer (a token
 *     certificate, or a PKCS#12 file opened here);
 *   - this module downloads, from the configured server with the session, the document, its
 *     meeting, the preparation and the prepared PDF; checks that the document's bytes have the
 *     SHA-256 the server lists, that the prepared PDF is those bytes with an update appended and that
 *     its byte range leaves out only the empty signature; hashes the byte range and builds the CMS
 *     signed attributes itself (common/signing/device-signing.ts);
 *   - shows the document title, meeting, SHA-256 and signer in the app's own dialog (PIN for a
 *     token; a native confirmation for a PKCS#12 file) and signs only when the official accepts.
 * The PIN and the PKCS#12 password are typed in the app's own window (signing-prompt.ts), never in
 * the page; the page gets back the signed attributes and the signature, for the server's `finish`.
 *
 * Plain Node with its dependencies injected: unit-tested against a preparation made by the
 * server's own code, and with SoftHSM2. The ASN.1 and PKCS#12 libraries (pkijs, asn1js, node-forge,
 * through common/signing/) are loaded on first use, like the PKCS#11 binding: the app starts
 * without them.
 */
import crypto from 'node:crypto';
import type { DeviceIdentity, DeviceSignError, DeviceSignResult, P12OpenResult, SignPreparedRequest, TokenCertificate } from '../../common/desktop-api.js';
import type { DeviceKey } from '../../common/signing/device-signing.js';
import { TokenSignerError, type TokenSigner } from './token-signer.js';

const deviceSigning = () => import('../../common/signing/device-signing.js');
const p12Reader = () => import('../../common/signing/p12.js');

/** What the official is shown before signing. */
export interface SigningConfirmation {
  documentTitle: string;
  version: number;
  meetingTitle: string;
  /** SHA-256 (hex) of the document version, as downloaded and hashed here. */
  documentSha256: string;
  /** SHA-256 (hex) of the bytes the signature covers (the document plus its signature field). */
  signedDigest: string;
  signerName: string;
  issuerName: string;
  /** Where the key is: the token's label, or the PKCS#12 file's name. */
  keyLocation: string;
  server: string;
}

export interface SigningPrompts {
  /** The PIN typed in the app's own window; null when the official refuses. `error` explains a retry. */
  askPin(info: SigningConfirmation, error?: string): Promise<string | null>;
  /** A native confirmation (no secret to type): true to sign. */
  confirm(info: SigningConfirmation): Promise<boolean>;
  /** A native open dialog; null when cancelled. */
  pickP12File(): Promise<{ name: string; bytes: Uint8Array } | null>;
  /** The password of the file, typed in the app's own window; null when cancelled. */
  askP12Password(fileName: string, error?: string): Promise<string | null>;
}

/** GET on the configured server with the session: a path only, never a URL chosen by the page. */
export type ServerGet = (path: string) => Promise<{ status: number; body: Uint8Array }>;

export interface DocumentSigningDeps {
  get: ServerGet;
  /** The configured server's origin, shown in the dialog. */
  serverOrigin(): Promise<string | null>;
  prompts: SigningPrompts;
  tokenSigner?: () => Pick<TokenSigner, 'listCertificates' | 'sign'> | null;
  now?: () => number;
}

const IDENTITY_TTL_MS = 10 * 60_000;
const MAX_IDENTITIES = 3;
const MAX_ATTEMPTS = 3;

/** A JSON answer checked field by field: a hostile server gets a refusal, not a crash. */
type Shape = Record<string, 'string' | 'integer' | 'integers4' | 'strings'>;
const ok = (v: unknown, t: Shape[string]) =>
  t === 'string'
    ? typeof v === 'string'
    : t === 'integer'
      ? Number.isSafeInteger(v)
      : t === 'integers4'
        ? Array.isArray(v) && v.length === 4 && v.every((n) => Number.isSafeInteger(n) && (n as number) >= 0)
        : Array.isArray(v) && v.length > 0 && v.every((x) => typeof x === 'string');
const Doc = { id: 'string', meetingId: 'string', title: 'string', version: 'integer', sha256: 'string' } satisfies Shape;
const Meeting = { title: 'string' } satisfies Shape;
const Preparation = { preparationId: 'string', documentId: 'string', documentSha256: 'string', byteRange: 'integers4', signingTime: 'string', certificates: 'strings' } satisfies Shape;
type Parsed<S extends Shape> = { [K in keyof S]: S[K] extends 'integer' ? number : S[K] extends 'integers4' ? number[] : S[K] extends 'strings' ? string[] : string };

class Refusal extends Error {
  constructor(
    readonly code: DeviceSignError,
    message: string,
  ) {
    super(message);
  }
}

interface HeldIdentity {
  identity: DeviceIdentity;
  key: DeviceKey;
  certificateDer: Uint8Array;
  expiresAt: number;
}

const b64 = (b: Uint8Array) => Buffer.from(b).toString('base64');
const commonName = (dn: string) => /(?:^|\n)CN=([^\n]+)/.exec(dn)?.[1] ?? dn;

export class DocumentSigning {
  readonly #held = new Map<string, HeldIdentity>();
  readonly #deps: DocumentSigningDeps;

  constructor(deps: DocumentSigningDeps) {
    this.#deps = deps;
  }

  #now(): number {
    return this.#deps.now?.() ?? Date.now();
  }

  async #get(path: string): Promise<Uint8Array> {
    let res: { status: number; body: Uint8Array };
    try {
      res = await this.#deps.get(path);
    } catch (err) {
      throw new Refusal('server_error', `the server cannot be reached: ${(err as Error).message}`.slice(0, 300));
    }
    if (res.status !== 200) throw new Refusal('server_error', `the server answered ${res.status} for ${path}`);
    return res.body;
  }

  async #json<S extends Shape>(path: string, shape: S): Promise<Parsed<S>> {
    const body = await this.#get(path);
    let json: unknown;
    try {
      json = JSON.parse(Buffer.from(body).toString('utf8'));
    } catch {
      throw new Refusal('server_error', `the server's answer to ${path} is not JSON`);
    }
    if (typeof json !== 'object' || json === null || !Object.entries(shape).every(([k, t]) => ok((json as Record<string, unknown>)[k], t))) throw new Refusal('server_error', `unexpected answer to ${path}`);
    return json as Parsed<S>;
  }

  /** Native open dialog, then the password in the app's window; the key stays here, behind a handle. */
  async openP12File(): Promise<P12OpenResult> {
    try {
      const file = await this.#deps.prompts.pickP12File();
      if (!file) return { ok: false, error: 'cancelled', message: 'no file chosen' };
      let error: string | undefined;
      for (let attempt = 0; attempt < MAX_ATTEMPTS; attempt++) {
        const password = await this.#deps.prompts.askP12Password(file.name, error);
        if (password === null) return { ok: false, error: 'cancelled', message: 'cancelled' };
        const { DeviceSigningError } = await deviceSigning();
        try {
          const id = (await p12Reader()).readP12(file.bytes, password);
          const signerDer = id.certificates[0]!;
          const x509 = new crypto.X509Certificate(Buffer.from(signerDer));
          const publicFromKey = crypto.createPublicKey(crypto.createPrivateKey({ key: Buffer.from(id.key.pkcs8), format: 'der', type: 'pkcs8' })).export({ format: 'der', type: 'spki' });
          if (!Buffer.from(publicFromKey).equals(x509.publicKey.export({ format: 'der', type: 'spki' }) as Buffer)) {
            return { ok: false, error: 'p12_invalid', message: 'the certificate in the file does not belong to its private key' };
          }
          const identity: DeviceIdentity = {
            handle: crypto.randomUUID(),
            fileName: file.name.slice(0, 200),
            subject: commonName(x509.subject),
            issuer: commonName(x509.issuer),
            notAfter: new Date(x509.validTo).toISOString(),
            certificate: b64(signerDer),
            chain: id.certificates.slice(1).map(b64),
          };
          this.#sweep();
          while (this.#held.size >= MAX_IDENTITIES) this.#held.delete(this.#held.keys().next().value!);
          this.#held.set(identity.handle, { identity, key: id.key, certificateDer: signerDer, expiresAt: this.#now() + IDENTITY_TTL_MS });
          return { ok: true, identity };
        } catch (err) {
          if (err instanceof DeviceSigningError && err.code === 'p12_password') {
            error = 'Mật khẩu không đúng. Vui lòng nhập lại.';
            continue;
          }
          if (err instanceof DeviceSigningError) return { ok: false, error: err.code === 'unsupported_key' ? 'p12_invalid' : err.code, message: err.message };
          return { ok: false, error: 'p12_invalid', message: String((err as Error).message).slice(0, 300) };
        }
      }
      return { ok: false, error: 'p12_password', message: 'wrong password for the PKCS#12 file' };
    } catch (err) {
      return { ok: false, error: 'p12_invalid', message: String((err as Error).message).slice(0, 300) };
    }
  }

  #sweep(): void {
    const now = this.#now();
    for (const [handle, h] of this.#held) if (h.expiresAt < now) this.#held.delete(handle);
  }

  async signPrepared(request: SignPreparedRequest): Promise<DeviceSignResult> {
    const { DeviceSigningError } = await deviceSigning();
    try {
      return await this.#signPrepared(request);
    } catch (err) {
      if (err instanceof Refusal) return { ok: false, error: err.code, message: err.message };
      if (err instanceof DeviceSigningError) return { ok: false, error: err.code === 'document_mismatch' ? 'document_mismatch' : 'token_error', message: err.message };
      if (err instanceof TokenSignerError) return { ok: false, error: err.code, message: err.message };
      return { ok: false, error: 'token_error', message: String((err as Error).message).slice(0, 300) };
    }
  }

  async #signPrepared(request: SignPreparedRequest): Promise<DeviceSignResult> {
    const { documentId, preparationId, signer } = request;
    // The signer first: nothing is downloaded for a key that is not here.
    let certificateDer: Uint8Array;
    let keyLocation: string;
    let token: TokenCertificate | undefined;
    let held: HeldIdentity | undefined;
    const tokens = this.#deps.tokenSigner?.() ?? null;
    if (signer.kind === 'token') {
      if (!tokens) throw new Refusal('unavailable', 'no PKCS#11 module is installed or configured');
      token = tokens.listCertificates().find((c) => c.id === signer.certificateId);
      if (!token) throw new Refusal('not_found', 'the certificate is not on a connected token');
      certificateDer = new Uint8Array(Buffer.from(token.certificate, 'base64'));
      keyLocation = `Token ${token.tokenLabel}`;
    } else {
      this.#sweep();
      held = this.#held.get(signer.handle);
      if (!held) throw new Refusal('not_found', 'open the PKCS#12 file again');
      certificateDer = held.certificateDer;
      keyLocation = held.identity.fileName;
    }

    const { signedAttributesFor, signWithDeviceKey, toHex } = await deviceSigning();
    const enc = encodeURIComponent;
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
    if (!uuid.test(documentId) || !uuid.test(preparationId)) throw new Refusal('document_mismatch', 'not a document or preparation id');
    const doc = await this.#json(`/api/signed-documents/${enc(documentId)}`, Doc);
    const prep = await this.#json(`/api/signed-documents/${enc(documentId)}/preparations/${enc(preparationId)}`, Preparation);
    if (doc.id !== documentId || prep.documentId !== documentId || prep.preparationId !== preparationId) throw new Refusal('document_mismatch', 'the server answered for another document');
    if (!Buffer.from(prep.certificates[0]!, 'base64').equals(Buffer.from(certificateDer))) throw new Refusal('document_mismatch', 'this preparation is for another certificate');
    const original = await this.#get(`/api/signed-documents/${enc(documentId)}/file`);
    const documentSha256 = crypto.createHash('sha256').update(original).digest('hex');
    if (documentSha256 !== doc.sha256 || prep.documentSha256 !== doc.sha256) throw new Refusal('document_mismatch', 'the downloaded document does not have the SHA-256 the server lists');
    const prepared = await this.#get(`/api/signed-documents/${enc(documentId)}/preparations/${enc(preparationId)}/file`);
    const { digest, signedAttributes } = await signedAttributesFor(original, prepared, prep, certificateDer);
    if (!uuid.test(doc.meetingId) || !/^[0-9a-f]{64}$/.test(doc.sha256)) throw new Refusal('server_error', 'unexpected document');
    const meeting = await this.#json(`/api/meetings/${enc(doc.meetingId)}`, Meeting);

    const x509 = new crypto.X509Certificate(Buffer.from(certificateDer));
    const info: SigningConfirmation = {
      documentTitle: doc.title,
      version: doc.version,
      meetingTitle: meeting.title,
      documentSha256,
      signedDigest: toHex(digest),
      signerName: commonName(x509.subject),
      issuerName: commonName(x509.issuer),
      keyLocation,
      server: (await this.#deps.serverOrigin()) ?? '',
    };

    let signature: Uint8Array;
    if (token && tokens) {
      let error: string | undefined;
      for (let attempt = 0; ; attempt++) {
        const pin = await this.#deps.prompts.askPin(info, error);
        if (pin === null) throw new Refusal('cancelled', 'the signature was refused');
        if (pin.length === 0 || pin.length > 64) {
          error = 'Mã PIN không hợp lệ.';
          continue;
        }
        try {
          signature = tokens.sign(token.id, pin, signedAttributes);
          break;
        } catch (err) {
          if (err instanceof TokenSignerError && err.code === 'pin_incorrect' && attempt + 1 < MAX_ATTEMPTS) {
            error = 'Mã PIN không đúng. Lưu ý: token sẽ bị khóa nếu nhập sai nhiều lần.';
            continue;
          }
          throw err;
        }
      }
    } else {
      if (!(await this.#deps.prompts.confirm(info))) throw new Refusal('cancelled', 'the signature was refused');
      signature = await signWithDeviceKey(held!.key, signedAttributes);
      // One signature per opening: the key is forgotten now.
      this.#held.delete(held!.identity.handle);
    }
    if (!crypto.verify('sha256', signedAttributes, x509.publicKey, signature)) throw new Refusal('token_error', 'the signature made does not match the certificate');
    return { ok: true, signedAttributes: b64(signedAttributes), signature: b64(signature) };
  }
}
