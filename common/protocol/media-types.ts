/**
 * Schemas for the mediasoup objects that cross the wire (RTP capabilities and parameters, ICE and
 * DTLS parameters). They check the shape at the edge; mediasoup itself checks the semantics and its
 * errors come back as `bad_request`. Unknown keys are kept (loose objects) so newer
 * mediasoup-client versions stay compatible.
 */
import { z } from 'zod';

const short = z.string().max(256);

export const RtcpFeedback = z.looseObject({ type: short, parameter: short.optional() });

export const RtpCodecCapability = z.looseObject({
  kind: z.enum(['audio', 'video']),
  mimeType: short,
  preferredPayloadType: z.number().int().min(0).max(127).optional(),
  clockRate: z.number().int().positive(),
  channels: z.number().int().positive().max(8).optional(),
  parameters: z.record(z.string(), z.unknown()).optional(),
  rtcpFeedback: z.array(RtcpFeedback).max(32).optional(),
});

export const RtpHeaderExtension = z.looseObject({
  kind: z.enum(['audio', 'video']),
  uri: short,
  preferredId: z.number().int().positive(),
  preferredEncrypt: z.boolean().optional(),
  direction: z.string().max(16).optional(),
});

export const RtpCapabilities = z.looseObject({
  codecs: z.array(RtpCodecCapability).max(128).optional(),
  headerExtensions: z.array(RtpHeaderExtension).max(64).optional(),
});
export type RtpCapabilities = z.infer<typeof RtpCapabilities>;

export const RtpParameters = z.looseObject({
  mid: short.optional(),
  codecs: z.array(z.looseObject({ mimeType: short, payloadType: z.number().int(), clockRate: z.number().int() })).min(1).max(64),
  headerExtensions: z.array(z.looseObject({ uri: short, id: z.number().int() })).max(64).optional(),
  encodings: z.array(z.looseObject({})).max(8).optional(),
  rtcp: z.looseObject({}).optional(),
});
export type RtpParameters = z.infer<typeof RtpParameters>;

export const DtlsParameters = z.looseObject({
  role: z.enum(['auto', 'client', 'server']).optional(),
  fingerprints: z.array(z.looseObject({ algorithm: short, value: z.string().max(512) })).min(1).max(8),
});
export type DtlsParameters = z.infer<typeof DtlsParameters>;

export const IceParameters = z.looseObject({ usernameFragment: short, password: short, iceLite: z.boolean().optional() });
export const IceCandidate = z.looseObject({
  foundation: short,
  priority: z.number(),
  address: short,
  ip: short.optional(),
  protocol: z.enum(['udp', 'tcp']),
  port: z.number().int(),
  type: short,
  tcpType: short.optional(),
});
