/**
 * A weak link for one real client: a network namespace joined to the host by a veth pair, shaped
 * with `tbf` both ways (rate, queue) and random loss from iptables' statistic match (this kernel has
 * no netem: see ../shared/notes/field-conditions.md), optionally with every UDP packet dropped, or
 * with everything dropped but a few TCP ports on the host (`onlyTcpTo`: networks that pass only 443).
 * A Chromium started with `launchBrowser()` runs inside the namespace: Playwright drives it through
 * its usual pipe (`ip netns exec` keeps the file descriptors), so only the page's own traffic crosses
 * the shaped link. The server stays on the host and listens on the host end (`hostAddress`); clients
 * on the host reach that address locally, unshaped.
 *
 * Needs root (CI runs as root). Installs iptables with apt-get when missing. `close()` removes the
 * namespace (which removes both veth ends with it); `WeakLink.create()` first removes what earlier
 * runs that died left behind (names carry the pid of the process that made them).
 *
 * Every address used is on the link made here (10.231.0.0/16, one /30 per link): nothing is sent
 * anywhere else.
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from '@playwright/test';
import { CHROMIUM_ARGS } from '../e2e/support/server-env';
import { startTestServer } from './test-server';

export interface LinkProfile {
  /** Shown in reports, e.g. "768k/384k/3%". */
  name: string;
  /** Towards the point (the server's media and pages), kbit/s. */
  downKbit: number;
  /** From the point, kbit/s. */
  upKbit: number;
  /** Random loss applied to each direction, 0..1. */
  loss: number;
}

/** The profiles of issue 12 (as the commune points' links were measured), plus a clean link. */
export const PROFILES = {
  clean: { name: 'clean', downKbit: 0, upKbit: 0, loss: 0 },
  adsl: { name: '2M/512k/1%', downKbit: 2000, upKbit: 512, loss: 0.01 },
  mobile: { name: '768k/384k/3%', downKbit: 768, upKbit: 384, loss: 0.03 },
  bad: { name: '384k/256k/5%', downKbit: 384, upKbit: 256, loss: 0.05 },
} satisfies Record<string, LinkProfile>;

const PREFIX = 'phwl';
let created = 0;

