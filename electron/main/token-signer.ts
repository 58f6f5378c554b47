/**
 * Signing with a PKCS#11 token (the USB tokens officials carry) through graphene-pk11: the private
 * key never leaves the token. The server prepares the signature and sends the DER of the CMS
 * signed attributes; the token signs them (SHA-256 with RSA PKCS#1 v1.5, or ECDSA); the server
 * assembles the signed PDF. Plain Node: used by the Electron main process, tested against SoftHSM2.
 *
 * The vendor's PKCS#11 library is loaded from the paths given (settings, `PHONGHOP_PKCS11_MODULES`).
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import type * as Graphene from 'graphene-pk11';
import type { TokenCertificate, TokenSignError } from '../../common/desktop-api.js';

export class TokenSignerError extends Error {
  constructor(
    readonly code: TokenSignError,
    message: string,
  ) {
    super(message);
    this.name = 'TokenSignerError';
  }
}

/** Well-known module locations tried when none is configured. */
export const DEFAULT_PKCS11_MODULES: Record<string, string[]> = {
  linux: ['/usr/lib/x86_64-linux-gnu/opensc-pkcs11.so', '/usr/lib/opensc-pkcs11.so', '/usr/lib/libeTPkcs11.so'],
  win32: ['C:\\Windows\\System32\\opensc-pkcs11.dll', 'C:\\Windows\\System32\\eTPKCS11.dll'],
  darwin: ['/Library/OpenSC/lib/opensc-pkcs11.so', '/usr/local/lib/libeTPkcs11.dylib'],
};

export function configuredModules(env: NodeJS.ProcessEnv = process.env, platform: NodeJS.Platform = process.platform, extra: string[] = []): string[] {
  const fromEnv = (env.PHONGHOP_PKCS11_MODULES ?? '').split(platform === 'win32' ? ';' : ':').filter(Boolean);
  return [...new Set([...extra, ...fromEnv, ...(DEFAULT_PKCS11_MODULES[platform] ?? [])])].filter((p) => fs.existsSync(p));
}

/** The native PKCS#11 binding, loaded on first use: the app starts (and runs) without it until a token is used. */
let grapheneModule: typeof Graphene | undefined;
function graphene(): typeof Graphene {
  return (grapheneModule ??= createRequire(import.meta.url)('graphene-pk11') as typeof Graphene);
}

interface Loaded {
  path: string;
  module: Graphene.Module;
}

const hex = (b: Buffer) => b.toString('hex');

/** "module index:slot index:CKA_ID hex": stable while the token stays plugged in. */
function certificateId(moduleIndex: number, tokenSerial: string, ckaId: Buffer): string {
  return `${moduleIndex}:${tokenSerial.trim()}:${hex(ckaId)}`;
}

export class TokenSigner {
  readonly #modules: Loaded[] = [];

  constructor(modulePaths: string[]) {
    for (const path of modulePaths) {
      try {
        const module = graphene().Module.load(path);
        module.initialize();
        this.#modules.push({ path, module });
      } catch {
        // A library that cannot be loaded is skipped: another vendor's token may still work.
      }
    }
  }

  get modulePaths(): string[] {
    return this.#modules.map((m) => m.path);
  }

