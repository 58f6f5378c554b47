/**
 * ffmpeg's command line for one composition of the live broadcast: the tapped streams (one SDP
 * file each, from `media/plain-tap.ts`) → the speaker-follow picture (`speaker-layout.ts`) with
 * each point's name drawn in DejaVu Sans (fonts-dejavu-core, covers Vietnamese), the mixed sound →
 * H.264 + AAC in HLS segments of `segmentSeconds` (a keyframe at every segment start).
 *
 * Pure (a list of arguments), so the graph is unit-tested without ffmpeg. The composer restarts
 * ffmpeg with a new graph when the layout changes; `append_list` + `discont_start` continue the
 * same playlist (numbering goes on, the new part starts with EXT-X-DISCONTINUITY, which hls.js
 * and Safari play through).
 */
import path from 'node:path';
import type { Composition } from './speaker-layout';

export const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';
export const FPS = 25;

export interface GraphInputs {
  /** SDP file of each tapped producer of the composition. */
  sdpFiles: ReadonlyMap<string, string>;
  /** A text file holding each video tile's label (drawtext reads it: no escaping of names). */
  labelFiles: ReadonlyMap<string, string>;
  outDir: string;
  fontFile?: string;
  segmentSeconds?: number;
  /** Segments kept in the live playlist (older ones are deleted). */
  listSize?: number;
  videoKbps?: number;
}

export function ffmpegArgs(c: Composition, inputs: GraphInputs): string[] {
  const font = inputs.fontFile ?? DEFAULT_FONT;
  const seg = inputs.segmentSeconds ?? 1;
  // (spawnFfmpeg adds -hide_banner -nostats -loglevel warning.)
  const args = ['-fflags', '+genpts'];
  // Input 0: the background, paced in real time (it drives the output when no camera is shown).
  args.push('-re', '-f', 'lavfi', '-i', `color=c=0x1b1f24:s=${c.width}x${c.height}:r=${FPS}`);
  // Input 1: silence, so there is always a sound track (nobody unmuted is still a stream).
  args.push('-re', '-f', 'lavfi', '-i', 'anullsrc=r=48000:cl=stereo');
  const order: string[] = [];
  for (const t of c.video) order.push(t.producerId);
  for (const a of c.audio) if (!order.includes(a)) order.push(a);
  const videoIds = new Set(c.video.map((t) => t.producerId));
  for (const producerId of order) {
    const sdp = inputs.sdpFiles.get(producerId);
    if (!sdp) throw new Error(`no SDP for producer ${producerId}`);
    // ffmpeg opens its inputs one after the other, so probing is the cost of every layout change:
    // a picture needs one keyframe (its size); Opus needs almost nothing (its SDP says it all).
    const probe = videoIds.has(producerId) ? ['-analyzeduration', '700000', '-probesize', '500000'] : ['-analyzeduration', '100000', '-probesize', '32000'];
    args.push('-protocol_whitelist', 'file,udp,rtp', '-reorder_queue_size', '64', ...probe, '-thread_queue_size', '512', '-i', sdp);
  }
  const index = (producerId: string) => order.indexOf(producerId) + 2;

  const f: string[] = [];
  let base = '[0:v]';
  c.video.forEach((t, i) => {
    const label = inputs.labelFiles.get(t.producerId);
    const { w, h, x, y } = t.rect;
    const size = Math.max(14, Math.round(h / 18));
    const text = label
      ? `,drawtext=fontfile=${escapeFilterValue(font)}:textfile=${escapeFilterValue(label)}:fontsize=${size}:fontcolor=white:box=1:boxcolor=black@0.6:boxborderw=${Math.round(size / 3)}:x=${Math.round(size / 2)}:y=h-th-${Math.round(size / 2)}`
      : '';
    f.push(`[${index(t.producerId)}:v]setpts=PTS-STARTPTS,fps=${FPS},scale=${w}:${h}:force_original_aspect_ratio=decrease,pad=${w}:${h}:(ow-iw)/2:(oh-ih)/2:color=black${text}[v${i}]`);
    const out = i === c.video.length - 1 ? '[vout]' : `[b${i}]`;
    f.push(`${base}[v${i}]overlay=x=${x}:y=${y}:eof_action=pass:repeatlast=1${out}`);
    base = out;
  });
  if (c.video.length === 0) f.push('[0:v]null[vout]');
  const mixed = c.audio.map((a) => `[${index(a)}:a]`);
  c.audio.forEach((a, i) => f.push(`${mixed[i]}asetpts=PTS-STARTPTS,aresample=48000:async=1000[a${i}]`));
  f.push(`[1:a]${c.audio.map((_, i) => `[a${i}]`).join('')}amix=inputs=${c.audio.length + 1}:duration=first:dropout_transition=0:normalize=0[aout]`);

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
  args.push('-hls_segment_filename', path.join(inputs.outDir, 'seg-%06d.ts'), path.join(inputs.outDir, 'index.m3u8'));
  return args;
}

/** A value inside a filter graph: `\`, `'`, `:` and the graph's separators escaped. */
export function escapeFilterValue(v: string): string {
  return v.replace(/[\\':,;[\]=]/g, (ch) => `\\${ch}`);
}
