/**
 * Whether the user talks while their microphone is muted. A muted microphone's track is disabled
 * (mediasoup-client pauses a producer by disabling its track), so the level is read from a clone,
 * which stays enabled and is never sent; it is stopped when unmuted or on leaving.
 *
 * The level is measured off the main thread (level-worklet.ts, five readings a second); the page
 * feeds them to the SpeechGate and tells React only when the answer changes, since this runs all
 * meeting long on every muted point. AudioWorklet, like the microphone itself, needs a secure
 * context; without it there is no hint.
 */
import { useEffect, useState } from 'react';
import levelWorkletUrl from './level-worklet.ts?worker&url';
import { SpeechGate } from './speech-gate';

export function useMutedSpeech(track: MediaStreamTrack | null, muted: boolean): boolean {
  const [talking, setTalking] = useState(false);
  useEffect(() => {
    setTalking(false);
    if (!track || !muted || track.readyState !== 'live' || typeof AudioContext === 'undefined' || typeof AudioWorkletNode === 'undefined') return;
    const clone = track.clone();
    clone.enabled = true;
    const context = new AudioContext();
    let stopped = false;
    let node: AudioWorkletNode | null = null;
    const source = context.createMediaStreamSource(new MediaStream([clone]));
    const gate = new SpeechGate();
    let last = false;
    context.audioWorklet
      .addModule(levelWorkletUrl)
      .then(() => {
        if (stopped) return;
        // No outputs: the node is pulled by the audio thread without being connected to the speakers.
        node = new AudioWorkletNode(context, 'phonghop-level', { numberOfInputs: 1, numberOfOutputs: 0 });
        node.port.onmessage = (e: MessageEvent<number>) => {
          if (typeof e.data !== 'number') return;
          const now = gate.feed(e.data, performance.now());
          if (now !== last) setTalking((last = now));
        };
        source.connect(node);
      })
      .catch((err: unknown) => console.warn('no microphone level for the muted-speech hint', err));
    return () => {
      stopped = true;
      if (node) node.port.onmessage = null;
      source.disconnect();
      clone.stop();
      void context.close();
    };
  }, [track, muted]);
  return talking;
}
