import { describe, expect, it } from 'vitest';
import { nextStep, plannedEstimate, planReceiver, videoBudget, type StreamInput } from '../../../sfu-server/src/media/bandwidth-policy';
import { CAP_FLOOR, CAP_MARGIN, CLEAN_MS, initialReach, outgoingCap, MAX_REACH_QUIET_MS, nextReach, REACH_MAX_LOSS, REACH_QUIET_MS, type ReachInput, type ReachState } from '../../../sfu-server/src/media/bandwidth-reach';

/** The chair's camera as Chromium sends it here: 180p / 360p / 720p, three temporal layers each (cumulative bit/s). */
const CAMERA_RATES = [
  [70_000, 105_000, 140_000],
  [190_000, 285_000, 380_000],
  [480_000, 720_000, 950_000],
];

function camera(id: string, role: StreamInput['role'], extra: Partial<StreamInput> = {}): StreamInput {
  return { id, role, maxSpatial: 1, temporalLayers: 3, rates: CAMERA_RATES, flowing: [true, true, true], layered: true, ...extra };
}

/** The plan at an estimate, and the estimate its next step needs (one audio stream, as the weak-link spec's point receives). */
function at(estimate: number, streams: StreamInput[]) {
  const plans = planReceiver(videoBudget(estimate, 1), streams);
  const step = nextStep(streams, plans, 1);
  return { plans, step, needed: step?.estimate ?? null };
}

describe('a receiver’s next step', () => {
  it('is the 360p its tile asks for, at an estimate far above what 180p lets GoogCC reach', () => {
    // 300 kbit/s: where the estimate towards a point settles when it is sent 180p at full rate and
    // one audio stream (≈ 1.5 × 190 kbit/s + 10: GoogCC's limit above the acknowledged rate).
    const { plans, step, needed } = at(300_000, [camera('chair', 'chair')]);
    expect(plans.get('chair')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 2 });
    expect(step).toMatchObject({ id: 'chair', layers: { spatialLayer: 1, temporalLayer: 2 } });
    expect(needed).not.toBeNull();
    expect(needed!).toBeGreaterThan(1.5 * (140_000 + 50_000) + 10_000);
    // At that estimate the policy takes the step, just below it it does not.
    expect(planReceiver(videoBudget(needed! * 1.001, 1), [camera('chair', 'chair')]).get('chair')!.layers.spatialLayer).toBe(1);
    expect(planReceiver(videoBudget(needed! * 0.97, 1), [camera('chair', 'chair')]).get('chair')!.layers.spatialLayer).toBe(0);
  });

  it('asks first for a higher frame rate of the layer a stream has', () => {
    // Budget for 180p at its base rate only (another point's camera: the speaker's or the chair's
    // is given its full frame rate as its ceiling whatever the budget, see bandwidth-policy.ts).
    const { plans, step, needed } = at((80_000 + 50_000) / 0.85, [camera('b', 'other')]);
    expect(plans.get('b')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 0 });
    expect(step!.layers).toEqual({ spatialLayer: 0, temporalLayer: 1 });
    expect(planReceiver(videoBudget(needed! * 1.001, 1), [camera('b', 'other')]).get('b')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 1 });
  });

  it('is for the first stream in serving order that is held back', () => {
    // 330 kbit/s: the speaker's 180p at full rate and the other's base layer fit (nothing yields).
    const { step } = at(330_000, [camera('b', 'other'), camera('speaker', 'speaker')]);
    expect(step!.id).toBe('speaker');
  });

  it('is null when every stream has what its tile asks for', () => {
    expect(at(5_000_000, [camera('chair', 'chair'), camera('b', 'other')]).needed).toBeNull();
    // A low-bandwidth receiver's tiles ask for the lowest layer only.
    expect(at(300_000, [camera('chair', 'chair', { maxSpatial: 0 })]).needed).toBeNull();
  });

  it('is null when the sender sends nothing more (its upper layers stopped)', () => {
    expect(at(300_000, [camera('chair', 'chair', { flowing: [true, false, false] })]).needed).toBeNull();
  });
});

