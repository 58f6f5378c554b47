/**
 * Connection quality and automatic fallback, under real packet loss on loopback: iptables drops a
 * share of the UDP packets of one point's own media sockets (its ICE ports, read from its
 * RTCPeerConnections), in both directions; the chair's link is untouched.
 *
 * - The point sees its signal bars turn poor, the app falls back by itself (fewer and smaller
 *   videos, then audio only) with a banner, while speech keeps flowing both ways.
 * - The chair sees, in the points panel and on the tile, that this point has a poor link and since
 *   when.
 * - When the loss stops, the point comes back to full video by itself, without a click.
 * - Under loss again, the banner's one click goes back to full video at once.
 *
 * (tests/e2e/weak-link.spec.ts shapes a point's whole link in a network namespace and checks the
 * same markers: `point-link-poor` in the chair's `point-row`.)
 */
import { execFileSync } from 'node:child_process';
import type { Page } from '@playwright/test';
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { audioBytesReceived, expectGrowing, joinLiveMeeting, openJoinedClient, tile } from './support/conference';

const TAG = `phonghop-cq-${process.pid}`;
const LOSS = '0.3';

function iptables(args: string[]): void {
  execFileSync('iptables', ['-w', ...args], { stdio: 'pipe' });
}

/** Removes every rule this run added (by its comment), whatever state they are in. */
function liftLoss(): void {
  for (const chain of ['INPUT', 'OUTPUT']) {
    const rules = execFileSync('iptables', ['-w', '-S', chain], { encoding: 'utf8' }).split('\n');
    for (const rule of rules.filter((r) => r.includes(TAG))) iptables(['-D', ...rule.replace(/^-A /, '').split(' ').map((w) => w.replace(/^"|"$/g, ''))]);
  }
}

/** Drops LOSS of the UDP packets to and from these local ports on loopback (the point's ICE sockets only). */
function dropOnPorts(ports: number[]): void {
  for (const port of ports) {
    iptables(['-I', 'INPUT', '-i', 'lo', '-p', 'udp', '--dport', String(port), '-m', 'statistic', '--mode', 'random', '--probability', LOSS, '-m', 'comment', '--comment', TAG, '-j', 'DROP']);
    iptables(['-I', 'OUTPUT', '-o', 'lo', '-p', 'udp', '--sport', String(port), '-m', 'statistic', '--mode', 'random', '--probability', LOSS, '-m', 'comment', '--comment', TAG, '-j', 'DROP']);
  }
}

/** The local UDP ports of the page's selected ICE candidate pairs (send and receive transports). */
async function icePorts(page: Page): Promise<number[]> {
  const ports = await page.evaluate(async () => {
    const out: number[] = [];
    const engine = window.__phonghop?.engine as unknown as { transportStats(): Promise<RTCStatsReport[]> };
    for (const stats of await engine.transportStats()) {
      let pairId: string | undefined;
      stats.forEach((s) => {
        if (s.type === 'transport' && s.selectedCandidatePairId) pairId = s.selectedCandidatePairId;
      });
      const pair = pairId ? stats.get(pairId) : undefined;
      const local = pair ? stats.get(pair.localCandidateId) : undefined;
      if (local?.protocol === 'udp' && typeof local.port === 'number') out.push(local.port);
    }
    return out;
  });
  return [...new Set(ports)];
}

test.beforeAll(() => liftLoss());
test.afterAll(() => liftLoss());

