/**
 * 10 000 malformed signaling frames on /ws (bad JSON, wrong types, oversized, unknown methods,
 * binary, deep nesting, prototype keys) from a signed-in delegate, and 10 000 more pipelined
 * behind upgrade requests from sockets that never authenticated, while a 3-point conference runs.
 */
import { expect, it } from 'vitest';
import { expectConferenceUnharmed } from './support/expect-unharmed';
import { aboveHardLimit, floodSignaling, unauthenticatedFrames } from './support/frame-attacks';
import { liveConferenceForFile } from './support/live-conference';

const conf = liveConferenceForFile();

it('a signed-in delegate: answered with errors, then closed for flooding (4429) before most frames are even parsed; the conference goes on', { timeout: 120_000 }, async () => {
  const { result, report } = await conf.measure('10 000 malformed /ws frames, signed in', () => floodSignaling(conf.url, conf.attacker.token, 10_000));
  console.log(`answered ${result.answered} of ${result.sent}, errors by code`, result.errors, 'close', result.close);
  expect(result.accepted).toBe(0);
  expect(result.close).toEqual({ code: 4429, reason: 'too many requests' });
  // The burst (100 frames) and as many refusals, a few more for tokens refilled meanwhile.
  expect(result.answered).toBeLessThan(400);
  expect(Object.values(result.errors).reduce((a, b) => a + b, 0)).toBe(result.answered);
  expect(Object.keys(result.errors)).toEqual(expect.arrayContaining(['bad_json', 'bad_request', 'rate_limited']));
  for (const code of Object.keys(result.errors)) expect(['bad_json', 'bad_request', 'too_large', 'rate_limited', 'unknown_method', 'not_joined', 'forbidden']).toContain(code);
  expectConferenceUnharmed(report);
});

it('a frame above the hard limit (1 MiB) closes the socket with 1009', async () => {
  expect((await aboveHardLimit(conf.url, conf.attacker.token)).code).toBe(1009);
});

it('sockets that never authenticated: 401 and closed, the frames behind the upgrade are never read', { timeout: 120_000 }, async () => {
  const { result, report } = await conf.measure('10 000 frames on unauthenticated /ws upgrades', () => unauthenticatedFrames(conf.url, '/ws', 500, 20));
  expect(result.answers).toEqual({ 'HTTP/1.1 401 Unauthorized': 500 });
  expect(result.closedByServer).toBe(500);
  expectConferenceUnharmed(report);
});
