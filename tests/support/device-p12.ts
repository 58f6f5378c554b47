/**
 * Opens a PKCS#12 file the way the signing device does (common/signing/p12.ts) and hands back a
 * node:crypto key and the pkijs chain, for tests and benches that sign with `signWithKey`.
 */
import crypto from 'node:crypto';
import { readP12 } from '../../common/signing/p12';
import { orderChain, parseCertificate } from '../../sfu-server/src/signing/cms';

export function openP12(p12: Uint8Array, password: string) {
  const id = readP12(p12, password);
  const [signer, ...others] = id.certificates.map(parseCertificate);
  return { key: crypto.createPrivateKey({ key: Buffer.from(id.key.pkcs8), format: 'der', type: 'pkcs8' }), chain: orderChain(signer!, others) };
}