const input = (over: Partial<ReachInput> = {}): ReachInput => ({ now: 100_000, estimate: 140_000, needed: 147_000, lastFallAt: null, loss: 0, ...over });

describe('reaching one step above the plan', () => {
  it('reaches on a clean link whose estimate holds the plan back (the point stuck at 180p after its link recovered)', () => {
    const r = nextReach(initialReach, input());
    expect(r.reach).toBe(true);
    expect(r.state).toMatchObject({ reaching: true, heldBack: true });
  });

  it('does not reach when nothing is held back, or there is no estimate yet', () => {
    expect(nextReach(initialReach, input({ needed: null })).reach).toBe(false);
    expect(nextReach(initialReach, input({ needed: 130_000 })).reach).toBe(false);
    expect(nextReach(initialReach, input({ estimate: undefined })).reach).toBe(false);
  });

  it('does not reach on a link that loses packets, nor soon after the estimate fell sharply', () => {
    // 5 % lost before NACK repairs it (the 384/256 kbit link), or not measured yet.
    expect(nextReach(initialReach, input({ loss: 0.05 })).reach).toBe(false);
    expect(nextReach(initialReach, input({ loss: REACH_MAX_LOSS })).reach).toBe(false);
    expect(nextReach(initialReach, input({ loss: null })).reach).toBe(false);
    expect(nextReach(initialReach, input({ lastFallAt: 100_000 - REACH_QUIET_MS + 1 })).reach).toBe(false);
    expect(nextReach(initialReach, input({ lastFallAt: 100_000 - REACH_QUIET_MS })).reach).toBe(true);
  });

  it('waits twice as long after each fall that came while reaching, up to a bound', () => {
    let s: ReachState = nextReach(initialReach, input({ now: 0 })).state;
    let t = 0;
    let quiet = REACH_QUIET_MS;
    for (let i = 0; i < 5; i++) {
      // The link did not carry the step: the estimate fell.
      const fall = t + 1_000;
      s = nextReach(s, input({ now: fall, lastFallAt: fall })).state;
      quiet = Math.min(MAX_REACH_QUIET_MS, quiet * 2);
      expect(s).toMatchObject({ reaching: false, quietMs: quiet });
      expect(nextReach(s, input({ now: fall + quiet - 1, lastFallAt: fall })).reach).toBe(false);
      const r = nextReach(s, input({ now: fall + quiet, lastFallAt: fall }));
      expect(r.reach).toBe(true);
      s = r.state;
      t = fall + quiet;
    }
    expect(s.quietMs).toBe(MAX_REACH_QUIET_MS);
  });

  it('a fall while not reaching does not lengthen the wait; a step the plan took resets it', () => {
    const idle = nextReach(initialReach, input({ needed: null })).state;
    expect(nextReach(idle, input({ lastFallAt: 99_000, needed: null })).state.quietMs).toBe(REACH_QUIET_MS);
    const long: ReachState = { ...initialReach, reaching: true, heldBack: true, fallSeen: 0, quietMs: 40_000 };
    // The estimate grew to what the step needs: the plan takes it, nothing held back now.
    expect(nextReach(long, input({ estimate: 200_000, needed: 150_000 })).state).toMatchObject({ reaching: false, quietMs: REACH_QUIET_MS });
  });

  it('does not reach on a still-bad link whose smoothed loss dips under 1 % for a round or two', () => {
    // The 384/256 kbit 5 % link: mediasoup's weighted loss over the last feedbacks reads 3–7 %, and
    // now and then under 1 % for a round (a few feedbacks without a lost packet).
    const readings = [0.05, 0.06, 0.004, 0.05, 0.03, 0.0, 0.008, 0.05, 0.07, 0.0, 0.04];
    let s: ReachState = initialReach;
    readings.forEach((loss, i) => {
      const r = nextReach(s, input({ now: 100_000 + i * 1_000, loss }));
      expect(r.reach, `round ${i}, loss ${loss}`).toBe(false);
      s = r.state;
    });
  });

  it('reaches at once when a lossy link has been clean for three rounds: lifted, its doubled wait and falls forgotten', () => {
    // During the bad spell reaches ended in falls and the wait grew to its bound.
    let s: ReachState = { ...initialReach, quietMs: MAX_REACH_QUIET_MS, fallSeen: 95_000 };
    const lastFall = 95_000;
    for (let t = 90_000; t < 100_000; t += 1_000) s = nextReach(s, input({ now: t, lastFallAt: lastFall, loss: 0.05 })).state;
    expect(s.lossy).toBe(true);
    // Lifted at 100 s: loss gone at the next reads.
    let r = nextReach(s, input({ now: 100_000, lastFallAt: lastFall, loss: 0 }));
    expect(r.reach).toBe(false);
    r = nextReach(r.state, input({ now: 101_000, lastFallAt: lastFall, loss: 0.002 }));
    expect(r.reach).toBe(false);
    r = nextReach(r.state, input({ now: 100_000 + CLEAN_MS, lastFallAt: lastFall, loss: 0 }));
    expect(r.reach).toBe(true);
    expect(r.state).toMatchObject({ lossy: false, quietMs: REACH_QUIET_MS });
    // A fall after the lift (the reach overshot the new link) counts again, with the short wait.
    const after = nextReach(r.state, input({ now: 103_000, lastFallAt: 103_000, loss: 0 }));
    expect(after.reach).toBe(false);
    expect(after.state.quietMs).toBe(2 * REACH_QUIET_MS);
  });

  it('a link that only lost while reaching (it overshot) is not taken for lossy', () => {
    const reaching = nextReach(initialReach, input({ now: 0 })).state;
    expect(reaching.reaching).toBe(true);
    expect(nextReach(reaching, input({ now: 1_000, loss: 0.04 })).state.lossy).toBe(false);
  });
});

