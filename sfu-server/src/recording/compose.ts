/**
 * Composes a recording's archive from its raw streams and timeline (after the meeting, as a
 * background job at low priority): one MP4, H.264 + AAC, 1280×720 at 25 fps, the speaker-follow
 * view of layout-plan.ts with each tile labelled with its point's name (drawtext, DejaVu Sans:
 * covers Vietnamese), and the mix of every microphone that was heard (each placed at its own
 * start, silence filled in).
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ffprobeJson, spawnFfmpeg } from '../media/ffmpeg';
import type { LayoutPlan, RunSpan, Slot } from './layout-plan';
import type { RecordingFiles } from './recording-files';

export const ARCHIVE_WIDTH = 1280;
export const ARCHIVE_HEIGHT = 720;
const SLOTS: Record<Slot, { x: number; y: number; w: number; h: number }> = {
  main: { x: 0, y: 90, w: 960, h: 540 },
  side1: { x: 960, y: 90, w: 320, h: 180 },
  side2: { x: 960, y: 290, w: 320, h: 180 },
};

export const DEFAULT_FONT = '/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf';

export interface ComposeOptions {
  files: RecordingFiles;
  plan: LayoutPlan;
  /** Heading drawn at the top (the meeting's title). */
  title: string;
  fontFile?: string;
  nice?: number;
  /** Progress 0..1 as ffmpeg reports it. */
  onProgress?: (fraction: number) => void;
}

