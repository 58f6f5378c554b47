import { describe, expect, it } from 'vitest';
import {
  audioInEstimate,
  AUDIO_BPS,
  HEADROOM,
  layerCost,
  NOMINAL_FLOOR,
  nextStep,
  othersYield,
  planReceiver,
  RESUME_MARGIN,
  smoothMinimum,
  ratesFromStats,
  ROLE_PRIORITY,
  TRANSPORT_CC_URI,
  videoBudget,
  type StreamInput,
} from '../../../sfu-server/src/media/bandwidth-policy';

/** A camera as Chromium sends it here: 180p / 360p / 720p, three temporal layers each (cumulative bit/s). */
const CAMERA_RATES = [
  [70_000, 105_000, 140_000],
  [190_000, 285_000, 380_000],
  [480_000, 720_000, 950_000],
];

function camera(id: string, role: StreamInput['role'], extra: Partial<StreamInput> = {}): StreamInput {
  return { id, role, maxSpatial: 2, temporalLayers: 3, rates: CAMERA_RATES, flowing: [true, true, true], layered: true, ...extra };
}

describe('video budget', () => {
  it('keeps headroom and counts audio first', () => {
    expect(videoBudget(1_000_000, 2)).toBe(1_000_000 * HEADROOM - 2 * AUDIO_BPS);
  });
  it('is unlimited until the transport has an estimate', () => {
    expect(videoBudget(undefined, 3)).toBe(Infinity);
    expect(videoBudget(0, 3)).toBe(Infinity);
  });
  it('never goes below zero (a link that carries only the audio)', () => {
    expect(videoBudget(80_000, 3)).toBe(0);
  });
});

describe('audio the estimate measures', () => {
  const ext = (uri: string) => ({ uri });
  const LEVEL = 'urn:ietf:params:rtp-hdrext:ssrc-audio-level';
  it('counts only audio consumers that carry transport-cc (mediasoup 3.27 puts it on none it sends)', () => {
    const mic = { kind: 'audio', rtpParameters: { headerExtensions: [ext(LEVEL)] } };
    const micWithCc = { kind: 'audio', rtpParameters: { headerExtensions: [ext(LEVEL), ext(TRANSPORT_CC_URI)] } };
    const cam = { kind: 'video', rtpParameters: { headerExtensions: [ext(TRANSPORT_CC_URI)] } };
    expect(audioInEstimate([mic, mic, cam])).toBe(0);
    expect(audioInEstimate([micWithCc, mic, cam])).toBe(1);
    expect(audioInEstimate([{ ...micWithCc, paused: true }])).toBe(0);
  });

  it('gives the speaker its full frame rate at the 384 kbit/s point (the bench, 2026-12-07)', () => {
    // What the worker had for the shaped point on the 384/256 kbit 5 % link: estimate 147 kbit/s,
    // two microphones whose consumers carry no transport-cc, the chair speaking (its 180p measured
    // 34 / 61 / 105 kbit/s by temporal layer), the other point's 180p 56 / 92 / 163 kbit/s.
    // Taking 2 × 50 kbit/s of audio off again left 25 kbit/s: both pictures at their base rate (5 fps).
    const mics = [1, 2].map(() => ({ kind: 'audio', rtpParameters: { headerExtensions: [ext(LEVEL)] } }));
    const chairCam = camera('chair', 'speaker', { rates: [[34_000, 61_000, 105_000], CAMERA_RATES[1]!, CAMERA_RATES[2]!] });
    const otherCam = camera('b', 'other', { rates: [[56_000, 92_000, 163_000], CAMERA_RATES[1]!, CAMERA_RATES[2]!] });
    const plans = planReceiver(videoBudget(147_000, audioInEstimate(mics)), [otherCam, chairCam]);
    expect(plans.get('chair')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 2 } });
    // The second picture yields: 125 kbit/s of budget cannot carry the speaker's 105k at full rate
    // and the other's 56k base layer, which mediasoup would have served before the speaker's T1.
    expect(plans.get('b')).toMatchObject({ forward: false, yielded: true });
  });
});

