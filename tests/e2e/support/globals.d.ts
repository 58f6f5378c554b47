/** What the end-to-end tests read from the page: the conference engine the renderer exposes. */
interface E2eTrackStats {
  bytesReceived: number;
  framesDecoded: number | null;
}
interface E2eRemoteTrack {
  kind: 'audio' | 'video';
  source: 'mic' | 'webcam' | 'screen';
  /** Whether the server forwards it now (media control). */
  forwarding?: boolean;
}
interface E2eEngine {
  getState(): {
    peers: { info: { id: string; displayName: string; producers: { source: string; paused: boolean }[] }; tracks: E2eRemoteTrack[] }[];
    receiveMode?: string;
    screenTrack?: MediaStreamTrack | null;
  };
  localStream: MediaStream | null;
  peerStats(peerId: string): Promise<{ video: E2eTrackStats | null; audio: E2eTrackStats | null }>;
}
interface Window {
  __phonghop?: { engine: E2eEngine };
}
