import { describe, expect, it } from 'vitest';
import { inputSetFor } from '../../../sfu-server/src/broadcast/composer';
import { canShow, escapeFilterValue, ffmpegArgs, switchCommands } from '../../../sfu-server/src/broadcast/ffmpeg-graph';
import { composeLayout } from '../../../sfu-server/src/broadcast/speaker-layout';

const s = (id: string, peer: string, source: 'webcam' | 'mic' | 'screen') => ({ producerId: id, peerId: peer, accountId: `acc-${peer}`, displayName: peer, pointName: '', source, paused: false });

describe('ffmpeg graph of the live broadcast', () => {
  const streams = [s('v1', 'chair', 'webcam'), s('v2', 'a', 'webcam'), s('v3', 'b', 'webcam'), s('m1', 'a', 'mic')];
  const layout = (holder: string) => composeLayout({ streams, chairAccountId: 'acc-chair', floorHolderAccountId: holder, activeSpeakerPeerId: null, previousMainPeerId: null });
  const c = layout('acc-a');
  const set = inputSetFor(c, streams, 'acc-chair', 'acc-a');
  const files = { sdpFiles: new Map(['v1', 'v2', 'v3', 'm1'].map((id) => [id, `/x/${id}.sdp`])), labelFiles: new Map(['v1', 'v2', 'v3'].map((id) => [id, `/x/${id}.txt`])), outDir: '/out', run: 'mk1' };
  const args = ffmpegArgs(set, c, files);
  const graph = args[args.indexOf('-filter_complex') + 1]!;

  it('reads the cameras shown, then the other live cameras, then the microphones, after the background and the silence', () => {
    expect(set.video.map((v) => v.producerId)).toEqual(['v2', 'v1', 'v3']);
    const inputs = args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));
    expect(inputs).toEqual(['color=c=0x1b1f24:s=1280x720:r=25', 'anullsrc=r=48000:cl=stereo', '/x/v2.sdp', '/x/v1.sdp', '/x/v3.sdp', '/x/m1.sdp']);
  });

  it('has every camera ready at every place, with its label, and enables only the composition\'s', () => {
    expect(graph).toContain('[2:v]setpts=PTS-STARTPTS');
    expect(graph).toContain('textfile=/x/v2.txt');
    // A is large beside the column, the chair in the column's first tile; B is read but hidden.
    expect(graph).toMatch(/\[t0main\]overlay@v0main=x=0:y=90:[^;]*enable=1/);
    expect(graph).toMatch(/\[t1side0\]overlay@v1side0=x=960:y=180:[^;]*enable=1/);
    expect(graph).toMatch(/\[t2main\]overlay@v2main=x=0:y=90:[^;]*enable=0/);
    expect(graph.match(/enable=1/g)).toHaveLength(2);
    expect(graph).toContain('amix=inputs=2');
  });

  it("names the segments after the broadcast's run: a broadcast turned on again never reuses a cached segment's URL", () => {
    expect(args.slice(-3)).toEqual(['-hls_segment_filename', '/out/seg-mk1-%06d.ts', '/out/index.m3u8']);
    const again = ffmpegArgs(set, c, { ...files, run: 'mk2' });
    expect(again).toContain('/out/seg-mk2-%06d.ts');
  });

  it('shows the next speaker by commands when its camera is read: no new ffmpeg', () => {
    const next = layout('acc-b');
    expect(canShow(set, next)).toBe(true);
    // ffmpeg's "c" key: <target> <time> <command> <argument>, one a line; the new picture first.
    expect(switchCommands(set, c, next)).toBe('coverlay@v2main -1 enable 1\ncoverlay@v0main -1 enable 0\n');
    expect(switchCommands(set, c, c)).toBe('');
  });

  it('needs a new ffmpeg for a camera not read, or a different set of microphones', () => {
    const withNew = composeLayout({ streams: [...streams, s('v9', 'z', 'webcam')], chairAccountId: 'acc-chair', floorHolderAccountId: 'acc-z', activeSpeakerPeerId: null, previousMainPeerId: null });
    expect(canShow(set, withNew)).toBe(false);
    const unmuted = composeLayout({ streams: [...streams, s('m2', 'b', 'mic')], chairAccountId: 'acc-chair', floorHolderAccountId: 'acc-b', activeSpeakerPeerId: null, previousMainPeerId: null });
    expect(canShow(set, unmuted)).toBe(false);
  });

  it('reads the muted microphones that may be heard (floor holder, chair, muted < 8 s), so giving the floor between them needs no new ffmpeg', () => {
    const withMuted = [...streams, { ...s('m2', 'b', 'mic'), paused: true }, { ...s('m0', 'chair', 'mic'), paused: true }, { ...s('m3', 'c', 'mic'), paused: true }, { ...s('m4', 'd', 'mic'), paused: true }];
    const before = composeLayout({ streams: withMuted, chairAccountId: 'acc-chair', floorHolderAccountId: 'acc-b', activeSpeakerPeerId: null, previousMainPeerId: null });
    const now = 100_000;
    // b holds the floor (muted), the chair is muted, c muted 3 s ago, d muted long ago (or never heard).
    const heardAt = new Map([['m3', now - 3_000], ['m4', now - 60_000]]);
    const read = inputSetFor(before, withMuted, 'acc-chair', 'acc-b', (id) => heardAt.get(id), now);
    expect(read.audio).toEqual(['m1', 'm2', 'm0', 'm3']);
    expect(inputSetFor(before, withMuted, 'acc-chair', 'acc-b', (id) => heardAt.get(id), now + 6_000).audio).toEqual(['m1', 'm2', 'm0']);
    // The floor holder unmutes, a mutes: the same inputs show it.
    const swapped = withMuted.map((x) => (x.producerId === 'm1' ? { ...x, paused: true } : x.producerId === 'm2' ? { ...x, paused: false } : x));
    const after = composeLayout({ streams: swapped, chairAccountId: 'acc-chair', floorHolderAccountId: 'acc-b', activeSpeakerPeerId: null, previousMainPeerId: null });
    expect(after.audio).toEqual(['m2']);
    expect(canShow(read, after)).toBe(true);
    // d, muted long ago, unmutes: not read, a new ffmpeg is needed.
    const dSpeaks = withMuted.map((x) => (x.producerId === 'm4' ? { ...x, paused: false } : x));
    expect(canShow(read, composeLayout({ streams: dSpeaks, chairAccountId: 'acc-chair', floorHolderAccountId: 'acc-b', activeSpeakerPeerId: null, previousMainPeerId: null }))).toBe(false);
  });

  it('writes H.264/AAC HLS with a keyframe at every segment and continues the playlist across restarts', () => {
    expect(args).toEqual(expect.arrayContaining(['libx264', 'aac', 'hls', '-g', '25']));
    expect(args[args.indexOf('-hls_flags') + 1]).toContain('append_list');
    expect(args[args.indexOf('-hls_flags') + 1]).toContain('discont_start');
    expect(args.at(-1)).toBe('/out/index.m3u8');
  });

  it('has a picture and a sound track even with nobody to show or hear', () => {
    const none = composeLayout({ streams: [], chairAccountId: null, floorHolderAccountId: null, activeSpeakerPeerId: null, previousMainPeerId: null });
    const empty = ffmpegArgs({ video: [], audio: [] }, none, { sdpFiles: new Map(), labelFiles: new Map(), outDir: '/out', run: 'mk1' });
    const g = empty[empty.indexOf('-filter_complex') + 1]!;
    expect(g).toContain('[0:v]null[vout]');
    expect(g).toContain('[1:a]amix=inputs=1');
  });

  it('escapes paths inside the graph', () => {
    expect(escapeFilterValue("/a b/it's:[x],y;z=1")).toBe("/a b/it\\'s\\:\\[x\\]\\,y\\;z\\=1");
  });
});
