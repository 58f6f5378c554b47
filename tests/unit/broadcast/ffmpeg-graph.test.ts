import { describe, expect, it } from 'vitest';
import { escapeFilterValue, ffmpegArgs } from '../../../sfu-server/src/broadcast/ffmpeg-graph';
import { composeLayout } from '../../../sfu-server/src/broadcast/speaker-layout';

const s = (id: string, peer: string, source: 'webcam' | 'mic' | 'screen') => ({ producerId: id, peerId: peer, accountId: `acc-${peer}`, displayName: peer, pointName: '', source, paused: false });

describe('ffmpeg graph of a composition', () => {
  const c = composeLayout({ streams: [s('v1', 'chair', 'webcam'), s('v2', 'a', 'webcam'), s('m1', 'a', 'mic')], chairAccountId: 'acc-chair', floorHolderAccountId: 'acc-a', activeSpeakerPeerId: null, previousMainPeerId: null });
  const args = ffmpegArgs(c, { sdpFiles: new Map([['v1', '/x/v1.sdp'], ['v2', '/x/v2.sdp'], ['m1', '/x/m1.sdp']]), labelFiles: new Map([['v1', '/x/v1.txt'], ['v2', '/x/v2.txt']]), outDir: '/out' });
  const graph = args[args.indexOf('-filter_complex') + 1]!;

  it('reads each tapped stream from its SDP after the background and the silence', () => {
    const inputs = args.flatMap((a, i) => (a === '-i' ? [args[i + 1]] : []));
    expect(inputs).toEqual(['color=c=0x1b1f24:s=1280x720:r=25', 'anullsrc=r=48000:cl=stereo', '/x/v2.sdp', '/x/v1.sdp', '/x/m1.sdp']);
  });

  it('overlays the large picture then the chair at their places, each with its label file', () => {
    expect(graph).toContain('[2:v]setpts=PTS-STARTPTS');
    expect(graph).toContain('textfile=/x/v2.txt');
    expect(graph).toContain('[0:v][v0]overlay=x=0:y=90');
    expect(graph).toContain('[b0][v1]overlay=x=960:y=180');
    expect(graph).toContain('amix=inputs=2');
  });

  it('writes H.264/AAC HLS with a keyframe at every segment and continues the playlist across restarts', () => {
    expect(args).toEqual(expect.arrayContaining(['libx264', 'aac', 'hls', '-g', '25']));
    expect(args[args.indexOf('-hls_flags') + 1]).toContain('append_list');
    expect(args[args.indexOf('-hls_flags') + 1]).toContain('discont_start');
    expect(args.at(-1)).toBe('/out/index.m3u8');
  });

  it('has a picture and a sound track even with nobody to show or hear', () => {
    const empty = ffmpegArgs(composeLayout({ streams: [], chairAccountId: null, floorHolderAccountId: null, activeSpeakerPeerId: null, previousMainPeerId: null }), { sdpFiles: new Map(), labelFiles: new Map(), outDir: '/out' });
    const g = empty[empty.indexOf('-filter_complex') + 1]!;
    expect(g).toContain('[0:v]null[vout]');
    expect(g).toContain('[1:a]amix=inputs=1');
  });

  it('escapes paths inside the graph', () => {
    expect(escapeFilterValue("/a b/it's:[x],y;z=1")).toBe("/a b/it\\'s\\:\\[x\\]\\,y\\;z\\=1");
  });
});
