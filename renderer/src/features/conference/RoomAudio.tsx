/**
 * Every remote participant's sound, whatever page or layout shows their tile (or none does), played
 * on the chosen speaker.
 */
import type { RemotePeer } from './conference-engine';
import { TrackAudio } from './MediaElement';
import { useRoomPreferences } from './room-preferences';

export function RoomAudio({ peers }: { peers: RemotePeer[] }) {
  const { speakerId } = useRoomPreferences();
  return (
    <div hidden data-testid="room-audio">
      {peers.flatMap((p) => p.tracks.filter((t) => t.kind === 'audio').map((t) => <TrackAudio key={t.consumerId} track={t.track} sinkId={speakerId} />))}
    </div>
  );
}
