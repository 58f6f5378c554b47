/** The environment of the server the end-to-end tests run against. */
import os from 'node:os';
import path from 'node:path';
import { TEST_ADMIN_PASSWORD } from '../../support/constants';

export const E2E_PORT = Number(process.env.E2E_PORT ?? 18080);

export function e2eServerEnv(): Record<string, string> {
  return {
    PORT: String(E2E_PORT),
    HOST: '127.0.0.1',
    RTC_LISTEN_IP: '127.0.0.1',
    RTC_MIN_PORT: '42000',
    RTC_MAX_PORT: '42999',
    MEDIASOUP_WORKERS: '2',
    // Not shorter: on the shared 2-core machine with several browsers a starved Chromium answered
    // no ping for over 2 s, the server dropped it mid-join ("signaling client stopped answering")
    // and the specs used to click "Tham gia" again. 10 s, like weak-link.spec.ts (production: 20 s).
    HEARTBEAT_SECONDS: '10',
    LOG_LEVEL: 'warn',
    ADMIN_PASSWORD: TEST_ADMIN_PASSWORD,
    // Every test logs people in; the per-minute cap on login requests is for the real world.
    LOGIN_RATE_PER_MINUTE: '1000',
    // broadcast.spec.ts sends its bridge points' pictures over plain RTP from ffmpeg (as hardware codecs do).
    PLAIN_RTP_ENABLED: '1',
    // recording.spec.ts waits for the archive: at the default niceness (15) composing got ~0.3 % of
    // the CPU beside the browsers on the shared 2-core machine (as in recording.test.ts).
    RECORDING_COMPOSE_NICE: '0',
    DATA_DIR: process.env.E2E_DATA_DIR ?? path.join(os.tmpdir(), `phonghop-e2e-${process.pid}-${Date.now()}`),
    PATH: process.env.PATH ?? '',
    ...(process.env.MEDIASOUP_WORKER_BIN ? { MEDIASOUP_WORKER_BIN: process.env.MEDIASOUP_WORKER_BIN } : {}),
    // A worker cache outside the checkout (servers the tests spawn themselves get the env as given).
    ...(process.env.PHONGHOP_WORKER_CACHE ? { PHONGHOP_WORKER_CACHE: process.env.PHONGHOP_WORKER_CACHE } : {}),
  };
}

/** Debian Chromium's flags for every browser the tests and benchmarks start: fake camera and
 * microphone, no background traffic on the closed network. */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--disable-quic',
  '--no-first-run',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--autoplay-policy=no-user-gesture-required',
];
