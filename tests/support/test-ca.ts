/**
 * A certificate authority made at test time (node-forge, keys from node:crypto): a root CA and
 * signer certificates with Vietnamese names, as PEM, DER and PKCS#12 (made by the openssl CLI).
 */
import { execFileSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import forge from 'node-forge';

export interface TestCa {
  name: string;
  cert: forge.pki.Certificate;
  key: forge.pki.rsa.PrivateKey;
  pem: string;
  der: Uint8Array;
}

export interface TestSigner {
  name: string;
  cert: forge.pki.Certificate;
  certPem: string;
  certDer: Uint8Array;
  keyPem: string;
  /** PKCS#12 holding the key, the signer's certificate and the CA's. */
  p12(password: string, algorithm?: '3des' | 'aes256'): Uint8Array;
}

let serial = 1;

function rsaKeys(bits = 2048): { privateKey: forge.pki.rsa.PrivateKey; publicKey: forge.pki.rsa.PublicKey; pem: string } {
  const { privateKey } = crypto.generateKeyPairSync('rsa', { modulusLength: bits });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs1' }).toString();
  const key = forge.pki.privateKeyFromPem(pem) as forge.pki.rsa.PrivateKey;
  return { privateKey: key, publicKey: forge.pki.setRsaPublicKey(key.n, key.e), pem };
}

const utf8 = (shortName: string, value: string) => ({ shortName, value, valueTagClass: forge.asn1.Type.UTF8 as unknown as forge.asn1.Class });

function derOf(cert: forge.pki.Certificate): Uint8Array {
  return new Uint8Array(Buffer.from(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes(), 'binary'));
}

function validity(cert: forge.pki.Certificate, years: number, notBefore?: Date): void {
  cert.validity.notBefore = notBefore ?? new Date(Date.now() - 24 * 3600_000);
  cert.validity.notAfter = new Date(cert.validity.notBefore.getTime() + years * 365 * 24 * 3600_000);
}

/** `bits`: 1024 only where many throw-away authorities are needed quickly (never to sign documents). */
export function makeTestCa(name = 'Phòng họp Test Root CA', bits = 2048): TestCa {
  const keys = rsaKeys(bits);
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = (0x100000 + serial++).toString(16);
  validity(cert, 10);
  const attrs = [utf8('CN', name), utf8('O', 'Phòng họp (test)'), { shortName: 'C', value: 'VN' }];
  cert.setSubject(attrs);
  cert.setIssuer(attrs);
  cert.setExtensions([
    { name: 'basicConstraints', cA: true, critical: true },
    { name: 'keyUsage', keyCertSign: true, cRLSign: true, critical: true },
    { name: 'subjectKeyIdentifier' },
  ]);
  cert.sign(keys.privateKey, forge.md.sha256.create());
  return { name, cert, key: keys.privateKey, pem: forge.pki.certificateToPem(cert), der: derOf(cert) };
}

export function makeSigner(ca: TestCa, name: string, options: { organization?: string; notBefore?: Date; years?: number } = {}): TestSigner {
  const keys = rsaKeys();
  const cert = forge.pki.createCertificate();
  cert.publicKey = keys.publicKey;
  cert.serialNumber = (0x200000 + serial++).toString(16);
  validity(cert, options.years ?? 2, options.notBefore);
  cert.setSubject([utf8('CN', name), utf8('O', options.organization ?? 'UBND tỉnh Thử Nghiệm'), { shortName: 'C', value: 'VN' }]);
  cert.setIssuer(ca.cert.subject.attributes);
  cert.setExtensions([
    { name: 'basicConstraints', cA: false },
    { name: 'keyUsage', digitalSignature: true, nonRepudiation: true, critical: true },
    { name: 'extKeyUsage', emailProtection: true },
    { name: 'subjectKeyIdentifier' },
    { name: 'authorityKeyIdentifier', keyIdentifier: ca.cert.generateSubjectKeyIdentifier().getBytes() },
  ]);
  cert.sign(ca.key, forge.md.sha256.create());
  return {
    name,
    cert,
    certPem: forge.pki.certificateToPem(cert),
    certDer: derOf(cert),
    keyPem: keys.pem,
    p12(password, algorithm = 'aes256') {
      // OpenSSL's CLI, as users' files are made (forge gets PBES2 passwords with non-ASCII letters wrong).
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-ca-'));
      try {
        fs.writeFileSync(path.join(dir, 'key.pem'), keys.pem);
        fs.writeFileSync(path.join(dir, 'cert.pem'), forge.pki.certificateToPem(cert));
        fs.writeFileSync(path.join(dir, 'ca.pem'), ca.pem);
        const legacy = algorithm === '3des' ? ['-keypbe', 'PBE-SHA1-3DES', '-certpbe', 'PBE-SHA1-3DES', '-macalg', 'sha1'] : [];
        execFileSync('openssl', ['pkcs12', '-export', '-inkey', 'key.pem', '-in', 'cert.pem', '-certfile', 'ca.pem', '-name', name, '-out', 'id.p12', '-passout', 'env:P12_PASSWORD', ...legacy], {
          cwd: dir,
          env: { ...process.env, P12_PASSWORD: password },
          stdio: ['ignore', 'ignore', 'pipe'],
        });
        return new Uint8Array(fs.readFileSync(path.join(dir, 'id.p12')));
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    },
  };
}
