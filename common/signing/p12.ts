/**
 * Reads a PKCS#12 (.p12/.pfx) file on the device with node-forge (Electron main process, or the
 * page in a browser): its private key as PKCS#8 and its certificates, the signer's first. Nothing
 * here sends anything anywhere; the caller keeps the key in memory only for one signature.
 */
import forge from 'node-forge';
import * as pkijs from 'pkijs';
import { DeviceSigningError, deviceKey, type DeviceKey } from './device-signing.js';

export const MAX_P12_BYTES = 256 * 1024;

export interface P12Identity {
  key: DeviceKey;
  /** DER certificates: the signer's first, then the others in the file. */
  certificates: Uint8Array[];
}

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

const bytesOf = (s: string) => Uint8Array.from(s, (c) => c.charCodeAt(0));
const binary = (b: Uint8Array) => Array.from(b, (x) => String.fromCharCode(x)).join('');

function isCa(der: Uint8Array): boolean {
  try {
    const cert = pkijs.Certificate.fromBER(der.buffer.slice(der.byteOffset, der.byteOffset + der.byteLength) as ArrayBuffer);
    const basic = cert.extensions?.find((e) => e.extnID === '2.5.29.19')?.parsedValue as { cA?: boolean } | undefined;
    return basic?.cA === true;
  } catch {
    return false;
  }
}

export function readP12(p12: Uint8Array, password: string): P12Identity {
  if (p12.length === 0 || p12.length > MAX_P12_BYTES) throw new DeviceSigningError('p12_invalid', 'the PKCS#12 file is empty or too large');
  patchForgePbes2();
  let store: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(binary(p12)));
    store = forge.pkcs12.pkcs12FromAsn1(asn1, false, password);
  } catch (err) {
    const msg = (err as Error).message ?? '';
    if (/password|MAC|decrypt/i.test(msg)) throw new DeviceSigningError('p12_password', 'wrong password for the PKCS#12 file');
    throw new DeviceSigningError('p12_invalid', `not a readable PKCS#12 file: ${msg}`);
  }
  const keyBags = [
    ...(store.getBags({ bagType: forge.pki.oids.pkcs8ShroudedKeyBag! })[forge.pki.oids.pkcs8ShroudedKeyBag!] ?? []),
    ...(store.getBags({ bagType: forge.pki.oids.keyBag! })[forge.pki.oids.keyBag!] ?? []),
  ];
  const keyBag = keyBags[0];
  if (!keyBag) throw new DeviceSigningError('p12_invalid', 'the PKCS#12 file holds no private key');
  let pkcs8: Uint8Array;
  if (keyBag.key) pkcs8 = bytesOf(forge.asn1.toDer(forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key))).getBytes());
  // Non-RSA keys (EC): forge keeps the decrypted PrivateKeyInfo.
  else if (keyBag.asn1) pkcs8 = bytesOf(forge.asn1.toDer(keyBag.asn1).getBytes());
  else throw new DeviceSigningError('p12_invalid', 'the private key of the PKCS#12 file cannot be read');
  const key = deviceKey(pkcs8);

  const certBags = store.getBags({ bagType: forge.pki.oids.certBag! })[forge.pki.oids.certBag!] ?? [];
  const keyId = (keyBag.attributes as Record<string, string[] | undefined>).localKeyId?.[0];
  const certs = certBags.flatMap((bag) => {
    const der = bag.cert ? bytesOf(forge.asn1.toDer(forge.pki.certificateToAsn1(bag.cert)).getBytes()) : bag.asn1 ? bytesOf(forge.asn1.toDer(bag.asn1).getBytes()) : null;
    if (!der) return [];
    const id = (bag.attributes as Record<string, string[] | undefined>).localKeyId?.[0];
    return [{ der, matchesKey: keyId !== undefined && id === keyId, ca: isCa(der) }];
  });
  // The signer: the certificate the file pairs with the key (localKeyId), else its only end-entity certificate.
  const signer = certs.find((c) => c.matchesKey) ?? (certs.filter((c) => !c.ca).length === 1 ? certs.find((c) => !c.ca) : undefined);
  if (!signer) throw new DeviceSigningError('p12_invalid', 'the PKCS#12 file holds no certificate for its private key');
  // A certificate that does not belong to the key is refused when the signature is checked.
  return { key, certificates: [signer.der, ...certs.filter((c) => c !== signer).map((c) => c.der)] };
}
