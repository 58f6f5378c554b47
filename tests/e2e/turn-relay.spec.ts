/**
 * A bridge point on a network that passes only TCP 443 (issue 12): its media relays through a real
 * coturn over TLS. One real Chromium in its own network namespace (tests/support/weak-link.ts);
 * the server, the chair's Chromium and coturn (tests/support/coturn.ts: TURN over TLS only, on
 * 443 of the host end of the veth, `use-auth-secret` with the server's TURN_SECRET, a certificate
 * from a test CA that the point's Chromium trusts through its NSS database) on the host.
 *
 * The namespace's firewall passes only TCP to coturn's 443 and to the server's HTTP port (the
 * web client and signaling; in the field they come through the site's HTTPS on 443 at another
 * address, see README "Networks that pass only 443"); UDP, and TCP to the media ports, are
 * dropped. The point must join, be seen and heard by the chair, hear the chair, and its selected
 * candidate pairs must be relay candidates reached over TLS (getStats).
 *
 * The second test is the same point on a machine that does not trust the CA that signed coturn's
 * certificate (an empty NSS database): the point's Chromium must refuse that TURN server — no
 * allocation at coturn, no relay candidate pair, nothing of its camera at the chair — rather than
 * send its media through a server whose certificate it cannot check. The desktop app adds nothing
 * that would accept it: it has no `certificate-error` handler and no switch that turns checks off.
 *
 * Needs root (namespaces, iptables, port 443) and Debian's coturn (`scripts/setup.sh --test`);
 * CI has both. Elsewhere it is skipped with that reason.
 */
import { randomBytes } from 'node:crypto';
import { chromium, type Browser, type BrowserContext, type Page } from '@playwright/test';
import { liveMeeting, person, TestApi } from '../support/api-client';
import { openAppAndJoin } from '../support/app-join';
import { coturnInstalled, startCoturn, type Coturn } from '../support/coturn';
import { installPeerConnectionProbe, snapshot } from '../support/media-stats';
import { startServerOnLink, WeakLink } from '../support/weak-link';
import { CHROMIUM_ARGS } from './support/server-env';
import { expect, test } from './support/test';

const POINT_NAME = 'Điểm cầu xã Chỉ Qua 443';
const CHAIR_NAME = 'Chủ tọa Nguyễn Văn Chủ';
const TURN_TLS_PORT = 443;
/** What coturn logs when it has given a client a relay (simple-log). */
const ALLOCATED = 'ALLOCATE processed, success';

test.skip(process.getuid?.() !== 0, 'needs root (network namespace, iptables, port 443 for coturn)');
test.skip(!coturnInstalled(), "Debian's coturn is not installed (turnserver): scripts/setup.sh --test installs it");

async function newContext(browser: Browser): Promise<BrowserContext> {
  const context = await browser.newContext({ locale: 'vi-VN', permissions: ['camera', 'microphone'] });
  await installPeerConnectionProbe(context);
  return context;
}

/** Frames of `from`'s camera decoded on `page` over `seconds`. */
async function framesFrom(page: Page, from: string, seconds = 5): Promise<number> {
  const a = await snapshot(page);
  await page.waitForTimeout(seconds * 1000);
  const b = await snapshot(page);
  const end = b.inbound.find((s) => s.kind === 'video' && s.source === 'webcam' && s.from === from);
  const start = end && a.inbound.find((s) => s.trackId === end.trackId);
  return end && start ? end.framesDecoded - start.framesDecoded : 0;
}

/** Audio packets from `from` received on `page` over `seconds`, and whether they carried sound. */
async function audioFrom(page: Page, from: string, seconds = 3): Promise<{ packets: number; energy: number }> {
  const a = await snapshot(page);
  await page.waitForTimeout(seconds * 1000);
  const b = await snapshot(page);
  const end = b.inbound.find((s) => s.kind === 'audio' && s.from === from);
  const start = end && a.inbound.find((s) => s.trackId === end.trackId);
  return end && start ? { packets: end.packetsReceived - start.packetsReceived, energy: end.totalAudioEnergy - start.totalAudioEnergy } : { packets: 0, energy: 0 };
}

/** What a test gets: the two pages in the room, the link and coturn. */
interface Only443 {
  link: WeakLink;
  coturn: Coturn;
  chair: Page;
  page: Page;
}

/**
 * The set-up both tests share: a namespace whose firewall passes only TCP to the server's HTTP
 * port and to coturn's 443, the server and coturn on the host, the chair joined from the host and
 * the point from the namespace, its NSS database from `home`. coturn's log is printed on failure.
 */
