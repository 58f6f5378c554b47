/** A <video> or <audio> element playing one MediaStreamTrack. */
import { useEffect, useRef } from 'react';

export function TrackVideo({ track, label, muted = true, mirrored = false }: { track: MediaStreamTrack; label: string; muted?: boolean; mirrored?: boolean }) {
  const ref = useRef<HTMLVideoElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
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
      style={{ width: '100%', height: '100%', objectFit: 'cover', background: '#111', transform: mirrored ? 'scaleX(-1)' : undefined }}
    />
  );
}

export function TrackAudio({ track }: { track: MediaStreamTrack }) {
  const ref = useRef<HTMLAudioElement>(null);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    el.srcObject = new MediaStream([track]);
    void el.play().catch(() => undefined);
    return () => {
      el.srcObject = null;
    };
  }, [track]);
  return <audio ref={ref} autoPlay />;
}
