/**
 * The join page and the live room, with everything they need: the conference engine
 * (mediasoup-client, signaling, the store), the pre-join screen, the room and the features' panels
 * and overlays (`room-features.ts`). App loads this module on first use, and ahead of it once
 * "my meetings" has shown (`loadRoom`), so the login page and the meeting list come without the
 * room's code — the largest part of the app — on a commune's slow link.
 */
import { useLayoutEffect } from 'react';
import { ConferenceEngine } from '../features/conference/conference-engine';
import { useConference } from '../features/conference/use-conference';
import { JoinMeetingPage } from '../features/meetings/JoinMeetingPage';
import { ROOM_FEATURES } from './room-features';

declare global {
  interface Window {
    /** The live conference engine, for diagnostics and end-to-end tests. */
    __phonghop?: { engine: ConferenceEngine };
  }
}

let engine: ConferenceEngine | undefined;

/** One engine for the app's whole life, made when a join page first opens (not when this code is fetched ahead). */
function appEngine(): ConferenceEngine {
  if (!engine) {
    engine = new ConferenceEngine();
    window.__phonghop = { engine };
  }
  return engine;
}

/** `onInRoom`: whether the room is showing (App gives the room the whole window height then). */
export function RoomRoute({ id, onInRoom }: { id: string; onInRoom: (inRoom: boolean) => void }) {
  const e = appEngine();
  const status = useConference(e, (s) => s.status);
  const inRoom = status === 'joined' || status === 'reconnecting';
  // Before paint, as when App read the engine itself: the room never shows one frame at the wrong height.
  useLayoutEffect(() => {
    onInRoom(inRoom);
  }, [inRoom, onInRoom]);
  useLayoutEffect(() => () => onInRoom(false), [onInRoom]);
  return <JoinMeetingPage key={id} id={id} engine={e} room={ROOM_FEATURES} />;
}