async function withOnly443(home: (coturn: Coturn) => string, meetingTitle: string, body: (room: Only443) => Promise<void>): Promise<void> {
  let link: WeakLink | undefined;
  let coturn: Coturn | undefined;
  let server: Awaited<ReturnType<typeof startServerOnLink>> | undefined;
  let hostBrowser: Browser | undefined;
  try {
    link = WeakLink.create();
    const secret = randomBytes(24).toString('base64url');
    // Relay ports above the test servers' media port blocks (43000–63499) on the same address.
    coturn = await startCoturn({ ip: link.hostAddress, tlsPort: TURN_TLS_PORT, secret, allowedPeerIp: link.hostAddress, relayPorts: [64000, 64999] });
    server = await startServerOnLink(link, { TURN_SECRET: secret, TURN_URLS: coturn.url });
    // Only the web client/signaling port and TURN over TLS pass; the media ports do not (UDP nor TCP).
    link.onlyTcpTo([Number(new URL(server.url).port), TURN_TLS_PORT]);

    hostBrowser = await chromium.launch({ executablePath: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium', args: [...CHROMIUM_ARGS, `--unsafely-treat-insecure-origin-as-secure=${server.url}`] });
    const pointBrowser = await link.launchBrowser([server.url], [], { HOME: home(coturn) });
    const admin = await TestApi.admin(server.url);
    const point = await person(admin, 'operator', POINT_NAME);
    const meeting = await liveMeeting(admin, [point], meetingTitle);
    const chair = await (await newContext(hostBrowser)).newPage();
    await openAppAndJoin(chair, server.url, meeting.id, meeting.chair.username);
    const page = await (await newContext(pointBrowser)).newPage();
    // Signaling passes (its port is open) whatever becomes of the media.
    await openAppAndJoin(page, server.url, meeting.id, point.username);
    await body({ link, coturn, chair, page });
  } catch (err) {
    if (coturn) console.log(`coturn's log (end):\n${coturn.log().slice(-6000)}`);
    throw err;
  } finally {
    await hostBrowser?.close().catch(() => undefined);
    await link?.dispose();
    await server?.close().catch(() => undefined);
    await coturn?.stop();
  }
}

test('a point whose network passes only TCP 443 relays its media through coturn over TLS, and is seen and heard', async () => {
  test.setTimeout(300_000);
  // HOME with an NSS database trusting the test CA that signed coturn's certificate.
  await withOnly443((coturn) => coturn.nssHome, 'Giao ban qua mạng chỉ mở cổng 443', async ({ link, coturn, chair, page }) => {
    // The chair sees and hears the point; the point hears the chair.
    await expect.poll(() => framesFrom(chair, POINT_NAME), { message: "frames of the point's camera decoded at the chair", timeout: 90_000, intervals: [1000] }).toBeGreaterThanOrEqual(10);
    await expect.poll(async () => (await audioFrom(chair, POINT_NAME)).packets, { message: 'audio packets from the point at the chair', timeout: 60_000, intervals: [1000] }).toBeGreaterThan(50);
    await expect.poll(async () => (await audioFrom(page, CHAIR_NAME)).packets, { message: 'audio packets from the chair at the point', timeout: 60_000, intervals: [1000] }).toBeGreaterThan(50);
    expect((await audioFrom(page, CHAIR_NAME)).energy).toBeGreaterThan(0);

    // Both of the point's transports flow over a relay candidate that reaches coturn over TLS.
    const stats = await snapshot(page);
    expect(stats.selectedLocal.length).toBeGreaterThanOrEqual(2);
    for (const local of stats.selectedLocal) expect(local).toMatchObject({ candidateType: 'relay', relayProtocol: 'tls' });
    for (const cipher of stats.srtpCiphers) expect(cipher).toMatch(/^(SRTP_)?AEAD_AES_(128|256)_GCM$/);
    // The direct paths were tried and dropped by the firewall.
    expect(link.dropped().out).toBeGreaterThan(0);
    // coturn allocated relays for the point (what the refusal test must not see).
    expect(coturn.log()).toContain(ALLOCATED);
  });
});

test("a point that does not trust the TURN server's certificate does not relay through it", async () => {
  test.setTimeout(300_000);
  // A HOME whose NSS database trusts nothing of the test's: the CA that signed coturn's certificate is unknown.
  await withOnly443((coturn) => coturn.untrustingHome, 'Giao ban qua mạng chỉ mở cổng 443, chứng thư không tin cậy', async ({ link, coturn, chair, page }) => {
    // 40 s of trying: the chair decodes nothing of the point, no pair is selected, coturn gives no relay.
    let chairFrames = 0;
    const until = Date.now() + 40_000;
    while (Date.now() < until) chairFrames += await framesFrom(chair, POINT_NAME, 5);
    const stats = await snapshot(page);
    expect(stats.selectedLocal.filter((l) => l.candidateType === 'relay'), 'relay candidate pairs selected at the point').toEqual([]);
    expect(chairFrames, "frames of the point's camera decoded at the chair").toBe(0);
    // The point did reach coturn over TCP 443 (the firewall let it through), and closed each
    // connection without asking for a relay: its Chromium refused the certificate.
    const log = coturn.log();
    expect(log, 'TLS connections from the point at coturn').toContain(`tcp or tls connected to: ${link.pointAddress}:`);
    expect(log).not.toContain(ALLOCATED);
  });
});
