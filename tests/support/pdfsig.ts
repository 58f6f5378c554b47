/**
 * poppler's `pdfsig` (Debian poppler-utils) as an independent verifier, with an NSS database that
 * trusts the given CA certificates (certutil from libnss3-tools).
 */
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const hasPdfsig = spawnSync('pdfsig', ['-v']).status === 0 && spawnSync('certutil', ['-H']).error === undefined;

/**
 * The tests that use pdfsig do not skip without it: `scripts/setup.sh --test` installs it, and a
 * machine without it fails them with this message rather than passing them unchecked.
 */
function requirePdfsig(): void {
  if (!hasPdfsig) throw new Error('pdfsig and certutil are needed (Debian poppler-utils, libnss3-tools): run scripts/setup.sh --test');
}

export interface PdfsigSignature {
  commonName: string;
  signatureValid: boolean;
  certificateTrusted: boolean;
  totalDocumentSigned: boolean;
  validation: string;
  certificateValidation: string;
}

export function makeNssDb(caPems: string[]): string {
  requirePdfsig();
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-nss-'));
  execFileSync('certutil', ['-N', '-d', `sql:${dir}`, '--empty-password']);
  caPems.forEach((pem, i) => {
    const file = path.join(dir, `ca${i}.pem`);
    fs.writeFileSync(file, pem);
    execFileSync('certutil', ['-A', '-d', `sql:${dir}`, '-n', `ca${i}`, '-t', 'CT,C,C', '-i', file]);
  });
  return dir;
}

export function pdfsig(pdf: Uint8Array, nssDir: string): PdfsigSignature[] {
  requirePdfsig();
  const file = path.join(nssDir, `doc-${process.pid}-${Date.now()}.pdf`);
  fs.writeFileSync(file, pdf);
  const r = spawnSync('pdfsig', ['-nssdir', `sql:${nssDir}`, file], { encoding: 'utf8' });
  fs.rmSync(file, { force: true });
  const blocks = r.stdout.split(/^Signature #\d+:$/m).slice(1);
  return blocks.map((b) => {
    const line = (label: string) => new RegExp(`- ${label}: (.*)$`, 'm').exec(b)?.[1]?.trim() ?? '';
    return {
      commonName: line('Signer Certificate Common Name'),
      validation: line('Signature Validation'),
      certificateValidation: line('Certificate Validation'),
      signatureValid: line('Signature Validation') === 'Signature is Valid.',
      certificateTrusted: line('Certificate Validation') === 'Certificate is Trusted.',
      totalDocumentSigned: /^\s*- Total document signed$/m.test(b),
    };
  });
}