describe('layers per receiver', () => {
  it('gives every stream the best layer its tile needs when the link is wide', () => {
    const plans = planReceiver(5_000_000, [camera('chair', 'chair'), camera('b', 'other')]);
    expect(plans.get('chair')!.layers).toEqual({ spatialLayer: 2, temporalLayer: 2 });
    expect(plans.get('b')!.layers).toEqual({ spatialLayer: 2, temporalLayer: 2 });
  });

  it('never goes above what the tile needs', () => {
    const plans = planReceiver(5_000_000, [camera('b', 'other', { maxSpatial: 0 })]);
    expect(plans.get('b')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 2 });
  });

  it('prefers a smooth low layer to a stuttering high one', () => {
    // 450 kbit/s for video: 720p at its base rate (480k) does not fit; 360p at full rate (380k) does.
    const plans = planReceiver(450_000, [camera('speaker', 'speaker')]);
    expect(plans.get('speaker')!.layers).toEqual({ spatialLayer: 1, temporalLayer: 2 });
  });

  it('serves the speaker and the chair before the others', () => {
    // Enough for 180p at full rate twice (280k) plus a little.
    const plans = planReceiver(300_000, [camera('b', 'other'), camera('chair', 'chair'), camera('speaker', 'speaker')]);
    expect(plans.get('speaker')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 2 } });
    expect(plans.get('chair')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 2 } });
    // No room left for the other point: its lowest layer at its base frame rate, lowest priority
    // (mediasoup gives it what is left; the server does not cut it).
    expect(plans.get('b')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 0 }, priority: ROLE_PRIORITY.other });
  });

  it('lowers the frame rate of a second picture before giving it up, and keeps its lowest layer on a link too thin for it', () => {
    // The speaker's 180p at full rate takes 140k of 220k; 80k left: the other point at its base rate (70k), not 105k.
    const plans = planReceiver(220_000, [camera('b', 'other'), camera('speaker', 'speaker')]);
    expect(plans.get('b')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 0 });
    expect(planReceiver(250_000, [camera('speaker', 'speaker'), camera('b', 'other')]).get('b')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 1 });
    // Too thin for the speaker smooth beside it: it yields (see 'other pictures yield').
    const starved = planReceiver(10_000, [camera('speaker', 'speaker'), camera('b', 'other')]);
    expect(starved.get('b')).toMatchObject({ forward: false, yielded: true });
  });

  it('makes the speaker (else the chair) smooth at its lowest layer before any second picture gets more than its lowest', () => {
    // 110k of budget: the old rule planned the speaker at T1 (10 fps) whatever the worker's own
    // estimate allowed; now its full frame rate is the ceiling and mediasoup climbs to it first.
    expect(planReceiver(110_000, [camera('speaker', 'speaker')]).get('speaker')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 2 });
    const starved = planReceiver(10_000, [camera('b', 'other'), camera('speaker', 'speaker'), camera('chair', 'chair')]);
    expect(starved.get('speaker')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 2 } });
    // 140k + 70k + 70k: the chair and the other point at their base layers beside it.
    const base = planReceiver(280_000, [camera('b', 'other'), camera('speaker', 'speaker'), camera('chair', 'chair')]);
    expect(base.get('chair')).toMatchObject({ forward: true, layers: { spatialLayer: 0 } });
    expect(base.get('b')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 0 } });
    // No speaker: the chair is the one made smooth.
    const noSpeaker = planReceiver(210_000, [camera('b', 'other'), camera('chair', 'chair')]);
    expect(noSpeaker.get('chair')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 2 });
    expect(noSpeaker.get('b')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 0 } });
    // Only other points: nobody is given more than the budget pays for.
    expect(planReceiver(60_000, [camera('b', 'other'), camera('c', 'other')]).get('b')!.layers).toEqual({ spatialLayer: 0, temporalLayer: 0 });
  });

  it('forwards a sender at the layers it does send when its upper layers stop', () => {
    const weakSender = camera('point', 'other', { flowing: [true, false, false], rates: [CAMERA_RATES[0]!, null, null] });
    expect(planReceiver(5_000_000, [weakSender]).get('point')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 2 } });
  });

  it('moves to a layer that flows when the chosen one goes silent (even one above what the tile asks)', () => {
    const onlyTop = camera('point', 'chair', { maxSpatial: 0, flowing: [false, false, true] });
    expect(planReceiver(5_000_000, [onlyTop]).get('point')!.layers.spatialLayer).toBe(2);
  });

  it('does not take a higher layer on a margin it would lose at the next estimate, but keeps one it has', () => {
    // Budget 400k: the step from 180p (140k) to 360p (380k) costs 240k of the 260k left: it fits,
    // but would leave less than a tenth of the budget.
    const tight = 400_000;
    expect(planReceiver(tight, [camera('speaker', 'speaker')]).get('speaker')!.layers.spatialLayer).toBe(0);
    expect(planReceiver(tight, [camera('speaker', 'speaker', { previous: { spatialLayer: 1, temporalLayer: 2 } })]).get('speaker')!.layers.spatialLayer).toBe(1);
  });

  it('gives priorities by role (mediasoup serves higher ones first)', () => {
    const plans = planReceiver(Infinity, [camera('s', 'screen'), camera('sp', 'speaker'), camera('c', 'chair'), camera('p', 'pinned'), camera('o', 'other')]);
    expect(plans.get('s')!.priority).toBe(ROLE_PRIORITY.screen);
    expect(plans.get('c')!.priority).toBeGreaterThan(plans.get('p')!.priority);
    expect(plans.get('p')!.priority).toBeGreaterThan(plans.get('o')!.priority);
  });

  it('keeps a single-layer screen share of a priority role, drops another single-layer stream that does not fit', () => {
    const screen = { ...camera('screen', 'screen'), layered: false, temporalLayers: 1, rates: [[900_000]] };
    const other = { ...camera('o', 'other'), layered: false, temporalLayers: 1, rates: [[900_000]] };
    const plans = planReceiver(300_000, [screen, other]);
    expect(plans.get('screen')!.forward).toBe(true);
    expect(plans.get('o')!.forward).toBe(false);
  });
});