function run(cmd: string, args: string[], opts: { allowFail?: boolean } = {}): string {
  try {
    return execFileSync(cmd, args, { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    if (opts.allowFail) return '';
    const e = err as { stderr?: string; message: string };
    throw new Error(`${cmd} ${args.join(' ')} failed: ${e.stderr?.trim() || e.message}`);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** iptables is not in a fresh Debian image: installed on first use (CI runs as root). */
function ensureIptables(): void {
  const found = run('sh', ['-c', 'command -v iptables || true']).trim();
  if (found) return;
  const install = () => run('apt-get', ['install', '-y', '--no-install-recommends', 'iptables']);
  try {
    install();
  } catch {
    run('apt-get', ['update', '-qq']);
    install();
  }
}

/** Namespaces and host links left by runs whose process is gone (a killed test cannot clean up). */
export function removeLeftovers(): void {
  for (const line of run('ip', ['netns', 'list'], { allowFail: true }).split('\n')) {
    const m = /^(phwl-(\d+)-\d+)/.exec(line.trim());
    if (m && !alive(Number(m[2]))) run('ip', ['netns', 'del', m[1]!], { allowFail: true });
  }
  for (const line of run('ip', ['-o', 'link', 'show'], { allowFail: true }).split('\n')) {
    const m = /^\d+:\s+(wh(\d+)x\d+)[@:]/.exec(line);
    if (m && !alive(Number(m[2]))) run('ip', ['link', 'del', m[1]!], { allowFail: true });
  }
  for (const entry of fs.readdirSync(os.tmpdir())) {
    const m = /^phwl-chromium-(\d+)-\d+$/.exec(entry);
    if (m && !alive(Number(m[1]))) fs.rmSync(path.join(os.tmpdir(), entry), { recursive: true, force: true });
  }
}

/** A /30 in 10.231.0.0/16 not on any interface of the host yet. */
function freeSubnet(): { host: string; point: string } {
  const used = run('ip', ['-4', '-o', 'addr', 'show']);
  for (let i = 0; i < 16384; i++) {
    const index = (process.pid * 8 + created * 4 + i) % 16384;
    const third = index >> 6;
    const fourth = (index & 63) * 4;
    const host = `10.231.${third}.${fourth + 1}`;
    if (!used.includes(` ${host}/`)) return { host, point: `10.231.${third}.${fourth + 2}` };
  }
  throw new Error('no free /30 in 10.231.0.0/16');
}

/** One shaping queue's counters (see `WeakLink.queues`). */
export interface QueueCounters {
  dropped: number;
  backlogBytes: number;
}

export class WeakLink {
  #closed = false;
  #profile: LinkProfile = PROFILES.clean;
  #udpDropped = false;
  #onlyTcpPorts: number[] | null = null;
  readonly #browsers: Browser[] = [];
  readonly #tmpDirs: string[] = [];

  private constructor(
    readonly namespace: string,
    readonly hostIf: string,
    readonly pointIf: string,
    /** The host end of the veth: the server listens (and announces ICE candidates) here. */
    readonly hostAddress: string,
    readonly pointAddress: string,
  ) {}

  /** Makes the namespace and its veth pair, unshaped. Removes dead runs' leftovers first. */
  static create(): WeakLink {
    if (process.getuid?.() !== 0) throw new Error('the weak-link harness needs root (network namespaces, tc, iptables)');
    ensureIptables();
    removeLeftovers();
    const n = created++;
    const ns = `${PREFIX}-${process.pid}-${n}`;
    const hostIf = `wh${process.pid}x${n}`;
    const pointIf = `wp${process.pid}x${n}`;
    if (hostIf.length > 15) throw new Error(`interface name too long: ${hostIf}`);
    const { host, point } = freeSubnet();
    const link = new WeakLink(ns, hostIf, pointIf, host, point);
    try {
      run('ip', ['netns', 'add', ns]);
      run('ip', ['link', 'add', hostIf, 'type', 'veth', 'peer', 'name', pointIf]);
      run('ip', ['link', 'set', pointIf, 'netns', ns]);
      run('ip', ['addr', 'add', `${host}/30`, 'dev', hostIf]);
      run('ip', ['link', 'set', hostIf, 'up']);
      link.#inNs('ip', ['addr', 'add', `${point}/30`, 'dev', pointIf]);
      link.#inNs('ip', ['link', 'set', pointIf, 'up']);
      link.#inNs('ip', ['link', 'set', 'lo', 'up']);
    } catch (err) {
      link.close();
      throw err;
    }
    return link;
  }

  #inNs(cmd: string, args: string[], opts: { allowFail?: boolean } = {}): string {
    return run('ip', ['netns', 'exec', this.namespace, cmd, ...args], opts);
  }

  get profile(): LinkProfile {
    return this.#profile;
  }

  /**
   * Shapes the link now (a running call sees the change at once): `tbf` at the given rates on
   * both ends' egress, random drop of `loss` of the packets in each direction. A profile with
   * rates 0 and loss 0 lifts the shaping. Dropped UDP (see `dropUdp`) stays as it is.
   */
  shape(profile: LinkProfile): void {
    this.#assertOpen();
    const tbf = (kbit: number) => ['root', 'tbf', 'rate', `${kbit}kbit`, 'burst', '16kbit', 'latency', '300ms'];
    if (profile.downKbit > 0) run('tc', ['qdisc', 'replace', 'dev', this.hostIf, ...tbf(profile.downKbit)]);
    else run('tc', ['qdisc', 'del', 'dev', this.hostIf, 'root'], { allowFail: true });
    if (profile.upKbit > 0) this.#inNs('tc', ['qdisc', 'replace', 'dev', this.pointIf, ...tbf(profile.upKbit)]);
    else this.#inNs('tc', ['qdisc', 'del', 'dev', this.pointIf, 'root'], { allowFail: true });
    this.#profile = profile;
    this.#applyFilters();
  }

  /** Lifts rate limits and loss (UDP stays dropped if it was). */
  lift(): void {
    this.shape(PROFILES.clean);
  }

  /** Drops every UDP packet in and out of the namespace (networks that pass only TCP). */
  dropUdp(drop = true): void {
    this.#assertOpen();
    this.#udpDropped = drop;
    this.#applyFilters();
  }

  /**
   * Networks that pass only a few TCP ports (e.g. only 443): every packet between the point and
   * the host is dropped except TCP to and from `ports` on the host end (loopback inside the
   * namespace stays open). `null` lifts it. Random loss is not applied to the packets it lets through.
   */
  onlyTcpTo(ports: number[] | null): void {
    this.#assertOpen();
    this.#onlyTcpPorts = ports;
    this.#applyFilters();
  }

  /** Rewrites the namespace's iptables rules from the current profile, UDP and port settings. */
  #applyFilters(): void {
    for (const chain of ['INPUT', 'OUTPUT']) {
      this.#inNs('iptables', ['-F', chain]);
      if (this.#onlyTcpPorts) {
        const [peer, port] = chain === 'OUTPUT' ? ['-d', '--dport'] : ['-s', '--sport'];
        for (const p of this.#onlyTcpPorts) this.#inNs('iptables', ['-A', chain, '-p', 'tcp', peer, this.hostAddress, port, String(p), '-j', 'ACCEPT']);
        this.#inNs('iptables', ['-A', chain, '!', chain === 'OUTPUT' ? '-o' : '-i', 'lo', '-j', 'DROP']);
      }
      if (this.#udpDropped) this.#inNs('iptables', ['-A', chain, '-p', 'udp', '-j', 'DROP']);
      if (this.#profile.loss > 0) {
        this.#inNs('iptables', ['-A', chain, '-m', 'statistic', '--mode', 'random', '--probability', String(this.#profile.loss), '-j', 'DROP']);
      }
    }
  }

  /** Counters of the namespace's drop rules, for reports: packets dropped per chain. */
  dropped(): { in: number; out: number } {
    const count = (chain: string) =>
      this.#inNs('iptables', ['-L', chain, '-v', '-n', '-x'])
        .split('\n')
        .filter((l) => /\bDROP\b/.test(l))
        .reduce((sum, l) => sum + Number(l.trim().split(/\s+/)[0] ?? 0), 0);
    return { in: count('INPUT'), out: count('OUTPUT') };
  }

  /**
   * The shaping queues' counters, for reports: per direction the packets `tbf` dropped at its tail
   * (queue full: more offered than the rate for longer than its 300-ms latency) and its backlog now
   * (bytes waiting). Random loss is counted apart (`dropped`).
   */
  queues(): { down: QueueCounters; up: QueueCounters } {
    const parse = (text: string): QueueCounters => {
      const dropped = /dropped (\d+)/.exec(text);
      const backlog = /backlog (\d+)b/.exec(text);
      return { dropped: Number(dropped?.[1] ?? 0), backlogBytes: Number(backlog?.[1] ?? 0) };
    };
    return {
      down: parse(run('tc', ['-s', 'qdisc', 'show', 'dev', this.hostIf, 'root'], { allowFail: true })),
      up: parse(this.#inNs('tc', ['-s', 'qdisc', 'show', 'dev', this.pointIf, 'root'], { allowFail: true })),
    };
  }

  /**
   * A Chromium whose network is this namespace's (fake camera and microphone, as every test
   * browser). `secureOrigins`: plain-http origins where the page may use the camera (the server
   * on `hostAddress` is a LAN origin, not localhost). `env`: added to the browser's environment
   * (e.g. a HOME whose NSS database trusts a test CA).
   */
  async launchBrowser(secureOrigins: string[], extraArgs: string[] = [], env: Record<string, string> = {}): Promise<Browser> {
    this.#assertOpen();
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), `phwl-chromium-${process.pid}-`));
    this.#tmpDirs.push(dir);
    const wrapper = path.join(dir, 'chromium-in-namespace');
    const executable = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
    fs.writeFileSync(wrapper, `#!/bin/sh\nexec ip netns exec '${this.namespace}' '${executable}' "$@"\n`, { mode: 0o755 });
    const browser = await chromium.launch({
      executablePath: wrapper,
      args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${secureOrigins.join(',')}`, ...extraArgs],
      ...(Object.keys(env).length > 0 ? { env: { ...process.env, ...env } as Record<string, string> } : {}),
    });
    this.#browsers.push(browser);
    return browser;
  }

  #assertOpen(): void {
    if (this.#closed) throw new Error('the weak link is closed');
  }

  /** Closes its browsers and removes the namespace, both veth ends and the temporary files. Safe to call twice. */
  async dispose(): Promise<void> {
    for (const b of this.#browsers.splice(0)) await b.close().catch(() => undefined);
    this.close();
  }

  /** Synchronous part of dispose (also used when create fails half-way). */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    run('ip', ['netns', 'del', this.namespace], { allowFail: true });
    run('ip', ['link', 'del', this.hostIf], { allowFail: true });
    for (const d of this.#tmpDirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
  }
}

/**
 * The test server on the link's host end, as the weak-link spec, the TURN-relay spec and the
 * weak-links bench start it: HTTP, signaling and media listen on `hostAddress` and announce it
 * (the point reaches them across the shaped veth, the host's browsers locally), the built web
 * client (RENDERER_DIR, else renderer/dist), logins not rate-limited for the tests' many sign-ins,
 * and a 10-s heartbeat (a saturated weak line delays pongs by seconds). `env` adds or overrides.
 */
export function startServerOnLink(link: WeakLink, env: Record<string, string> = {}): ReturnType<typeof startTestServer> {
  return startTestServer({
    HOST: link.hostAddress,
    RTC_LISTEN_IP: link.hostAddress,
    ANNOUNCED_IP: link.hostAddress,
    RENDERER_DIR: path.resolve(process.env['RENDERER_DIR'] ?? 'renderer/dist'),
    LOGIN_RATE_PER_MINUTE: '1000',
    HEARTBEAT_SECONDS: '10',
    ...env,
  });
}
