/**
 * RTP header extensions the server offers to clients, and the ones it takes out.
 *
 * `abs-capture-time` is not offered (found with the weak-link harness, issue 12):
 * - mediasoup 3.27 decides, per sender, where it takes the capture instant of each packet from:
 *   the `abs-capture-time` extension when the producer negotiated it, RTCP Sender Reports
 *   otherwise, and it never goes back from Sender Reports to the extension.
 * - A simulcast consumer may only move to a spatial layer whose capture instant it knows (to keep
 *   the RTP timestamps it sends continuous), other than the first layer it forwarded.
 * - Chromium negotiates the extension but does not put it on its own camera and microphone
 *   packets (checked on the wire: no packet of the point's streams carried it). So with the
 *   extension negotiated no layer's capture instant is ever known, and each consumer stays on the
 *   first spatial layer it forwarded. When that layer stops (the sender's uplink is weak, or it
 *   sends its lowest layer only), the consumer forwards nothing at all for the rest of the call:
 *   the chair decoded no frame of a point on a 256 kbit/s uplink although the point sent 180p.
 *   The same lock kept a receiver on the layer it started with when its own link could not carry
 *   it (its video was then cut rather than lowered).
 * - Without it, Sender Reports give every layer its capture instant within a few seconds and
 *   layers switch both ways.
 *
 * Clients are offered the router's capabilities without it, and anything a client sends back
 * (producer parameters, its own capabilities) is stripped of it too, so a client that adds it
 * anyway cannot bring the lock back.
 */
import type { types } from 'mediasoup';

export const ABS_CAPTURE_TIME_URI = 'http://www.webrtc.org/experiments/rtp-hdrext/abs-capture-time';

/** Header extensions the server does not negotiate with clients. */
const NOT_OFFERED: ReadonlySet<string> = new Set([ABS_CAPTURE_TIME_URI]);

function offered(ext: { uri: string }): boolean {
  return !NOT_OFFERED.has(ext.uri);
}

/** The router's RTP capabilities as offered to clients (see above for what is left out). */
export function offeredRtpCapabilities(caps: types.RtpCapabilities): types.RtpCapabilities {
  return { ...caps, headerExtensions: (caps.headerExtensions ?? []).filter(offered) };
}

/** A producer's RTP parameters from a client, without the extensions the server does not offer. */
export function withOfferedExtensions<T extends { headerExtensions?: { uri: string }[] | undefined }>(params: T): T {
  if (!params.headerExtensions) return params;
  return { ...params, headerExtensions: params.headerExtensions.filter(offered) };
}