describe('the outgoing cap on a lossy link', () => {
  // The 384/256 kbit 5 % point: the speaker's 180p at full frame rate, the other point's picture
  // yielded (paused), one audio stream the estimate does not measure (mediasoup 3.27).
  const streams = [camera('speaker', 'speaker'), camera('b', 'other')];
  const plans = planReceiver(videoBudget(150_000, 0), streams);
  const step = nextStep(streams, plans, 0)!;
  const planNeeded = plannedEstimate(streams, plans, 0);

  it('holds the worker near what the plan uses, not at the yielded picture’s return (which overfilled the 384 kbit/s queue)', () => {
    expect(plans.get('b')).toMatchObject({ forward: false, yielded: true });
    expect(step.resume).toBe(true);
    const cap = outgoingCap({ lossy: true }, { planNeeded, next: { estimate: step.estimate, temporalOnly: false } });
    expect(cap).toBe(Math.round(Math.max(CAP_FLOOR, planNeeded * CAP_MARGIN)));
    // The speaker's 180p at full rate (140 kbit/s) fits under it; the other picture's return
    // (≈ 280 kbit/s of video beside ≈ 100 of speech on a 384 kbit/s line) does not.
    expect(cap * 0.85).toBeGreaterThanOrEqual(140_000);
    expect(cap).toBeLessThan(step.estimate);
  });

  it('lets the estimate reach the next frame rate of a layer the plan has', () => {
    const low = planReceiver(videoBudget(100_000, 0), [camera('b', 'other')]);
    const next = nextStep([camera('b', 'other')], low, 0)!;
    expect(next.layers).toEqual({ spatialLayer: 0, temporalLayer: 1 });
    const cap = outgoingCap({ lossy: true }, { planNeeded: plannedEstimate([camera('b', 'other')], low, 0), next: { estimate: next.estimate, temporalOnly: true } });
    expect(cap).toBeGreaterThanOrEqual(next.estimate);
  });

  it('is no limit on a link that is not lossy (a lifted link loses it at once)', () => {
    expect(outgoingCap({ lossy: false }, { planNeeded, next: { estimate: step.estimate, temporalOnly: false } })).toBe(0);
  });

  it('never goes under the floor', () => {
    expect(outgoingCap({ lossy: true }, { planNeeded: 40_000, next: null })).toBe(CAP_FLOOR);
  });
});

