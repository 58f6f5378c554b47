/**
 * Every remote participant's sound, whatever page or layout shows their tile (or none does), played
 * on the chosen speaker. Subscribes to the list of audio tracks only (not to the rest of the room).
 */
import { useMemo } from 'react';
import type { ConferenceEngine } from './conference-engine';
import { makeAudioTracksSelector } from './conference-store';
import { TrackAudio } from './MediaElement';
import { useRoomPreferences } from './room-preferences';
import { useConference } from './use-conference';

export function RoomAudio({ engine }: { engine: ConferenceEngine }) {
  const { speakerId } = useRoomPreferences();
  const selectAudio = useMemo(() => makeAudioTracksSelector(), []);
  const tracks = useConference(engine, selectAudio);
  return (
    <div hidden data-testid="room-audio">
      {tracks.map((t) => (
        <TrackAudio key={t.consumerId} track={t.track} sinkId={speakerId} />
      ))}
    </div>
  );
}
