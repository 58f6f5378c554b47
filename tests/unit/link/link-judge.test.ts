/** The server's judgement of a point's link (sfu-server/src/points/link-judge.ts) and its settling. */
import { describe, expect, it } from 'vitest';
import type { LinkReport } from '../../../common/protocol';
import { BETTER_AFTER, judgeLink, REPORT_FRESH_MS, settle, WORSE_AFTER, type Settled } from '../../../sfu-server/src/points/link-judge';

const report = (r: Partial<LinkReport> = {}): LinkReport => ({ sendBars: 4, recvBars: 4, sendLossPercent: 0, recvLossPercent: 0, rttMs: 30, availableSendKbps: 2000, fallback: 'none', ...r });
const none = { audio: [], video: [] };
const quiet = { sendScores: none, recvScores: none };

describe('judging', () => {
  it('believes a fresh report and ignores a stale one', () => {
    expect(judgeLink(report({ recvBars: 1, recvLossPercent: 9 }), 1000, quiet)).toMatchObject({ quality: 'poor', recvBars: 1, lossPercent: 9 });
    expect(judgeLink(report({ recvBars: 1 }), REPORT_FRESH_MS + 1, quiet)).toMatchObject({ quality: 'good', recvBars: 4, lossPercent: null });
  });
  it('sees a poor uplink from the scores of what the point sends, even when its client reports nothing', () => {
    // A microphone at 4: upstream loss of speech.
    expect(judgeLink(null, Infinity, { sendScores: { audio: [4], video: [10] }, recvScores: none })).toMatchObject({ quality: 'poor', sendBars: 1 });
    expect(judgeLink(null, Infinity, { sendScores: { audio: [10], video: [9] }, recvScores: { audio: [10, 7], video: [] } })).toMatchObject({ quality: 'good', recvBars: 3 });
    expect(judgeLink(null, Infinity, { sendScores: { audio: [10], video: [] }, recvScores: { audio: [3, 4, 5], video: [] } })).toMatchObject({ quality: 'poor', recvBars: 1 });
  });
  it('judges speech apart from video: video scores alone make a link fair, not poor, while audio flows clean', () => {
    // The 5 % link: its camera's stream scores 4 (loss left after repairs, many packets), its
    // microphone's 10. Pooled, the old rule rated the uplink 1 bar (poor) from the camera.
    expect(judgeLink(null, Infinity, { sendScores: { audio: [10], video: [4] }, recvScores: none })).toMatchObject({ quality: 'fair', sendBars: 2 });
    expect(judgeLink(null, Infinity, { sendScores: none, recvScores: { audio: [10, 10], video: [2, 3] } })).toMatchObject({ quality: 'fair', recvBars: 2 });
    // Speech lost is poor whatever the video does.
    expect(judgeLink(null, Infinity, { sendScores: none, recvScores: { audio: [4, 4], video: [10, 10, 10, 10] } })).toMatchObject({ quality: 'poor', recvBars: 1 });
    // No audio flows that way (every microphone muted): the video's scores are all there is.
    expect(judgeLink(null, Infinity, { sendScores: { audio: [], video: [3] }, recvScores: none })).toMatchObject({ quality: 'poor', sendBars: 1 });
  });
  it('takes the worse of report and scores', () => {
    expect(judgeLink(report({ sendBars: 3 }), 0, { sendScores: { audio: [6], video: [] }, recvScores: none })).toMatchObject({ sendBars: 2, quality: 'fair' });
  });
});

describe('settling', () => {
  const judge = (quality: 'good' | 'fair' | 'poor', fallback: LinkReport['fallback'] = 'none') => ({
    sendBars: 4 as const,
    recvBars: (quality === 'good' ? 4 : quality === 'fair' ? 2 : 0) as 0 | 2 | 4,
    quality,
    lossPercent: null,
    rttMs: null,
    fallback,
  });
  it('marks a point poor after a confirmed spell, keeps "since", and recovers more slowly', () => {
    let s: Settled | null = null;
    let r = settle(s, 'p1', judge('good'), 0);
    s = r.next;
    for (let i = 1; i < WORSE_AFTER; i++) {
      r = settle(s, 'p1', judge('poor'), i * 2000);
      s = r.next;
      expect(r.changed).toBe(false);
      expect(s.link.quality).toBe('good');
    }
    r = settle(s, 'p1', judge('poor'), 10_000);
    s = r.next;
    expect(r.changed).toBe(true);
    expect(s.link).toMatchObject({ quality: 'poor', since: 10_000 });
    r = settle(s, 'p1', judge('poor'), 12_000);
    s = r.next;
    expect(s.link.since).toBe(10_000);
    for (let i = 1; i < BETTER_AFTER; i++) {
      r = settle(s, 'p1', judge('good'), 12_000 + i * 2000);
      s = r.next;
      expect(s.link.quality).toBe('poor');
    }
    r = settle(s, 'p1', judge('good'), 30_000);
    expect(r.changed).toBe(true);
    expect(r.next.link).toMatchObject({ quality: 'good', since: 30_000 });
  });
  it('announces a change of fallback at once', () => {
    const s = settle(null, 'p1', judge('good'), 0).next;
    const r = settle(s, 'p1', judge('good', 'audio-only'), 2000);
    expect(r.changed).toBe(true);
    expect(r.next.link.fallback).toBe('audio-only');
  });
});