/** Builds the ffmpeg arguments and the files they name (concat lists, label texts) in `work`. */
export async function composeCommand(opts: ComposeOptions, work: string, output: string): Promise<string[]> {
  const { plan, files } = opts;
  const font = opts.fontFile ?? DEFAULT_FONT;
  await fsp.mkdir(work, { recursive: true });
  const args: string[] = [];
  const filters: string[] = [];
  let input = 0;
  const esc = (p: string) => p.replace(/\\/g, '\\\\').replace(/'/g, "'\\''");
  const textFile = async (name: string, text: string) => {
    const file = path.join(work, name);
    await fsp.writeFile(file, text);
    return esc(file).replace(/:/g, '\\:');
  };
  const addInput = async (span: RunSpan, video: boolean): Promise<number | null> => {
    const segments = await files.segments(span.run);
    if (segments.length === 0) return null;
    const list = path.join(work, `${span.run}.ffconcat`);
    // A run's segments keep its clock (`-reset_timestamps 0`), and matroska's Duration is then the
    // last timestamp, not the length: the concat demuxer, which starts each file where the one before
    // ended by that duration, put a run's third segment 4 s late with 4-s segments (seen: silence then
    // the muted point's words again). Each file is given its true length: the next one's start minus its own.
    const starts: number[] = [];
    for (const s of segments) starts.push(await ffprobeJson(s).then((r) => Number(r.format?.start_time)).catch(() => NaN));
    const entry = (s: string, i: number) => {
      const length = (starts[i + 1] ?? NaN) - (starts[i] ?? NaN);
      return `file '${esc(s)}'${Number.isFinite(length) && length > 0 ? `\nduration ${length.toFixed(6)}` : ''}`;
    };
    await fsp.writeFile(list, `ffconcat version 1.0\n${segments.map(entry).join('\n')}\n`);
    if (video) args.push('-reinit_filter', '0');
    args.push('-itsoffset', span.offset.toFixed(3), '-f', 'concat', '-safe', '0', '-i', list);
    return input++;
  };
  const D = plan.duration.toFixed(3);
  filters.push(`color=c=0x1f2328:s=${ARCHIVE_WIDTH}x${ARCHIVE_HEIGHT}:r=25:d=${D}[base0]`);
  const fontArg = `fontfile='${esc(font).replace(/:/g, '\\:')}'`;
  let base = 'base0';
  let n = 0;
  const next = () => `b${++n}`;
  if (opts.title) {
    const out = next();
    filters.push(`[${base}]drawtext=${fontArg}:textfile='${await textFile('title.txt', opts.title)}':fontsize=30:fontcolor=white:x=24:y=30[${out}]`);
    base = out;
  }
  if (plan.gaps.length > 0) {
    const out = next();
    const enable = plan.gaps.map((g) => `between(t,${g.from.toFixed(3)},${g.to.toFixed(3)})`).join('+');
    filters.push(`[${base}]drawtext=${fontArg}:textfile='${await textFile('gap.txt', 'Gián đoạn ghi hình')}':fontsize=36:fontcolor=0xffb4a0:x=(w-tw)/2:y=(h-th)/2:enable='${enable}'[${out}]`);
    base = out;
  }
  for (const span of plan.videos) {
    const idx = await addInput(span, true);
    if (idx === null) continue;
    const placements = plan.placements.filter((p) => p.run === span.run);
    const slots = [...new Set(placements.map((p) => p.slot))];
    const label = await textFile(`${span.run}.label.txt`, span.info.pointName || span.info.displayName);
    const srcs = slots.map((_, i) => `v${idx}s${i}`);
    filters.push(slots.length > 1 ? `[${idx}:v]split=${slots.length}${srcs.map((s) => `[${s}]`).join('')}` : `[${idx}:v]null[${srcs[0]}]`);
    for (const [i, slot] of slots.entries()) {
      const box = SLOTS[slot];
      const fontsize = slot === 'main' ? 26 : 16;
      const tile = `t${idx}s${i}`;
      filters.push(
        `[${srcs[i]}]scale=${box.w}:${box.h}:force_original_aspect_ratio=decrease:force_divisible_by=2,` +
          `drawtext=${fontArg}:textfile='${label}':fontsize=${fontsize}:fontcolor=white:box=1:boxcolor=black@0.55:boxborderw=6:x=10:y=h-th-12[${tile}]`,
      );
      const enable = placements
        .filter((p) => p.slot === slot)
        .map((p) => `between(t,${p.from.toFixed(3)},${p.to.toFixed(3)})`)
        .join('+');
      const out = next();
      filters.push(`[${base}][${tile}]overlay=x=${box.x}+(${box.w}-w)/2:y=${box.y}+(${box.h}-h)/2:eval=frame:eof_action=pass:enable='${enable}'[${out}]`);
      base = out;
    }
  }
  filters.push(`[${base}]format=yuv420p[vout]`);
  const audio: string[] = [];
  for (const span of plan.audios) {
    const idx = await addInput(span, false);
    if (idx === null) continue;
    filters.push(`[${idx}:a]aresample=48000:async=1:first_pts=0,aformat=channel_layouts=stereo[a${idx}]`);
    audio.push(`[a${idx}]`);
  }
  if (audio.length === 0) filters.push(`anullsrc=r=48000:cl=stereo,atrim=0:${D}[aout]`);
  else filters.push(`${audio.join('')}amix=inputs=${audio.length}:duration=longest:dropout_transition=0:normalize=0,apad,atrim=0:${D}[aout]`);
  const script = path.join(work, 'graph.txt');
  await fsp.writeFile(script, filters.join(';\n'));
  args.push(
    '-filter_complex_script', script,
    '-map', '[vout]', '-map', '[aout]',
    '-c:v', 'libx264', '-preset', 'veryfast', '-crf', '26', '-r', '25', '-g', '50',
    '-c:a', 'aac', '-b:a', '128k',
    '-t', D, '-movflags', '+faststart',
    '-progress', 'pipe:2', '-y', output,
  );
  return args;
}

/** Runs the composition; resolves with the MP4's path, or rejects with ffmpeg's last words. */
export async function composeArchive(opts: ComposeOptions): Promise<string> {
  const work = path.join(opts.files.dir, 'compose');
  const tmp = path.join(opts.files.dir, 'archive.tmp.mp4');
  const args = await composeCommand(opts, work, tmp);
  const child = spawnFfmpeg(args, { nice: opts.nice ?? 15 });
  let tail = '';
  child.stderr?.on('data', (d: Buffer) => {
    const text = d.toString();
    tail = (tail + text).slice(-6000);
    const m = /out_time_us=(\d+)/g;
    let last: RegExpExecArray | null = null;
    for (let x = m.exec(text); x; x = m.exec(text)) last = x;
    if (last && opts.plan.duration > 0) opts.onProgress?.(Math.min(1, Number(last[1]) / 1e6 / opts.plan.duration));
  });
  const code = await new Promise<number | null>((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (c) => resolve(c));
  });
  if (code !== 0) {
    const words = tail
      .split('\n')
      .filter((l) => l && !/^[a-z_]+=/.test(l))
      .slice(-8)
      .join('\n');
    throw new Error(`ffmpeg exited with ${code}: ${words}`);
  }
  await fsp.rename(tmp, opts.files.archive);
  await fsp.rm(work, { recursive: true, force: true });
  return opts.files.archive;
}
