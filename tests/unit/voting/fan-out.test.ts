/** One notification to many peers: each distinct view encoded once; peers without sendFrame get notify. */
import { expect, it } from 'vitest';
import { FanOut } from '../../../sfu-server/src/voting/fan-out';
import type { PresentPeer } from '../../../sfu-server/src/voting/eligibility';

function peer(id: string, frames: string[] | null, notified: unknown[] = []): PresentPeer {
  return {
    accountId: id,
    role: 'delegate',
    displayName: id,
    pointName: '',
    notify: (name, data) => void notified.push({ name, data }),
    ...(frames ? { sendFrame: (f: string) => void frames.push(f) } : {}),
  };
}

it('encodes each key once and sends the same frame to peers of that key', () => {
  const frames: string[] = [];
  const notified: unknown[] = [];
  let built = 0;
  const out = new FanOut('voteProgress');
  const data = (castCount: number) => () => {
    built++;
    return { voteId: 'v', castCount, tally: null, ballots: [] };
  };
  for (let i = 0; i < 300; i++) out.send(peer(`p${i}`, frames), i % 2 ? 'odd' : 'even', data(i % 2));
  out.send(peer('old', null, notified), 'odd', data(1));
  expect(built).toBe(3);
  expect(frames).toHaveLength(300);
  expect(new Set(frames).size).toBe(2);
  expect(JSON.parse(frames[1]!)).toEqual({ notification: 'voteProgress', data: { voteId: 'v', castCount: 1, tally: null, ballots: [] } });
  expect(notified).toEqual([{ name: 'voteProgress', data: { voteId: 'v', castCount: 1, tally: null, ballots: [] } }]);
});
