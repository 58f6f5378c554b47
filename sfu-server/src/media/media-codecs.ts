/**
 * The codecs every router offers: opus for speech, VP8 (simulcast-friendly) and H264 for video.
 *
 * Speech over lossy links (see docs/ARCHITECTURE.md, "Weak links"):
 * - `useinbandfec: 1`: the sender's Opus encoder adds in-band FEC, sized by the loss the server
 *   reports back to it in RTCP receiver reports (Chromium feeds that into the encoder's expected
 *   packet loss); the receiver's decoder uses it to rebuild a lost packet.
 * - no `usedtx`: discontinuous transmission off, so the speaker's stream keeps its 20 ms cadence
 *   (FEC rides on the next packet; DTX gaps also made jitter buffers shrink and regrow).
 * - NACK: mediasoup offers `nack` for opus and mediasoup-client adds it to Chromium's capabilities
 *   (libwebrtc supports it without announcing it): lost audio packets are retransmitted from the
 *   worker's buffer, on each leg (consumers need `enableRtx: true` for it, see room.ts).
 * - RED (audio/red) is not among mediasoup 3.27's supported codecs: not offered.
 */
import type { types } from 'mediasoup';

export const mediaCodecs: types.RouterRtpCodecCapability[] = [
  { kind: 'audio', mimeType: 'audio/opus', clockRate: 48000, channels: 2, parameters: { useinbandfec: 1 } },
  { kind: 'video', mimeType: 'video/VP8', clockRate: 90000, parameters: { 'x-google-start-bitrate': 600 } },
  {
    kind: 'video',
    mimeType: 'video/H264',
    clockRate: 90000,
    parameters: { 'packetization-mode': 1, 'profile-level-id': '42e01f', 'level-asymmetry-allowed': 1 },
  },
];
