/**
 * The live broadcast in real browsers: two bridge points send a red and a blue picture over plain
 * RTP (ffmpeg, from the test process, as hardware codecs do); the chair, in the room in Chromium,
 * turns "phát trực tiếp" on from the room's panel and everyone in the room sees the indicator; a
 * watch-only viewer (người theo dõi) has the meeting page open before: no way into the room, "not
 * yet"; once it is on, the page shows the indicator and the player (hls.js), which plays — its first
 * playlist requests are 404s while ffmpeg starts, which used to leave the player black for good —;
 * when the floor goes from the red point to the blue one, the picture the viewer's browser decodes
 * turns from red to blue (pixels read from the <video> through a canvas). Prints the times from
 * turning it on to the first picture and from the floor change to the blue one.
 */
import type { ChildProcess } from 'node:child_process';
import { expect as baseExpect, type Page } from '@playwright/test';
import { test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi, type Person } from '../support/api-client';
import { logIn } from './support/conference';
import { opusParameters, sendColour, sendTone, stopAll, vp8Parameters } from '../support/ffmpeg-point';
import { TestSignalingClient } from '../support/signaling-test-client';
import { isBlue, isRed, videoColour } from './support/video-colour';

const expect = baseExpect.configure({ timeout: 60_000 });

const centreColour = (page: Page) => videoColour(page.getByTestId('broadcast-video'));

test('a watch-only viewer watches the live broadcast and sees the speaker change', async ({ browser, baseURL }) => {
  test.setTimeout(600_000);
  const senders: ChildProcess[] = [];
  const sockets: TestSignalingClient[] = [];
  try {
    const admin = await TestApi.admin(baseURL!);
    const pointRed = await person(admin, 'operator', 'Đỏ');
    const pointBlue = await person(admin, 'operator', 'Xanh');
    const viewer = await person(admin, 'observer', 'Cán bộ theo dõi');
    const title = `Hội nghị phát trực tiếp ${Date.now()}`;
    const meeting = await liveMeeting(admin, [pointRed, pointBlue], title);
    await meeting.secretary.api.ok('PUT', `/api/meetings/${meeting.id}/viewers`, { accountIds: [viewer.id] });

    const startPoint = async (p: Person, colour: string, tone: number, ssrc: number) => {
      const c = await TestSignalingClient.connect(baseURL!, p.token);
      sockets.push(c);
      await c.request('join', { meetingId: meeting.id });
      const audio = await c.request('media.createPlainTransport', { direction: 'send' });
      const video = await c.request('media.createPlainTransport', { direction: 'send' });
      await c.request('produce', { transportId: audio.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(ssrc + 1) });
      await c.request('produce', { transportId: video.id, kind: 'video', source: 'webcam', rtpParameters: vp8Parameters(ssrc + 2) });
      senders.push(sendTone(tone, ssrc + 1, audio.ip, audio.port), sendColour(colour, ssrc + 2, video.ip, video.port));
    };
    await startPoint(pointRed, 'red', 440, 3000);
    await startPoint(pointBlue, 'blue', 880, 4000);
    // The secretary runs the floor from a connection of its own (the chair's is the browser's).
    const secretary = await TestSignalingClient.connect(baseURL!, meeting.secretary.token);
    sockets.push(secretary);
    await secretary.request('join', { meetingId: meeting.id });
    await secretary.request('floor.give', { accountId: pointRed.id });

    // The viewer opens the meeting page before the broadcast is on, as viewers do: the agenda, no
    // way into the room, a note that the chair has not started it; the page plays it once it starts
    // (its first playlist request is a 404: ffmpeg has written nothing yet).
    const page = await logIn(browser, viewer.username, PASSWORD);
    await page.getByTestId('meetings-live').getByText(title).first().click();
    await expect(page.getByTestId('broadcast-section')).toBeVisible();
    await expect(page.getByRole('link', { name: 'Vào phòng họp' })).toHaveCount(0);
    await expect(page.getByText('Bạn được mời với tư cách người theo dõi', { exact: false })).toBeVisible();
    await expect(page.getByText('Chủ tọa chưa bật phát trực tiếp', { exact: false })).toBeVisible();
    await expect(page.getByTestId('broadcast-section').getByTestId('broadcast-indicator')).toHaveCount(0);

    // The chair, in the room, turns the broadcast on from its panel; the room shows the indicator.
    const chair = await logIn(browser, meeting.chair.username, PASSWORD);
    await chair.getByTestId('meetings-live').getByText(title).first().click();
    await chair.getByRole('link', { name: 'Vào phòng họp' }).first().click();
    await chair.getByRole('button', { name: 'Tham gia', exact: true }).click();
    await expect(chair.getByRole('button', { name: 'Rời phòng' })).toBeVisible({ timeout: 120_000 });
    await chair.getByTestId('panel-button-broadcast').click();
    await chair.getByTestId('broadcast-toggle').click();
    await expect(chair.getByTestId('broadcast-indicator')).toBeVisible();
    const onAt = Date.now();

    // The viewer's page shows the indicator and the player, which plays the red point large.
    await expect(page.getByTestId('broadcast-section').getByTestId('broadcast-indicator')).toBeVisible();
    const video = page.getByTestId('broadcast-video');
    await expect(video).toBeVisible({ timeout: 120_000 });
    await expect.poll(async () => isRed(await centreColour(page)), { timeout: 180_000, message: 'the red point is large' }).toBe(true);
    console.log(`broadcast e2e: turned on → the viewer's browser shows the red point after ${Date.now() - onAt} ms`);
    const t0 = await video.evaluate((v: HTMLVideoElement) => v.currentTime);
    await page.waitForTimeout(2000);
    expect(await video.evaluate((v: HTMLVideoElement) => v.currentTime)).toBeGreaterThan(t0);

    // The floor goes to the blue point: the viewer's picture follows.
    const gaveAt = Date.now();
    await secretary.request('floor.give', { accountId: pointBlue.id });
    await expect.poll(async () => isBlue(await centreColour(page)), { timeout: 120_000, intervals: [250], message: 'the blue point became large' }).toBe(true);
    console.log(`broadcast e2e: floor change → the viewer's browser shows the new speaker after ${Date.now() - gaveAt} ms`);

    // Turned off by the chair: the indicator goes for everyone.
    await chair.getByTestId('broadcast-toggle').click();
    await expect(chair.getByTestId('broadcast-indicator')).toHaveCount(0);
    await expect(page.getByTestId('broadcast-section').getByTestId('broadcast-indicator')).toHaveCount(0);
  } finally {
    stopAll(senders);
    for (const s of sockets) s.close();
  }
});
