/**
 * A real coturn (Debian's `coturn` package, `turnserver`) for a test: TURN over TLS only, on one
 * address and port, relaying only to the media server, with the `use-auth-secret` scheme the
 * server's `link.iceServers` hands out credentials for (sfu-server/src/turn/turn-credentials.ts).
 *
 * Its certificate is made at start with the openssl CLI: a test CA and a server certificate for
 * the listening IP (subjectAltName IP:…), signed by it. `nssHome` is a HOME directory whose NSS
 * database (`.pki/nssdb`, made with certutil from libnss3-tools) trusts that CA for servers: a
 * Chromium started with HOME=nssHome relays through it (turn-relay.spec passes that way), as on a
 * machine whose administrator installed the province's CA; no flag that turns checks off.
 *
 * Everything lives in one temporary directory (config, keys, the log, coturn's SQLite file),
 * removed by `stop()`. coturn runs with `setpriv --pdeathsig KILL`: it dies with the test process.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

export interface CoturnOptions {
  /** The address coturn listens and relays on (the host end of a weak link). */
  ip: string;
  /** TURN-over-TLS port ("only 443 passes"). */
  tlsPort: number;
  /** coturn's `static-auth-secret`: the server's TURN_SECRET. */
  secret: string;
  /** The only peer coturn relays to (the SFU's announced address). */
  allowedPeerIp: string;
  /** Relay ports (UDP, on `ip`); keep them apart from the SFU's media ports on the same address. */
  relayPorts: [number, number];
}

export interface Coturn {
  /** For TURN_URLS. */
  url: string;
  /** A HOME whose NSS database trusts the test CA. */
  nssHome: string;
  /** A HOME with an empty NSS database: a machine that does not trust the test CA (turn-relay.spec's refusal). */
  untrustingHome: string;
  /** coturn's log so far. */
  log(): string;
  stop(): Promise<void>;
}

export function coturnInstalled(): boolean {
  try {
    execFileSync('sh', ['-c', 'command -v turnserver'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

function run(cmd: string, args: string[]): void {
  try {
    execFileSync(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    const e = err as { stderr?: Buffer; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.toString().trim() || e.message}`);
  }
}

/** Test CA, and a certificate for `ip` signed by it (ECDSA P-256, two days). */
function makeCertificates(dir: string, ip: string): { ca: string; cert: string; key: string } {
  const f = (name: string) => path.join(dir, name);
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  run('openssl', ['req', '-x509', ...ec, '-keyout', f('ca.key'), '-out', f('ca.pem'), '-days', '2', '-subj', '/O=Phong hop tests/CN=TURN test CA', '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign']);
  run('openssl', ['req', ...ec, '-keyout', f('turn.key'), '-out', f('turn.csr'), '-subj', `/O=Phong hop tests/CN=${ip}`]);
  fs.writeFileSync(f('turn.ext'), `basicConstraints=critical,CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=IP:${ip}\n`);
  run('openssl', ['x509', '-req', '-in', f('turn.csr'), '-CA', f('ca.pem'), '-CAkey', f('ca.key'), '-CAcreateserial', '-out', f('turn.pem'), '-days', '2', '-extfile', f('turn.ext')]);
  return { ca: f('ca.pem'), cert: f('turn.pem'), key: f('turn.key') };
}

/** A HOME with an NSS database (as Chromium on Linux reads it) that trusts `caPem` for TLS servers, or nothing. */
function nssHomeTrusting(dir: string, caPem: string | null, name = 'home'): string {
  const home = path.join(dir, name);
  const db = path.join(home, '.pki', 'nssdb');
  fs.mkdirSync(db, { recursive: true });
  run('certutil', ['-N', '-d', `sql:${db}`, '--empty-password']);
  if (caPem) run('certutil', ['-A', '-d', `sql:${db}`, '-n', 'Phong hop TURN test CA', '-t', 'C,,', '-i', caPem]);
  return home;
}

function listening(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: ip, port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

export async function startCoturn(options: CoturnOptions): Promise<Coturn> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-coturn-'));
  let child: ChildProcess | undefined;
  let output = '';
  const stop = async () => {
    if (child && child.exitCode === null && child.signalCode === null) {
      const exited = new Promise<void>((resolve) => child!.once('exit', () => resolve()));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child?.kill('SIGKILL'), 3000);
      await exited;
      clearTimeout(timer);
    }
    fs.rmSync(dir, { recursive: true, force: true });
  };
  try {
    const { ca, cert, key } = makeCertificates(dir, options.ip);
    const nssHome = nssHomeTrusting(dir, ca);
    const untrustingHome = nssHomeTrusting(dir, null, 'home-untrusting');
    const config = path.join(dir, 'turnserver.conf');
    fs.writeFileSync(
      config,
      [
        // Only TURN over TLS on one address: no plain UDP/TCP listener, no DTLS.
        `listening-ip=${options.ip}`,
        `relay-ip=${options.ip}`,
        `tls-listening-port=${options.tlsPort}`,
        'no-udp',
        'no-tcp',
        'no-dtls',
        // Relays are UDP allocations towards the SFU only (no RFC 6062 TCP relays).
        'no-tcp-relay',
        `min-port=${options.relayPorts[0]}`,
        `max-port=${options.relayPorts[1]}`,
        'fingerprint',
        'use-auth-secret',
        `static-auth-secret=${options.secret}`,
        'realm=phonghop.test',
        `cert=${cert}`,
        `pkey=${key}`,
        'no-multicast-peers',
        // Relay only to the media server.
        'denied-peer-ip=0.0.0.0-255.255.255.255',
        `allowed-peer-ip=${options.allowedPeerIp}`,
        'no-cli',
        'no-rfc5780',
        'no-software-attribute',
        `userdb=${path.join(dir, 'turndb')}`,
        `pidfile=${path.join(dir, 'turnserver.pid')}`,
        'log-file=stdout',
        'simple-log',
        // Sessions in the log: each TLS connection, its ALLOCATE, why it closed (tests read it).
        'verbose',
        '',
      ].join('\n'),
    );
    // stdbuf: coturn's stdout is a pipe here, which C's stdio would hold back in 4 KiB blocks.
    child = spawn('setpriv', ['--pdeathsig', 'KILL', 'stdbuf', '-oL', '-eL', 'turnserver', '-c', config], { stdio: ['ignore', 'pipe', 'pipe'] });
    const append = (b: Buffer) => {
      output += b.toString();
      if (output.length > 1_000_000) output = output.slice(-500_000);
    };
    child.stdout!.on('data', append);
    child.stderr!.on('data', append);
    const deadline = Date.now() + 15_000;
    while (!(await listening(options.ip, options.tlsPort))) {
      if (child.exitCode !== null) throw new Error(`coturn exited with ${child.exitCode}:\n${output.slice(-3000)}`);
      if (Date.now() > deadline) throw new Error(`coturn did not listen on ${options.ip}:${options.tlsPort} within 15 s:\n${output.slice(-3000)}`);
      await new Promise((r) => setTimeout(r, 200));
    }
    return { url: `turns:${options.ip}:${options.tlsPort}?transport=tcp`, nssHome, untrustingHome, log: () => output, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
