/** A <video> or <audio> element playing one MediaStreamTrack. */
import { memo, useEffect, useRef } from 'react';
import { quietLiveMedia } from './quiet-live-media';

/** Memoised: a tile re-rendered for something else (its speaking outline) leaves the element alone. */
export const TrackVideo = memo(function TrackVideo({
  track,
  label,
  muted = true,
  mirrored = false,
  fit = 'cover',
  hidden = false,
}: {
  track: MediaStreamTrack;
  label: string;
  muted?: boolean;
  mirrored?: boolean;
  /** 'contain' for shared screens: nothing of the screen is cut off. */
  fit?: 'cover' | 'contain';
  /**
   * Not shown now (e.g. the server does not forward this video here for a while), but kept with
   * its track: showing it again is a style change, not a new media player (see ParticipantTile).
   */
  hidden?: boolean;
}) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    quietLiveMedia();
    el.srcObject = new MediaStream([track]);
    void el.play().catch(() => undefined);
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  return (
    <video
      ref={ref}
      autoPlay
      playsInline
      muted={muted}
      aria-label={label}
      data-live-track=""
      style={{ width: '100%', height: '100%', objectFit: fit, background: '#111', transform: mirrored ? 'scaleX(-1)' : undefined, display: hidden ? 'none' : undefined }}
    />
  );
});

/** Whether this browser can choose the audio output device (HTMLMediaElement.setSinkId). */
export const canChooseSpeaker = (): boolean => typeof HTMLMediaElement !== 'undefined' && 'setSinkId' in HTMLMediaElement.prototype;

export function TrackAudio({ track, sinkId }: { track: MediaStreamTrack; /** Audio output device; null = default. */ sinkId?: string | null }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current as (HTMLAudioElement & { setSinkId?: (id: string) => Promise<void> }) | null;
    if (!el?.setSinkId) return;
    // An unplugged device is refused: the default output keeps playing.
    el.setSinkId(sinkId ?? '').catch(() => el.setSinkId?.('').catch(() => undefined));
  }, [sinkId]);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    quietLiveMedia();
    el.srcObject = new MediaStream([track]);
    void el.play().catch(() => undefined);
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  return <audio ref={ref} autoPlay data-live-track="" />;
}
