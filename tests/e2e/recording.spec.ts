/**
 * Recording in real browsers (issue 14): a bridge point sends a red picture and a tone over plain
 * RTP (ffmpeg, as hardware codecs do) and holds the floor; the chair and a delegate are in the room
 * in Chromium. The chair starts recording from the room's "Ghi hình" panel and both clients show
 * "Đang ghi hình"; the secretary ends the meeting (which stops the recording, and the indicator
 * goes); the delegate then opens the meeting from "past meetings", finds the recording in its
 * archive once it is composed (duration, size, SHA-256) and plays it: the <video> advances and the
 * large picture its browser decodes is the point's red one.
 */
import type { ChildProcess } from 'node:child_process';
import { expect as baseExpect } from '@playwright/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { opusParameters, sendColour, sendTone, stopAll, vp8Parameters } from '../support/ffmpeg-point';
import { TestSignalingClient } from '../support/signaling-test-client';
import { enterRoom, logInPatiently } from './support/room-entry';
import { test } from './support/test';
import { isRed, videoColour } from './support/video-colour';

const expect = baseExpect.configure({ timeout: 60_000 });

test('the chair records, every client shows it, and after the meeting the delegate plays the archive', async ({ browser, baseURL }) => {
  test.setTimeout(900_000);
  const senders: ChildProcess[] = [];
  const sockets: TestSignalingClient[] = [];
  try {
    const admin = await TestApi.admin(baseURL!);
    const point = await person(admin, 'operator', 'Điểm cầu Đỏ');
    const delegate = await person(admin, 'delegate', 'Đại biểu Lê Văn Dự');
    const title = `Hội nghị ghi hình ${Date.now()}`;
    const meeting = await liveMeeting(admin, [point, delegate], title);

    // The bridge point: a red picture and a 440 Hz tone over plain RTP; it holds the floor, so its
    // camera is the archive's large picture.
    const pc = await TestSignalingClient.connect(baseURL!, point.token);
    sockets.push(pc);
    await pc.request('join', { meetingId: meeting.id });
    const audio = await pc.request('media.createPlainTransport', { direction: 'send' });
    const video = await pc.request('media.createPlainTransport', { direction: 'send' });
    await pc.request('produce', { transportId: audio.id, kind: 'audio', source: 'mic', rtpParameters: opusParameters(5001) });
    await pc.request('produce', { transportId: video.id, kind: 'video', source: 'webcam', rtpParameters: vp8Parameters(5002) });
    senders.push(sendTone(440, 5001, audio.ip, audio.port), sendColour('red', 5002, video.ip, video.port, '200k'));
    const secretary = await TestSignalingClient.connect(baseURL!, meeting.secretary.token);
    sockets.push(secretary);
    await secretary.request('join', { meetingId: meeting.id });
    await secretary.request('floor.give', { accountId: point.id });

    // The chair and the delegate in the room (cameras off: two browsers on a shared machine).
    const chair = await logInPatiently(browser, meeting.chair.username, PASSWORD);
    await enterRoom(chair, title);
    const del = await logInPatiently(browser, delegate.username, PASSWORD);
    await enterRoom(del, title);
    await expect(del.getByTestId('recording-indicator')).toHaveCount(0);

    // A delegate has no switch: the panel says who may record.
    await del.getByTestId('panel-button-recording').click();
    await expect(del.getByText('Chỉ chủ trì và thư ký được bắt đầu, dừng ghi hình.')).toBeVisible();
    await expect(del.getByTestId('recording-toggle')).toHaveCount(0);

    // The chair starts recording: every client shows the indicator.
    await chair.getByTestId('panel-button-recording').click();
    await chair.getByTestId('recording-toggle').click();
    await expect(chair.getByTestId('recording-indicator')).toBeVisible();
    await expect(del.getByTestId('recording-indicator')).toBeVisible();
    await expect(chair.getByTestId('recording-indicator')).toHaveText('Đang ghi hình');
    const startedAt = Date.now();

    // Some meeting to record: wait until the server has the point's picture on disk for a while.
    await baseExpect.poll(async () => (await meeting.secretary.api.ok('GET', `/api/meetings/${meeting.id}/recordings`)).recordings[0]?.status, { timeout: 30_000 }).toBe('recording');
    await chair.waitForTimeout(Math.max(0, 15_000 - (Date.now() - startedAt)));

    // The meeting ends (the secretary): its recording stops, and the indicator goes.
    await meeting.secretary.api.ok('POST', `/api/meetings/${meeting.id}/transition`, { to: 'ended' });
    await expect(chair.getByTestId('recording-indicator')).toHaveCount(0);
    await expect(del.getByTestId('recording-indicator')).toHaveCount(0);
    stopAll(senders);

    // After the meeting, the delegate finds it among the past meetings, and the recording in its archive.
    await del.goto('/');
    await del.getByTestId('meetings-past').getByText(title).first().click();
    const item = del.getByTestId('recordings-section').getByTestId('recording-item').first();
    await expect(item).toBeVisible();
    // Composed in the background (a progress bar meanwhile): on a loaded 2-core machine this takes minutes.
    await expect(item).toHaveAttribute('data-status', 'ready', { timeout: 600_000 });
    await expect(item.getByTestId('recording-sha256')).toHaveText(/^[0-9a-f]{64}$/);

    // It plays: the <video> advances, and its large picture is the point's red one.
    await item.getByTestId('recording-play').click();
    const player = item.getByTestId('recording-video');
    await expect.poll(() => player.evaluate((v: HTMLVideoElement) => v.currentTime), { message: 'the archive plays', timeout: 60_000 }).toBeGreaterThan(1);
    expect(await player.evaluate((v: HTMLVideoElement) => [v.videoWidth, v.videoHeight])).toEqual([1280, 720]);
    expect(await player.evaluate((v: HTMLVideoElement) => v.duration)).toBeGreaterThan(5);
    await expect.poll(async () => isRed(await videoColour(player)), { message: 'the point holding the floor is the large picture', timeout: 30_000 }).toBe(true);
  } finally {
    stopAll(senders);
    for (const s of sockets) s.close();
  }
});
