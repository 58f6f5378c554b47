/**
 * Conference signaling: joining a room, WebRTC transports, producers and consumers.
 * Request schemas are validated at the server edge; responses and notifications are typed for the
 * renderer.
 */
import { z } from 'zod';
import { DtlsParameters, IceCandidate, IceParameters, RtpCapabilities, RtpParameters } from './media-types';

export const Id = z.string().min(1).max(64);

export const MediaSource = z.enum(['mic', 'webcam', 'screen']);
export type MediaSource = z.infer<typeof MediaSource>;

export const ProducerInfo = z.object({
  id: Id,
  kind: z.enum(['audio', 'video']),
  source: MediaSource,
  paused: z.boolean(),
});
export type ProducerInfo = z.infer<typeof ProducerInfo>;

export const PeerInfo = z.object({
  id: Id,
  accountId: Id,
  role: z.string(),
  displayName: z.string(),
  /** The bridge point this peer is (operators), or ''. */
  pointName: z.string(),
  unitName: z.string(),
  level: z.string().nullable(),
  headcount: z.number().int().nullable(),
  joinedAt: z.number(),
  producers: z.array(ProducerInfo),
});
export type PeerInfo = z.infer<typeof PeerInfo>;

export const TransportOptions = z.object({
  id: Id,
  iceParameters: IceParameters,
  iceCandidates: z.array(IceCandidate),
  dtlsParameters: DtlsParameters,
});
export type TransportOptions = z.infer<typeof TransportOptions>;

const Empty = z.strictObject({});

/** Every conference request: the schema of its data and of its response. */
export const conferenceRequests = {
  /** Joins the conference of a live meeting the caller is invited to; name and point come from the account. */
  join: {
    request: z.strictObject({ meetingId: z.string().uuid() }),
    response: z.object({
      peerId: Id,
      self: PeerInfo,
      meetingTitle: z.string(),
      routerRtpCapabilities: RtpCapabilities,
      peers: z.array(PeerInfo),
    }),
  },
  createWebRtcTransport: {
    request: z.strictObject({ direction: z.enum(['send', 'recv']) }),
    response: TransportOptions,
  },
  connectWebRtcTransport: {
    request: z.strictObject({ transportId: Id, dtlsParameters: DtlsParameters }),
    response: Empty,
  },
  restartIce: {
    request: z.strictObject({ transportId: Id }),
    response: z.object({ iceParameters: IceParameters }),
  },
  produce: {
    request: z.strictObject({
      transportId: Id,
      kind: z.enum(['audio', 'video']),
      rtpParameters: RtpParameters,
      source: MediaSource,
      paused: z.boolean().optional(),
    }),
    response: z.object({ id: Id }),
  },
  /** Sent once the client can receive: the server then creates consumers for every producer. */
  ready: {
    request: z.strictObject({ rtpCapabilities: RtpCapabilities }),
    response: Empty,
  },
  pauseProducer: { request: z.strictObject({ producerId: Id }), response: Empty },
  resumeProducer: { request: z.strictObject({ producerId: Id }), response: Empty },
  closeProducer: { request: z.strictObject({ producerId: Id }), response: Empty },
  resumeConsumer: { request: z.strictObject({ consumerId: Id }), response: Empty },
  pauseConsumer: { request: z.strictObject({ consumerId: Id }), response: Empty },
  leave: { request: Empty, response: Empty },
} as const;

export const NewConsumer = z.object({
  id: Id,
  producerId: Id,
  peerId: Id,
  kind: z.enum(['audio', 'video']),
  source: MediaSource,
  rtpParameters: RtpParameters,
  producerPaused: z.boolean(),
});
export type NewConsumer = z.infer<typeof NewConsumer>;

/** Server → client notifications of the conference. */
export interface ConferenceNotifications {
  peerJoined: { peer: PeerInfo };
  peerUpdated: { peer: PeerInfo };
  peerLeft: { peerId: string };
  newConsumer: NewConsumer;
  consumerClosed: { consumerId: string };
  consumerPaused: { consumerId: string };
  consumerResumed: { consumerId: string };
  /** The server paused (floor taken back, host mute) or resumed (floor given) this client's microphone. */
  micForced: { muted: boolean };
}
