/** The signal-bar rules (common/link-quality.ts): each threshold on both sides, and which figure limits. */
import { describe, expect, it } from 'vitest';
import { barsOfScore, qualityOfBars, rateDirection, rateLink } from '../../../common/link-quality';

const clean = { loss: 0, rttMs: 20, bitrate: 2_000_000 };

describe('one direction', () => {
  it('gives a clean LAN link four bars and no problem', () => expect(rateDirection(clean)).toEqual({ bars: 4, problem: null }));
  it('counts loss: FEC hides 1 %, 2–5 % is fair, 5 % is poor (audible, frozen key frames), 10 % breaks speech', () => {
    expect(rateDirection({ ...clean, loss: 0.009 }).bars).toBe(4);
    expect(rateDirection({ ...clean, loss: 0.01 }).bars).toBe(3);
    expect(rateDirection({ ...clean, loss: 0.03 })).toEqual({ bars: 2, problem: 'loss' });
    expect(rateDirection({ ...clean, loss: 0.05 }).bars).toBe(1);
    expect(rateDirection({ ...clean, loss: 0.1 }).bars).toBe(0);
  });
  it('counts the round trip: 300 ms (G.114), 500 ms, 1 s, 2 s', () => {
    expect(rateDirection({ ...clean, rttMs: 299 }).bars).toBe(4);
    expect(rateDirection({ ...clean, rttMs: 300 }).bars).toBe(3);
    expect(rateDirection({ ...clean, rttMs: 600 })).toEqual({ bars: 2, problem: 'rtt' });
    expect(rateDirection({ ...clean, rttMs: 1500 }).bars).toBe(1);
    expect(rateDirection({ ...clean, rttMs: 2500 }).bars).toBe(0);
  });
  it('counts bandwidth against the camera layers when video is expected, against speech otherwise', () => {
    expect(rateDirection({ ...clean, bitrate: 600_000 }).bars).toBe(4);
    expect(rateDirection({ ...clean, bitrate: 400_000 }).bars).toBe(3);
    expect(rateDirection({ ...clean, bitrate: 200_000 })).toEqual({ bars: 2, problem: 'bandwidth' });
    expect(rateDirection({ ...clean, bitrate: 100_000 }).bars).toBe(1);
    expect(rateDirection({ ...clean, bitrate: 40_000 }).bars).toBe(0);
    expect(rateDirection({ ...clean, bitrate: 100_000 }, false).bars).toBe(4);
    expect(rateDirection({ ...clean, bitrate: 40_000 }, false).bars).toBe(0);
  });
  it('takes the worst figure and names it; unmeasured figures do not count', () => {
    expect(rateDirection({ loss: 0.015, rttMs: 1500, bitrate: 300_000 })).toEqual({ bars: 1, problem: 'rtt' });
    expect(rateDirection({ loss: null, rttMs: null, bitrate: null })).toEqual({ bars: 4, problem: null });
  });
});

describe('speech and video loss apart', () => {
  it('rates loss from the speech; video loss alone makes a direction fair at worst', () => {
    // The 384/256 kbit 5 % link after repairs: speech 0.5 % lost, video 6 %. Pooled (old rule) it was poor.
    expect(rateDirection({ ...clean, loss: 0.005, videoLoss: 0.06 })).toEqual({ bars: 2, problem: 'loss' });
    expect(qualityOfBars(rateDirection({ ...clean, loss: 0.005, videoLoss: 0.2 }).bars)).toBe('fair');
    expect(rateDirection({ ...clean, loss: 0, videoLoss: 0.015 }).bars).toBe(3);
    expect(rateDirection({ ...clean, loss: 0, videoLoss: 0.005 }).bars).toBe(4);
  });
  it('lost speech is poor however clean the video is', () => {
    expect(rateDirection({ ...clean, loss: 0.06, videoLoss: 0 })).toEqual({ bars: 1, problem: 'loss' });
  });
  it('counts video loss in full where no speech flows', () => {
    expect(rateDirection({ ...clean, loss: null, videoLoss: 0.06 })).toEqual({ bars: 1, problem: 'loss' });
  });
  it('still rates the round trip first-hand, whatever the loss', () => {
    expect(rateDirection({ ...clean, loss: 0, videoLoss: 0.2, rttMs: 1500 })).toEqual({ bars: 1, problem: 'rtt' });
  });
});

describe('the whole link', () => {
  it('is as good as its worse direction, with a suggestion only when not good', () => {
    const good = rateDirection(clean);
    const lossy = rateDirection({ ...clean, loss: 0.1 });
    expect(rateLink(good, good)).toMatchObject({ quality: 'good', suggestion: null });
    expect(rateLink(good, lossy)).toMatchObject({ quality: 'poor', suggestion: 'loss' });
    expect(rateLink(rateDirection({ ...clean, bitrate: 200_000 }), good)).toMatchObject({ quality: 'fair', suggestion: 'bandwidth' });
  });
  it('maps bars and mediasoup scores', () => {
    expect([0, 1, 2, 3, 4].map((b) => qualityOfBars(b as 0))).toEqual(['poor', 'poor', 'fair', 'good', 'good']);
    expect([10, 9, 8, 7, 6, 5, 4, 3, 2, 0].map(barsOfScore)).toEqual([4, 4, 3, 3, 2, 2, 1, 1, 0, 0]);
  });
});
