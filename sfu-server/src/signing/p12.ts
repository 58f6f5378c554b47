/**
 * Opens a PKCS#12 (.p12/.pfx) file in memory with node-forge: the private key (as a node:crypto
 * KeyObject) and the certificate chain. Nothing is written anywhere; the caller drops both after
 * signing.
 */
import crypto from 'node:crypto';
import forge from 'node-forge';
import type * as pkijs from 'pkijs';
import { AppError } from '../errors';
import { certificateDer, orderChain, parseCertificate } from './cms';

export interface P12Identity {
  key: crypto.KeyObject;
  chain: pkijs.Certificate[];
}

export const MAX_P12_BYTES = 256 * 1024;

/**
 * node-forge passes a PKCS#12 password to PBKDF2 (PBES2: the AES files of OpenSSL 3 and recent
 * Windows) as a JS string taken byte by byte, so a password with Vietnamese letters never matched.
 * PKCS#12 v1.1 (RFC 7292, B.1) and OpenSSL use its UTF-8 bytes there (and BMPString for the MAC
 * and the legacy PBEs, which forge already does). This wraps forge's PBES2 step once to do so.
 */
let pbes2Patched = false;
function patchForgePbes2(): void {
  if (pbes2Patched) return;
  pbes2Patched = true;
  const pbe = (forge.pki as unknown as { pbe: unknown }).pbe as { getCipherForPBES2: (oid: string, params: unknown, password: string) => unknown };
  const original = pbe.getCipherForPBES2.bind(pbe);
  pbe.getCipherForPBES2 = (oid, params, password) => original(oid, params, forge.util.encodeUtf8(password));
}

export function openP12(p12: Uint8Array, password: string): P12Identity {
  if (p12.length === 0 || p12.length > MAX_P12_BYTES) throw new AppError('bad_request', 'the PKCS#12 file is empty or too large');
  patchForgePbes2();
  let store: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(p12).toString('binary')));
    store = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (err) {
    const msg = (err as Error).message ?? '';
    if (/password|MAC|decrypt/i.test(msg)) throw new AppError('bad_request', 'wrong password for the PKCS#12 file', { reason: 'p12_password' });
    throw new AppError('bad_request', `not a readable PKCS#12 file: ${msg}`, { reason: 'p12_invalid' });
  }
  const keyBags = [
    ...(store.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(store.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const certBags = store.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const keyBag = keyBags[0];
  if (!keyBag) throw new AppError('bad_request', 'the PKCS#12 file holds no private key', { reason: 'p12_invalid' });
  let key: crypto.KeyObject;
  if (keyBag.key) {
    key = crypto.createPrivateKey(forge.pki.privateKeyToPem(keyBag.key));
  } else if (keyBag.asn1) {
    // Non-RSA keys (EC): forge keeps the decrypted PrivateKeyInfo; node:crypto reads it.
    key = crypto.createPrivateKey({ key: Buffer.from(forge.asn1.toDer(keyBag.asn1).getBytes(), 'binary'), format: 'der', type: 'pkcs8' });
  } else {
    throw new AppError('bad_request', 'the private key of the PKCS#12 file cannot be read', { reason: 'p12_invalid' });
  }
  const certs = certBags.flatMap((bag) => {
    if (bag.cert) return [parseCertificate(new Uint8Array(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes(), 'binary')))];
    if (bag.asn1) return [parseCertificate(new Uint8Array(Buffer.from(forge.asn1.toDer(bag.asn1).getBytes(), 'binary')))];
    return [];
  });
  // The signer is the certificate whose public key matches the private key.
  const publicDer = crypto.createPublicKey(key).export({ format: 'der', type: 'spki' });
  const signer = certs.find((c) => Buffer.compare(new crypto.X509Certificate(Buffer.from(certificateDer(c))).publicKey.export({ format: 'der', type: 'spki' }), publicDer) === 0);
  if (!signer) throw new AppError('bad_request', 'the PKCS#12 file holds no certificate for its private key', { reason: 'p12_invalid' });
  return { key, chain: orderChain(signer, certs) };
}
