/**
 * A PKCS#11 token in SoftHSM2 (a real PKCS#11 module), made in a temp folder: holds a signer's key
 * and certificate (id a1b2) and its CA's certificate (id ca01). The module reads the token folder
 * from SOFTHSM2_CONF when it is initialised: set it (to `conf`) in the process that loads it.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestCa, TestSigner } from './test-ca';

export const SOFTHSM_MODULE = '/usr/lib/softhsm/libsofthsm2.so';
export const hasSoftHsm =
  fs.existsSync(SOFTHSM_MODULE) && spawnSync('softhsm2-util', ['--version']).status === 0 && spawnSync('pkcs11-tool', ['--version']).error === undefined;

export interface SoftHsmToken {
  dir: string;
  /** The SOFTHSM2_CONF file. */
  conf: string;
  remove(): void;
}

export function makeSoftHsmToken(options: { label: string; pin: string; soPin: string; ca: TestCa; signer: TestSigner; keyLabel: string }): SoftHsmToken {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-softhsm-'));
  fs.mkdirSync(path.join(dir, 'tokens'));
  const conf = path.join(dir, 'softhsm2.conf');
  fs.writeFileSync(conf, `directories.tokendir = ${dir}/tokens\nobjectstore.backend = file\nlog.level = ERROR\n`);
  const env = { ...process.env, SOFTHSM2_CONF: conf };
  const run = (cmd: string, args: string[]) => execFileSync(cmd, args, { env, cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  const { label, pin, ca, signer, keyLabel } = options;
  run('softhsm2-util', ['--init-token', '--free', '--label', label, '--pin', pin, '--so-pin', options.soPin]);
  fs.writeFileSync(path.join(dir, 'key.pem'), crypto.createPrivateKey(signer.keyPem).export({ type: 'pkcs8', format: 'pem' }));
  fs.writeFileSync(path.join(dir, 'cert.der'), signer.certDer);
  fs.writeFileSync(path.join(dir, 'ca.der'), ca.der);
  run('softhsm2-util', ['--import', 'key.pem', '--token', label, '--label', keyLabel, '--id', 'a1b2', '--pin', pin]);
  const tool = ['--module', SOFTHSM_MODULE, '--token-label', label, '--login', '--pin', pin];
  run('pkcs11-tool', [...tool, '--write-object', 'cert.der', '--type', 'cert', '--id', 'a1b2', '--label', keyLabel]);
  run('pkcs11-tool', [...tool, '--write-object', 'ca.der', '--type', 'cert', '--id', 'ca01', '--label', 'CA']);
  return { dir, conf, remove: () => fs.rmSync(dir, { recursive: true, force: true }) };
}