  /** Certificates on every present token (public objects: no PIN needed). */
  listCertificates(): TokenCertificate[] {
    const out: TokenCertificate[] = [];
    this.#modules.forEach(({ module }, moduleIndex) => {
      const slots = module.getSlots(true);
      for (let i = 0; i < slots.length; i++) {
        const slot = slots.items(i);
        let token: Graphene.Token;
        let session: Graphene.Session;
        try {
          token = slot.getToken();
          // Empty slots of a reader, and tokens never initialised, have nothing to list.
          if (!(token.flags & graphene().TokenFlag.TOKEN_INITIALIZED)) continue;
          session = slot.open(graphene().SessionFlag.SERIAL_SESSION);
        } catch {
          continue;
        }
        try {
          const objects = session.find({ class: graphene().ObjectClass.CERTIFICATE, certType: graphene().CertificateType.X_509 });
          for (let k = 0; k < objects.length; k++) {
            const cert = objects.items(k).toType<Graphene.X509Certificate>();
            const der = cert.value;
            let x509: crypto.X509Certificate;
            try {
              x509 = new crypto.X509Certificate(der);
            } catch {
              continue;
            }
            if (x509.ca) continue;
            out.push({
              id: certificateId(moduleIndex, token.serialNumber, cert.id),
              tokenLabel: token.label.trim(),
              label: cert.label,
              subject: commonName(x509.subject),
              issuer: commonName(x509.issuer),
              notAfter: new Date(x509.validTo).toISOString(),
              certificate: der.toString('base64'),
              chain: chainOnToken(session, x509).map((c) => c.raw.toString('base64')),
            });
          }
        } finally {
          session.close();
        }
      }
    });
    return out;
  }

  /** Signs `data` (the DER of the signed attributes) with the key paired with the certificate. */
  sign(id: string, pin: string, data: Uint8Array): Uint8Array {
    const [moduleIndex, serial, ckaId] = id.split(':');
    const loaded = this.#modules[Number(moduleIndex)];
    if (!loaded || serial === undefined || !ckaId || !/^[0-9a-f]*$/.test(ckaId)) throw new TokenSignerError('not_found', 'the certificate is not on a connected token');
    const slots = loaded.module.getSlots(true);
    for (let i = 0; i < slots.length; i++) {
      const slot = slots.items(i);
      try {
        const token = slot.getToken();
        if (!(token.flags & graphene().TokenFlag.TOKEN_INITIALIZED) || token.serialNumber.trim() !== serial) continue;
      } catch {
        continue;
      }
      const session = slot.open(graphene().SessionFlag.SERIAL_SESSION);
      try {
        try {
          session.login(pin, graphene().UserType.USER);
        } catch (err) {
          const msg = String((err as Error).message);
          if (/PIN_INCORRECT|PIN_LEN_RANGE/.test(msg)) throw new TokenSignerError('pin_incorrect', 'wrong PIN');
          if (/PIN_LOCKED/.test(msg)) throw new TokenSignerError('pin_locked', 'the token is locked: too many wrong PINs');
          if (!/USER_ALREADY_LOGGED_IN/.test(msg)) throw new TokenSignerError('token_error', msg);
        }
        const keys = session.find({ class: graphene().ObjectClass.PRIVATE_KEY, id: Buffer.from(ckaId, 'hex') });
        if (keys.length === 0) throw new TokenSignerError('not_found', 'no private key on the token for this certificate');
        const key = keys.items(0).toType<Graphene.PrivateKey>();
        const mechanisms = slot.getMechanisms();
        const has = (name: string) => {
          for (let m = 0; m < mechanisms.length; m++) if (mechanisms.items(m).name === name) return true;
          return false;
        };
        try {
          if (key.type === graphene().KeyType.RSA) {
            if (has('SHA256_RSA_PKCS')) return new Uint8Array(session.createSign('SHA256_RSA_PKCS', key).once(Buffer.from(data)));
            // Tokens without hash-and-sign: the DigestInfo (RFC 8017 9.2) is built here, the RSA operation runs on the token.
            const digestInfo = Buffer.concat([Buffer.from('3031300d060960864801650304020105000420', 'hex'), crypto.createHash('sha256').update(data).digest()]);
            return new Uint8Array(session.createSign('RSA_PKCS', key).once(digestInfo));
          }
          if (key.type === graphene().KeyType.EC) {
            const raw = session.createSign('ECDSA', key).once(crypto.createHash('sha256').update(data).digest());
            return ecdsaRawToDer(raw);
          }
        } catch (err) {
          throw new TokenSignerError('token_error', String((err as Error).message));
        }
        throw new TokenSignerError('token_error', 'unsupported key type on the token');
      } finally {
        try {
          session.logout();
        } catch {
          /* not logged in */
        }
        session.close();
      }
    }
    throw new TokenSignerError('not_found', 'the token is not connected');
  }

  close(): void {
    for (const { module } of this.#modules.splice(0)) {
      try {
        module.finalize();
      } catch {
        /* already finalized */
      }
    }
  }
}

function commonName(dn: string): string {
  return /(?:^|\n)CN=([^\n]+)/.exec(dn)?.[1] ?? dn;
}

/** The issuers of `leaf` found among the token's CA certificates. */
function chainOnToken(session: Graphene.Session, leaf: crypto.X509Certificate): crypto.X509Certificate[] {
  const cas: crypto.X509Certificate[] = [];
  const objects = session.find({ class: graphene().ObjectClass.CERTIFICATE });
  for (let k = 0; k < objects.length; k++) {
    try {
      const c = new crypto.X509Certificate(objects.items(k).toType<Graphene.X509Certificate>().value);
      if (c.ca) cas.push(c);
    } catch {
      /* not X.509 */
    }
  }
  const chain: crypto.X509Certificate[] = [];
  for (let cur = leaf; chain.length < 5; ) {
    const issuer = cas.find((c) => !chain.includes(c) && cur.checkIssued(c) && c.fingerprint256 !== cur.fingerprint256);
    if (!issuer) break;
    chain.push(issuer);
    cur = issuer;
  }
  return chain;
}

/** PKCS#11 ECDSA gives r‖s; CMS wants ECDSA-Sig-Value (DER SEQUENCE of two INTEGERs). */
export function ecdsaRawToDer(raw: Buffer): Uint8Array {
  const half = raw.length / 2;
  const int = (b: Buffer) => {
    let v = b;
    while (v.length > 1 && v[0] === 0 && (v[1]! & 0x80) === 0) v = v.subarray(1);
    if (v[0]! & 0x80) v = Buffer.concat([Buffer.from([0]), v]);
    return Buffer.concat([Buffer.from([0x02, v.length]), v]);
  };
  const body = Buffer.concat([int(raw.subarray(0, half)), int(raw.subarray(half))]);
  const len = body.length < 128 ? Buffer.from([body.length]) : Buffer.from([0x81, body.length]);
  return new Uint8Array(Buffer.concat([Buffer.from([0x30]), len, body]));
}
