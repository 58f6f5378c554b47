/** The local camera and microphone for the pre-join preview, with the device lists to choose from. */
import { useEffect, useState } from 'react';
import { deviceErrorMessage } from '../../shared/device-errors';

export interface LocalMedia {
  stream: MediaStream | null;
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  error: string | null;
}

export function useLocalMedia(cameraId: string | null, microphoneId: string | null): LocalMedia {
  const [state, setState] = useState<LocalMedia>({ stream: null, cameras: [], microphones: [], error: null });

  useEffect(() => {
    let cancelled = false;
    let opened: MediaStream | null = null;
    // `ideal`, not `exact`: a remembered device that was unplugged falls back to another one.
    const constraints: MediaStreamConstraints = {
      audio: microphoneId ? { deviceId: { ideal: microphoneId }, echoCancellation: true, noiseSuppression: true } : { echoCancellation: true, noiseSuppression: true },
      video: cameraId ? { deviceId: { ideal: cameraId }, width: { ideal: 1280 }, height: { ideal: 720 } } : { width: { ideal: 1280 }, height: { ideal: 720 } },
    };
    (async () => {
      try {
        opened = await openWithFallback(constraints);
        const devices = await navigator.mediaDevices.enumerateDevices();
        if (cancelled) return;
        setState({
          stream: opened,
          cameras: devices.filter((d) => d.kind === 'videoinput'),
          microphones: devices.filter((d) => d.kind === 'audioinput'),
          error: null,
        });
      } catch (err) {
        if (!cancelled) setState((s) => ({ ...s, stream: null, error: deviceErrorMessage(err) }));
      }
    })();
    return () => {
      cancelled = true;
      // Tracks handed to the conference are detached first (see takeStream), so this only stops previews.
      if (opened && !handedOver.has(opened)) for (const t of opened.getTracks()) t.stop();
    };
  }, [cameraId, microphoneId]);

  return state;
}

/** Camera and microphone if possible; otherwise whichever of them works. */
async function openWithFallback(constraints: MediaStreamConstraints): Promise<MediaStream> {
  try {
    return await navigator.mediaDevices.getUserMedia(constraints);
  } catch (err) {
    for (const only of [{ audio: constraints.audio }, { video: constraints.video }]) {
      try {
        return await navigator.mediaDevices.getUserMedia(only);
      } catch {
        /* try the next */
      }
    }
    throw err;
  }
}

const handedOver = new WeakSet<MediaStream>();

/** Marks the preview stream as owned by the conference so the preview does not stop it. */
export function takeStream(stream: MediaStream): MediaStream {
  handedOver.add(stream);
  return stream;
}
