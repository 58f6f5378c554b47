/**
 * Whether the user talks while their microphone is muted. A muted microphone's track is disabled
 * (mediasoup-client pauses a producer by disabling its track), so the level is read from a clone,
 * which stays enabled and is never sent; it is stopped when unmuted or on leaving.
 */
import { useEffect, useState } from 'react';
import { READING_MS, rmsDbfs, SpeechGate } from './speech-gate';

export function useMutedSpeech(track: MediaStreamTrack | null, muted: boolean): boolean {
  const [talking, setTalking] = useState(false);
  useEffect(() => {
    setTalking(false);
    if (!track || !muted || track.readyState !== 'live' || typeof AudioContext === 'undefined') return;
    const clone = track.clone();
    clone.enabled = true;
    const context = new AudioContext();
    const source = context.createMediaStreamSource(new MediaStream([clone]));
    const analyser = context.createAnalyser();
    analyser.fftSize = 1024;
    source.connect(analyser);
    const samples = new Float32Array(analyser.fftSize);
    const gate = new SpeechGate();
    let last = false;
    const timer = setInterval(() => {
      analyser.getFloatTimeDomainData(samples);
      const now = gate.feed(rmsDbfs(samples), performance.now());
      // Only a change reaches React: this runs all meeting long for every muted point.
      if (now !== last) setTalking((last = now));
    }, READING_MS);
    return () => {
      clearInterval(timer);
      source.disconnect();
      clone.stop();
      void context.close();
    };
  }, [track, muted]);
  return talking;
}