test('a point on a lossy link falls back by itself, keeps speech, is marked poor at the chair, and comes back', async ({ browser, baseURL }) => {
  test.setTimeout(360_000);
  const admin = await TestApi.admin(baseURL!);
  const pointName = 'Điểm cầu xã Sín Chéng';
  const point = await person(admin, 'operator', pointName);
  const title = `Giao ban vùng cao ${Date.now()}`;
  const meeting = await liveMeeting(admin, [point], title);
  const chairName = 'Chủ tọa Nguyễn Văn Chủ';

  const chair = await openJoinedClient(browser, { username: meeting.chair.username, password: PASSWORD, name: chairName, point: '', title });
  const pointContext = await browser.newContext();
  const p = await pointContext.newPage();
  await p.goto('/');
  await p.getByRole('textbox', { name: /^Tên đăng nhập/ }).fill(point.username);
  await p.getByLabel(/^Mật khẩu/).first().fill(PASSWORD);
  await p.getByRole('button', { name: 'Đăng nhập' }).click();
  await expect(p.getByRole('heading', { name: 'Cuộc họp của tôi' })).toBeVisible();
  await joinLiveMeeting(p, title);
  await expect(tile(p, chairName).locator('video')).toBeVisible({ timeout: 30_000 });

  // A clean link: good bars on both sides, no banner.
  const indicator = p.getByTestId('link-indicator');
  await expect(indicator).toHaveAttribute('data-quality', 'good', { timeout: 20_000 });
  await expect(indicator.getByRole('img', { name: /^Gửi đi: [34]\/4 vạch$/ })).toBeVisible();
  await expect(p.getByTestId('fallback-banner')).toHaveCount(0);

  // The chair opens the points panel: the point is connected, its link not marked.
  await chair.page.getByTestId('panel-button-points').click();
  const row = chair.page.getByTestId('panel-points').getByTestId('point-row').filter({ hasText: `Phòng họp ${pointName}` });
  await expect(row).toHaveAttribute('data-connected', 'true');
  await expect(row.getByTestId('point-link-poor')).toHaveCount(0);

  try {
    // ---- 30 % loss each way on the point's media sockets.
    const ports = await icePorts(p);
    expect(ports.length).toBeGreaterThanOrEqual(2);
    const lossFrom = Date.now();
    dropOnPorts(ports);

    await expect(indicator).toHaveAttribute('data-quality', 'poor', { timeout: 30_000 });
    await indicator.click();
    await expect(p.getByTestId('link-suggestion')).toContainText('mất nhiều gói tin');
    await p.keyboard.press('Escape');
    // Falls back by itself: first fewer and smaller videos, then audio only.
    const banner = p.getByTestId('fallback-banner');
    await expect(banner).toBeVisible({ timeout: 30_000 });
    await expect(banner).toContainText('Đường truyền yếu');
    await expect(banner).toHaveAttribute('data-level', '2', { timeout: 40_000 });
    await expect(banner).toContainText('chỉ âm thanh');
    await expect.poll(() => p.evaluate(() => window.__phonghop?.engine.getState().receiveMode)).toBe('audio-only');
    console.log(`fallback to audio only ${Date.now() - lossFrom} ms after the loss began`);

    // The chair: poor link since when, in the panel and on the tile; the point's fallback shown.
    await expect(row.getByTestId('point-link-poor')).toBeVisible({ timeout: 30_000 });
    await expect(row.getByTestId('point-link-poor')).toHaveAccessibleName(/^Đường truyền yếu từ \d{2}:\d{2}$/);
    await expect(row).toHaveAttribute('data-link', 'poor');
    await expect(row.getByTestId('point-link-fallback')).toHaveText('Chỉ âm thanh');
    await expect(tile(chair.page, pointName).getByTestId('tile-link-poor')).toBeVisible();

    // Speech is never given up: the chair still hears the point, the point still hears the chair.
    await expectGrowing(() => audioBytesReceived(chair.page, pointName), 'the chair hears the point under loss');
    await expectGrowing(() => audioBytesReceived(p, chairName), 'the point hears the chair under loss');

    // ---- The loss stops: back to full video by itself, no click.
    liftLoss();
    const liftedAt = Date.now();
    await expect(banner).toHaveCount(0, { timeout: 120_000 });
    await expect.poll(() => p.evaluate(() => window.__phonghop?.engine.getState().receiveMode), { timeout: 10_000 }).toBe('normal');
    console.log(`back to full video ${Date.now() - liftedAt} ms after the loss stopped`);
    await expect(indicator).toHaveAttribute('data-quality', 'good');
    await expect(row.getByTestId('point-link-poor')).toHaveCount(0, { timeout: 30_000 });
    await expect(tile(chair.page, pointName).getByTestId('tile-link-poor')).toHaveCount(0);

    // ---- Loss again; this time the user clicks back to full video at once.
    dropOnPorts(await icePorts(p));
    await expect(banner).toBeVisible({ timeout: 40_000 });
    await p.getByTestId('fallback-restore').click();
    await expect(banner).toHaveCount(0);
    await expect.poll(() => p.evaluate(() => window.__phonghop?.engine.getState().receiveMode)).toBe('normal');
    await expect(p.getByTestId('fallback-held')).toBeVisible({ timeout: 15_000 });
  } finally {
    liftLoss();
  }
});
