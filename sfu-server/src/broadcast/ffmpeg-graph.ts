/**
 * ffmpeg's command line for the live broadcast: a set of tapped streams (one SDP file each, from
 * `media/plain-tap.ts`) → the speaker-follow picture (`speaker-layout.ts`) with each point's name
 * drawn in DejaVu Sans (fonts-dejavu-core, covers Vietnamese), the mixed sound → H.264 + AAC in HLS
 * segments of `segmentSeconds` (a keyframe at every segment start).
 *
 * Every camera of the input set is ready at every place of the layout (full picture, large beside
 * the column, first or second tile of the column): one overlay per camera and place, named
 * `overlay@v<i><place>`, all but the composition's disabled (`enable=0`). A change of speaker is
 * then a few filter commands on ffmpeg's stdin (`switchCommands`: ffmpeg's "c" key, one command a
 * line, read every 100 ms) instead of a new ffmpeg that opens its inputs one after the other and
 * waits for a keyframe on each: the new speaker's picture is in the next frames. (Debian's ffmpeg
 * 5.1 has the `zmq` filter, but it needs a ZeroMQ client here; `sendcmd` reads a fixed script;
 * stdin needs nothing.)
 * ffmpeg is restarted only when the set of inputs changes (a camera or microphone to add or drop);
 * `append_list` + `discont_start` then continue the same playlist (numbering goes on, the new part
 * starts with EXT-X-DISCONTINUITY, which hls.js and Safari play through).
 *
 * Pure (lists of arguments and text), so the graph is unit-tested without ffmpeg.
 */
import path from 'node:path';
import { FULL, MAIN_WITH_SIDE, SIDE_RECTS, type Composition, type Rect } from './speaker-layout';

export const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const FPS = 25;

/** The places a camera can take, with their rectangles. */
export const PLACES = { full: FULL, main: MAIN_WITH_SIDE, side0: SIDE_RECTS[0]!, side1: SIDE_RECTS[1]! } as const;
export type Place = keyof typeof PLACES;
const PLACE_ORDER: readonly Place[] = ['full', 'main', 'side0', 'side1'];

/** The streams one ffmpeg reads: cameras (and screens) that may be shown, microphones mixed. */
export interface InputSet {
  video: ReadonlyArray<{ producerId: string; label: string }>;
  audio: readonly string[];
}

export interface GraphInputs {
  /** SDP file of each tapped producer of the input set. */
  sdpFiles: ReadonlyMap<string, string>;
  /** A text file holding each camera's label (drawtext reads it: no escaping of names). */
  labelFiles: ReadonlyMap<string, string>;
  outDir: string;
  /**
   * Names this broadcast's segments (`seg-<run>-NNNNNN.ts`): a broadcast turned off and on again
   * numbers its segments from 0 again, and a segment is cached by its URL (the server's memory
   * cache, `immutable` for a minute in any HTTP cache in front), so the same name must never mean
   * two different segments. The ffmpegs that one broadcast restarts keep its run (the playlist is
   * appended to).
   */
  run: string;
  fontFile?: string;
  segmentSeconds?: number;
  /** Segments kept in the live playlist (older ones are deleted). */
  listSize?: number;
  videoKbps?: number;
}

export function placeOf(rect: Rect): Place {
  const found = PLACE_ORDER.find((p) => {
    const r = PLACES[p];
    return r.x === rect.x && r.y === rect.y && r.w === rect.w && r.h === rect.h;
  });
  if (!found) throw new Error(`no place at ${JSON.stringify(rect)}`);
  return found;
}

const overlayName = (i: number, p: Place) => `overlay@v${i}${p}`;

/** Which overlays a composition enables, given the input set's order of cameras. */
export function enabledOverlays(set: InputSet, c: Composition): Set<string> {
  const on = new Set<string>();
  for (const t of c.video) {
    const i = set.video.findIndex((v) => v.producerId === t.producerId);
    if (i < 0) throw new Error(`camera ${t.producerId} is not an input`);
    on.add(overlayName(i, placeOf(t.rect)));
  }
  return on;
}

/**
 * Whether the ffmpeg of this input set can show the composition by commands alone: its cameras are
 * read, and so are its microphones (a muted one that is read is silence, see `RtpRelay.fillSilence`).
 */
export function canShow(set: InputSet, c: Composition): boolean {
  const cams = new Set(set.video.map((v) => v.producerId));
  const mics = new Set(set.audio);
  return c.video.every((t) => cams.has(t.producerId)) && c.audio.every((a) => mics.has(a));
}

/** ffmpeg's stdin text that turns the picture from one composition to the other (enables first). */
export function switchCommands(set: InputSet, from: Composition, to: Composition): string {
  const before = enabledOverlays(set, from);
  const after = enabledOverlays(set, to);
  const lines: string[] = [];
  for (const name of after) if (!before.has(name)) lines.push(`c${name} -1 enable 1\n`);
  for (const name of before) if (!after.has(name)) lines.push(`c${name} -1 enable 0\n`);
  return lines.join('');
}

