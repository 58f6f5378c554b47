/** What the end-to-end tests read from the page: the conference engine the renderer exposes. */
interface E2eTrackStats {
  bytesReceived: number;
  framesDecoded: number | null;
}
interface E2eEngine {
  getState(): { peers: { info: { id: string; displayName: string } }[] };
  peerStats(peerId: string): Promise<{ video: E2eTrackStats | null; audio: E2eTrackStats | null }>;
}
interface Window {
  __phonghop?: { engine: E2eEngine };
}
