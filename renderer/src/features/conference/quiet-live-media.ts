/**
 * Keeps a live track's `timeupdate` events away from React.
 *
 * React (17 and later) listens at its root, in the capture phase, to every media event of every
 * element under it, whether or not a component asked for the event. A <video> playing a live
 * MediaStreamTrack fires `timeupdate` about four times a second, so a room of 50 tiles sent ~200
 * events a second through React's dispatch (each one a walk up the fiber tree): ~4 ms of main
 * thread per second, the largest script item left in the room-render bench's trace.
 *
 * Nothing in the client listens to `timeupdate` on an element playing a live track (nothing of the
 * kind is drawn from it: a live stream has no duration or position to show). So the event is
 * stopped at the window, before it reaches React's root, but only for elements marked with
 * `data-live-track` (TrackVideo, TrackAudio, the speaker tile). The broadcast player and the
 * recordings' player are not marked; hls.js and their controls get every event as before.
 */
export const LIVE_TRACK_ATTRIBUTE = 'data-live-track';

const QUIET_EVENTS = ['timeupdate'] as const;
let installedOn: Window | null = null;

function stopForLiveTrack(event: Event): void {
  const target = event.target;
  if (target instanceof Element && target.hasAttribute(LIVE_TRACK_ATTRIBUTE)) event.stopPropagation();
}

/** Installs the window's capture listener once per window (idempotent; cheap to call from effects). */
export function quietLiveMedia(win: Window = window): void {
  if (installedOn === win) return;
  for (const type of QUIET_EVENTS) win.addEventListener(type, stopForLiveTrack, { capture: true });
  installedOn = win;
}
