/**
 * Media control: what a receiver shows (tiles on screen and their size, pinned tiles, receive
 * mode) so the server forwards only what is seen, at the layer that fits; and the active speaker
 * the server detects.
 */
import { z } from 'zod';
import { Id, MediaSource } from './conference';

/** Most tiles a receiver can report at once (a page of the grid plus a strip and the focus). */
export const MAX_TILE_VIEWS = 100;

/** One tile on this receiver's screen now: whose media, which source, its size in CSS pixels. */
export const TileView = z.strictObject({
  peerId: Id,
  source: MediaSource,
  width: z.number().int().min(0).max(16_384),
  height: z.number().int().min(0).max(16_384),
  /** The user pinned this tile: it gets video even when its point is not among the last speakers. */
  pinned: z.boolean().optional(),
});
export type TileView = z.infer<typeof TileView>;

/**
 * - normal: video of the tiles on screen, at the layer that fits each tile;
 * - low: weak link: only the lowest layer is received (and the engine sends only its lowest layer);
 * - audio-only: no video is received (and the engine sends none); audio stays.
 */
export const ReceiveMode = z.enum(['normal', 'low', 'audio-only']);
export type ReceiveMode = z.infer<typeof ReceiveMode>;

/**
 * SDES-style SRTP keys of a plain RTP endpoint (RFC 4568 / RFC 7714 key and salt, base64): the
 * endpoint gives the key it encrypts with, the server answers with the key it encrypts with.
 * Lengths are checked per suite (master key + salt: GCM-256 32+12, GCM-128 16+12, AES-CM 16+14).
 */
export const SrtpCryptoSuite = z.enum(['AEAD_AES_256_GCM', 'AEAD_AES_128_GCM', 'AES_CM_128_HMAC_SHA1_80', 'AES_CM_128_HMAC_SHA1_32']);
export type SrtpCryptoSuite = z.infer<typeof SrtpCryptoSuite>;
export const SRTP_KEY_BYTES: Record<SrtpCryptoSuite, number> = { AEAD_AES_256_GCM: 44, AEAD_AES_128_GCM: 28, AES_CM_128_HMAC_SHA1_80: 30, AES_CM_128_HMAC_SHA1_32: 30 };
export const SrtpParameters = z
  .strictObject({ cryptoSuite: SrtpCryptoSuite, keyBase64: z.string().max(64).regex(/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/) })
  .refine((p) => base64Bytes(p.keyBase64) === SRTP_KEY_BYTES[p.cryptoSuite], { message: 'SRTP key length does not match the crypto suite' });

/** Bytes a canonical base64 string decodes to (no Buffer: this module runs in the renderer too). */
function base64Bytes(s: string): number {
  return (s.length / 4) * 3 - (s.endsWith('==') ? 2 : s.endsWith('=') ? 1 : 0);
}
export type SrtpParameters = z.infer<typeof SrtpParameters>;

export const mediaControlRequests = {
  /**
   * The tiles this receiver shows now and their size; tiles not listed are off screen (their
   * video is not forwarded). Replaces the previous list. Sent coalesced by the engine, and again
   * after every rejoin.
   */
  'media.setTileViews': {
    request: z.strictObject({
      views: z.array(TileView).max(MAX_TILE_VIEWS),
      receiveMode: ReceiveMode.optional(),
    }),
    response: z.strictObject({}),
  },
  /**
   * A plain RTP/RTCP endpoint (no ICE, no DTLS: hardware bridge codecs, gateways, the load
   * benchmark), when the server enables it (PLAIN_RTP_ENABLED), for bridge-point operators and
   * admins. 'send': the endpoint sends to the returned address (the server learns the endpoint's
   * from its first packet); 'recv': the server sends to `ip:port`, which must be the address the
   * signaling comes from. A receiving plain endpoint gets the chair's and the current speaker's
   * audio and video only (a hardware codec cannot take hundreds of streams). With `srtp` the
   * media is SRTP both ways (keys exchanged here, as SDES does): the endpoint's key in the
   * request, the server's in the answer.
   */
  'media.createPlainTransport': {
    request: z.strictObject({
      direction: z.enum(['send', 'recv']),
      ip: z.union([z.ipv4(), z.ipv6()]).optional(),
      port: z.number().int().min(1024).max(65535).optional(),
      srtp: SrtpParameters.optional(),
    }),
    response: z.object({ id: Id, ip: z.string(), port: z.number().int(), srtp: z.object({ cryptoSuite: SrtpCryptoSuite, keyBase64: z.string() }).optional() }),
  },
  /** Liveness check of the signaling path: the engine sends it every few seconds and rejoins when it goes unanswered. */
  'media.ping': {
    request: z.strictObject({}),
    response: z.object({ time: z.number() }),
  },
} as const;

/** Server → client notifications of media control. */
export interface MediaControlNotifications {
  /** The peer whose voice is dominant now (null: nobody speaks). Muted or paused microphones never are. */
  activeSpeaker: { peerId: string | null };
  /**
   * Whether the server forwards this consumer's media to this receiver now (off screen, outside
   * the last speakers, audio-only mode → false). A new consumer counts as forwarding until told
   * otherwise. The tile shows a placeholder instead of a frozen picture while it is false.
   */
  consumerForwarding: { consumerId: string; forwarding: boolean };
}