describe('other pictures yield to a smooth first picture', () => {
  // The speaker's 180p at full rate (140k) beside the chair's and another point's base layers (70k each).
  const streams = () => [camera('b', 'other'), camera('chair', 'chair'), camera('speaker', 'speaker')];
  const NEED = 140_000 + 70_000 + 70_000;

  it('pauses every other picture when the budget cannot carry the first smooth beside their base layers', () => {
    expect(smoothMinimum(streams())).toBe(NEED);
    const plans = planReceiver(NEED - 1_000, streams());
    expect(plans.get('speaker')).toMatchObject({ forward: true, layers: { spatialLayer: 0, temporalLayer: 2 } });
    expect(plans.get('chair')).toMatchObject({ forward: false, yielded: true });
    expect(plans.get('b')).toMatchObject({ forward: false, yielded: true });
    // At the minimum they all stay, at their base layers.
    const fits = planReceiver(NEED, streams());
    expect([...fits.values()].every((p) => p.forward && !p.yielded)).toBe(true);
  });

  it('brings them back only above the minimum by RESUME_MARGIN once they yielded (no flapping)', () => {
    const yielded = streams().map((s) => (s.role === 'speaker' ? s : { ...s, yielded: true }));
    const between = NEED * (1 + RESUME_MARGIN) / 2;
    expect(othersYield(between, yielded)).toBe(true);
    expect(planReceiver(between, yielded).get('b')).toMatchObject({ forward: false, yielded: true });
    expect(othersYield(between, streams())).toBe(false);
    const back = planReceiver(NEED * RESUME_MARGIN, yielded);
    expect(back.get('chair')).toMatchObject({ forward: true, layers: { spatialLayer: 0 } });
    expect(back.get('b')!.forward).toBe(true);
  });

  it('does not yield with no estimate, one picture, or no picture that matters', () => {
    expect(othersYield(Infinity, streams())).toBe(false);
    expect(planReceiver(10_000, [camera('speaker', 'speaker')]).get('speaker')!.forward).toBe(true);
    const others = planReceiver(10_000, [camera('b', 'other'), camera('c', 'other')]);
    expect(others.get('b')!.forward && others.get('c')!.forward).toBe(true);
  });

  it('offers their resume as the next step, before the first picture moves up, at the estimate the plan resumes them', () => {
    const plans = planReceiver(videoBudget(250_000, 0), streams());
    expect(plans.get('chair')!.yielded).toBe(true);
    const step = nextStep(streams(), plans, 0);
    expect(step).toMatchObject({ id: 'chair', resume: true, layers: { spatialLayer: 0, temporalLayer: 0 } });
    const yielded = streams().map((s) => (s.role === 'speaker' ? s : { ...s, yielded: true }));
    expect(planReceiver(videoBudget(step!.estimate * 1.001, 0), yielded).get('chair')!.forward).toBe(true);
    expect(planReceiver(videoBudget(step!.estimate * 0.99, 0), yielded).get('chair')!.forward).toBe(false);
  });
});

describe('layer costs', () => {
  it('uses measured rates, and nominal ones until measured', () => {
    expect(layerCost({ rates: CAMERA_RATES, temporalLayers: 3 }, 1, 2)).toBe(380_000);
    expect(layerCost({ rates: [null, null, null], temporalLayers: 3 }, 0, 0)).toBe(50_000);
    expect(layerCost({ rates: [[200_000]], temporalLayers: 1 }, 0, 0)).toBe(200_000);
    expect(layerCost({ rates: [null], temporalLayers: 1 }, 2, 0)).toBe(1_000_000);
  });
  it('does not plan on a quiet moment: a measured layer costs at least NOMINAL_FLOOR of its nominal rate', () => {
    // A 720p stream whose encoder is held back by its CPU sends 200 kbit/s now: a 384 kbit/s link still must not take it.
    const quiet = camera('chair', 'chair', { rates: [[40_000, 60_000, 80_000], [90_000, 130_000, 170_000], [100_000, 150_000, 200_000]] });
    expect(layerCost(quiet, 2, 2)).toBe(1_000_000 * NOMINAL_FLOOR);
    expect(planReceiver(videoBudget(384_000, 2), [quiet]).get('chair')!.layers.spatialLayer).toBe(0);
  });
  it('reads mediasoup producer stats (cumulative bitrate by temporal layer)', () => {
    expect(ratesFromStats({ bitrate: 140_000, bitrateByLayer: { '0.0': 70_000, '0.1': 105_000, '0.2': 140_000 } }, 3)).toEqual([70_000, 105_000, 140_000]);
    expect(ratesFromStats({ bitrate: 90_000 }, 1)).toEqual([90_000]);
  });
});
