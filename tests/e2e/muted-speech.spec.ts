/**
 * "You are talking while muted" (issue 15), in the real UI against the real server and SFU: a
 * delegate whose microphone hears a voice-level signal joins muted and is told so; unmuting (M)
 * takes the hint away, muting again brings it back while the room is still loud.
 *
 * Chromium's default fake microphone beeps for ~20 ms every 500 ms, which is a click, not speech
 * (the gate needs about 0.6 s of sound); this browser's microphone plays a steady tone at about
 * -12 dBFS from a WAV file written here.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { expect, test } from './support/test';
import { liveMeeting, PASSWORD, person, TestApi } from '../support/api-client';
import { CHROMIUM_ARGS } from './support/server-env';
import { enterRoom, logInPatiently } from './support/room-entry';

/** A mono 16-bit PCM WAV of `seconds` of a 300 Hz tone at amplitude 0.25 (about -15 dBFS RMS). */
function toneWav(seconds: number, rate = 48_000): Buffer {
  const samples = seconds * rate;
  const wav = Buffer.alloc(44 + samples * 2);
  wav.write('RIFF', 0);
  wav.writeUInt32LE(36 + samples * 2, 4);
  wav.write('WAVEfmt ', 8);
  wav.writeUInt32LE(16, 16);
  wav.writeUInt16LE(1, 20); // PCM
  wav.writeUInt16LE(1, 22); // mono
  wav.writeUInt32LE(rate, 24);
  wav.writeUInt32LE(rate * 2, 28);
  wav.writeUInt16LE(2, 32);
  wav.writeUInt16LE(16, 34);
  wav.write('data', 36);
  wav.writeUInt32LE(samples * 2, 40);
  for (let i = 0; i < samples; i++) wav.writeInt16LE(Math.round(0.25 * 32767 * Math.sin((2 * Math.PI * 300 * i) / rate)), 44 + i * 2);
  return wav;
}

const voice = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'phonghop-voice-')), 'voice.wav');
fs.writeFileSync(voice, toneWav(5));

test.use({
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [...CHROMIUM_ARGS, `--use-file-for-fake-audio-capture=${voice}`],
  },
});

test('a muted delegate who talks is told so; unmuting takes the hint away', async ({ browser, baseURL }) => {
  test.setTimeout(300_000);
  const admin = await TestApi.admin(baseURL!);
  const delegate = await person(admin, 'delegate', 'Đại biểu Lò Văn Nói');
  const title = `Họp nhắc micrô ${Date.now()}`;
  await liveMeeting(admin, [delegate], title);

  const page = await logInPatiently(browser, delegate.username, PASSWORD);
  await enterRoom(page, title, async (p) => {
    await p.getByRole('switch', { name: 'Vào phòng với micrô tắt' }).check();
  });
  await expect(page.getByRole('button', { name: 'Bật micrô' }).first()).toBeVisible();

  const hint = page.getByTestId('muted-speech-hint');
  await expect(hint).toHaveText('Bạn đang nói nhưng micrô đang tắt. Nhấn M để bật micrô, hoặc giữ phím cách trong khi nói.', { timeout: 30_000 });

  await page.getByRole('heading', { level: 1 }).first().click();
  await page.keyboard.press('m');
  await expect(page.getByRole('button', { name: 'Tắt micrô' }).first()).toBeVisible();
  await expect(hint).toHaveCount(0);

  await page.keyboard.press('m');
  await expect(page.getByRole('button', { name: 'Bật micrô' }).first()).toBeVisible();
  await expect(hint).toBeVisible({ timeout: 30_000 });
});