export function ffmpegArgs(set: InputSet, initial: Composition, inputs: GraphInputs): string[] {
  const font = inputs.fontFile ?? DEFAULT_FONT;
  const seg = inputs.segmentSeconds ?? 1;
  const { width, height } = initial;
  // (spawnFfmpeg adds -hide_banner -nostats -loglevel warning.)
  const args = ['-fflags', '+genpts'];
  // Input 0: the background, paced in real time (it drives the output when no camera is shown).
  args.push('-re', '-f', 'lavfi', '-i', `color=c=0x1b1f24:s=${width}x${height}:r=${FPS}`);
  // Input 1: silence, so there is always a sound track (nobody unmuted is still a stream).
  args.push('-re', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo');
  const order = [...set.video.map((v) => v.producerId), ...set.audio.filter((a) => !set.video.some((v) => v.producerId === a))];
  const videoIds = new Set(set.video.map((v) => v.producerId));
  for (const producerId of order) {
    const sdp = inputs.sdpFiles.get(producerId);
    if (!sdp) throw new Error(`no SDP for producer ${producerId}`);
    // ffmpeg opens its inputs one after the other: a picture needs one keyframe (its size); Opus
    // needs almost nothing (its SDP says it all).
    // A picture changing size (a keyframe of another simulcast layer) must not rebuild the graph:
    // that would put the overlays back as they were at the start (`scale` follows the new size).
    const probe = videoIds.has(producerId) ? ['-reinit_filter', '0', '-analyzeduration', '700000', '-probesize', '500000'] : ['-analyzeduration', '100000', '-probesize', '32000'];
    args.push('-protocol_whitelist', 'file,udp,rtp', '-reorder_queue_size', '64', ...probe, '-thread_queue_size', '512', '-i', sdp);
  }
  const index = (producerId: string) => order.indexOf(producerId) + 2;
  const enabled = enabledOverlays(set, initial);

  const f: string[] = [];
  const tiles: Array<{ name: string; pad: string; rect: Rect }> = [];
  set.video.forEach((v, i) => {
    const label = inputs.labelFiles.get(v.producerId);
    const text = (h: number) => {
      const size = Math.max(14, Math.round(h / 18));
      return label
        ? `,drawtext=fontfile=${escapeFilterValue(font)}:textfile=${escapeFilterValue(label)}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 3)}:x=${Math.round(size / 2)}:y=h-th-${Math.round(size / 2)}`
        : '';
    };
    const fit = (r: Rect) => `scale=${r.w}:${r.h}:force_original_aspect_ratio=decrease,pad=${r.w}:${r.h}:(ow-iw)/2:(oh-ih)/2:color=black${text(r.h)}`;
    f.push(`[${index(v.producerId)}:v]setpts=PTS-STARTPTS,fps=${FPS},split=3[r${i}f][r${i}m][r${i}s]`);
    f.push(`[r${i}f]${fit(PLACES.full)}[t${i}full]`);
    f.push(`[r${i}m]${fit(PLACES.main)}[t${i}main]`);
    // Both tiles of the column have the same size: one picture, split.
    f.push(`[r${i}s]${fit(PLACES.side0)},split=2[t${i}side0][t${i}side1]`);
    for (const p of PLACE_ORDER) tiles.push({ name: overlayName(i, p), pad: `[t${i}${p}]`, rect: PLACES[p] });
  });
  // Full pictures first, the column last (on top).
  tiles.sort((a, b) => PLACE_ORDER.indexOf(placeOfName(a.name)) - PLACE_ORDER.indexOf(placeOfName(b.name)));
  let base = '[0:v]';
  tiles.forEach((t, n) => {
    const out = n === tiles.length - 1 ? '[vout]' : `[b${n}]`;
    f.push(`${base}${t.pad}${t.name}=x=${t.rect.x}:y=${t.rect.y}:eof_action=pass:repeatlast=1:enable=${enabled.has(t.name) ? 1 : 0}${out}`);
    base = out;
  });
  if (tiles.length === 0) f.push('[0:v]null[vout]');
  set.audio.forEach((a, i) => f.push(`[${index(a)}:a]asetpts=PTS-STARTPTS,aresample=48000:async=1000[a${i}]`));
  f.push(`[1:a]${set.audio.map((_, i) => `[a${i}]`).join('')}amix=inputs=${set.audio.length + 1}:duration=first:dropout_transition=0:normalize=0[aout]`);

  const kbps = inputs.videoKbps ?? 1500;
  const gop = Math.round(FPS * seg);
  args.push('-filter_complex', f.join(';'), '-map', '[vout]', '-map', '[aout]');
  args.push('-c:v', 'libx264', '-preset', 'veryfast', '-tune', 'zerolatency', '-profile:v', 'main', '-pix_fmt', 'yuv420p');
  args.push('-r', String(FPS), '-g', String(gop), '-keyint_min', String(gop), '-sc_threshold', '0', '-force_key_frames', `expr:gte(t,n_forced*${seg})`);
  args.push('-b:v', `${kbps}k`, '-maxrate', `${Math.round(kbps * 1.2)}k`, '-bufsize', `${kbps}k`);
  args.push('-c:a', 'aac', '-b:a', '96k', '-ar', '48000', '-ac', '2');
  args.push('-f', 'hls', '-hls_time', String(seg), '-hls_list_size', String(inputs.listSize ?? 10));
  args.push('-hls_flags', 'delete_segments+append_list+discont_start+independent_segments+temp_file+program_date_time+omit_endlist');
  args.push('-hls_delete_threshold', '4', '-hls_allow_cache', '0');
  args.push('-hls_segment_filename', path.join(inputs.outDir, `seg-${inputs.run}-%06d.ts`), path.join(inputs.outDir, 'index.m3u8'));
  return args;
}

function placeOfName(name: string): Place {
  return PLACE_ORDER.find((p) => name.endsWith(p))!;
}

/** A value inside a filter graph: `\`, `'`, `:` and the graph's separators escaped. */
export function escapeFilterValue(v: string): string {
  return v.replace(/[\\':,;[\]=]/g, (ch) => `\\${ch}`);
}
