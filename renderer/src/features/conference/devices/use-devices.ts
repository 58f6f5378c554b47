/** The cameras, microphones and speakers of this machine, kept current when devices are plugged in or out. */
import { useEffect, useState } from 'react';

export interface DeviceLists {
  cameras: MediaDeviceInfo[];
  microphones: MediaDeviceInfo[];
  speakers: MediaDeviceInfo[];
}

export function useDevices(enabled: boolean): DeviceLists {
  const [lists, setLists] = useState<DeviceLists>({ cameras: [], microphones: [], speakers: [] });
  useEffect(() => {
    if (!enabled || !navigator.mediaDevices?.enumerateDevices) return;
    let alive = true;
    const read = () =>
      void navigator.mediaDevices.enumerateDevices().then((all) => {
        if (!alive) return;
        setLists({
          cameras: all.filter((d) => d.kind === 'videoinput'),
          microphones: all.filter((d) => d.kind === 'audioinput'),
          speakers: all.filter((d) => d.kind === 'audiooutput'),
        });
      });
    read();
    navigator.mediaDevices.addEventListener('devicechange', read);
    return () => {
      alive = false;
      navigator.mediaDevices.removeEventListener('devicechange', read);
    };
  }, [enabled]);
  return lists;
}

/** Opens one device: the new track for the producer (echo cancellation and noise suppression for microphones). */
export async function openDevice(kind: 'audio' | 'video', deviceId: string): Promise<MediaStreamTrack> {
  const stream = await navigator.mediaDevices.getUserMedia(
    kind === 'audio'
      ? { audio: { deviceId: { exact: deviceId }, echoCancellation: true, noiseSuppression: true } }
      : { video: { deviceId: { exact: deviceId }, width: { ideal: 1280 }, height: { ideal: 720 } } },
  );
  const track = kind === 'audio' ? stream.getAudioTracks()[0] : stream.getVideoTracks()[0];
  if (!track) throw new Error('no track from the device');
  return track;
}
