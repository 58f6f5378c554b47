/**
 * Link quality over signaling: each client reports what it measures on its own link (its signal
 * bars, loss, round trip, and whether it fell back to fewer videos or audio only); the server
 * judges each point's link from that report and from what it sees itself (mediasoup's stream
 * scores), and tells the chair and the hosts which points have a poor link and since when.
 * Also: the short-lived TURN credentials for networks where only 443 is open.
 */
import { z } from 'zod';
import { Id } from './conference';

export const LinkQuality = z.enum(['good', 'fair', 'poor']);
export type LinkQuality = z.infer<typeof LinkQuality>;
const BarsSchema = z.number().int().min(0).max(4);
/** The client's automatic fallback: none, fewer and smaller videos, audio only. */
export const LinkFallback = z.enum(['none', 'reduced', 'audio-only']);
export type LinkFallback = z.infer<typeof LinkFallback>;

/** What a client measured on its own link over the last few seconds (see common/link-quality.ts). */
export const LinkReport = z.strictObject({
  sendBars: BarsSchema,
  recvBars: BarsSchema,
  /** Percent, 0–100; null when not measured. */
  sendLossPercent: z.number().min(0).max(100).nullable(),
  recvLossPercent: z.number().min(0).max(100).nullable(),
  rttMs: z.number().min(0).max(120_000).nullable(),
  /** The sender's bandwidth estimate, kbit/s. */
  availableSendKbps: z.number().min(0).max(10_000_000).nullable(),
  fallback: LinkFallback,
});
export type LinkReport = z.infer<typeof LinkReport>;

/** One point's link as the server judges it now. */
export const PeerLink = z.object({
  peerId: Id,
  quality: LinkQuality,
  /** When the link became this quality (ms since the epoch): "poor since 10:42". */
  since: z.number(),
  sendBars: BarsSchema,
  recvBars: BarsSchema,
  lossPercent: z.number().nullable(),
  rttMs: z.number().nullable(),
  fallback: LinkFallback,
});
export type PeerLink = z.infer<typeof PeerLink>;

export const IceServer = z.object({
  urls: z.array(z.string()),
  username: z.string(),
  credential: z.string(),
});
export type IceServer = z.infer<typeof IceServer>;

export const linkRequests = {
  /**
   * The client's own measurements, every few seconds (more often than once a second is refused
   * with `rate_limited`).
   */
  'link.report': {
    request: LinkReport,
    response: z.strictObject({}),
  },
  /** Every participant's link as the server judges it now: for the chair and hosts (others: `forbidden`). */
  'link.states': {
    request: z.strictObject({}),
    response: z.object({ links: z.array(PeerLink) }),
  },
  /**
   * TURN servers with credentials valid for a few hours (coturn `use-auth-secret`): empty when the
   * server has no TURN configured. The client passes them to its WebRTC transports.
   */
  'link.iceServers': {
    request: z.strictObject({}),
    response: z.object({ iceServers: z.array(IceServer), expiresAt: z.number().nullable() }),
  },
} as const;

/** Server → chair and hosts. */
export interface LinkNotifications {
  /** A participant's link changed quality (good ↔ fair ↔ poor), or its fallback changed. */
  linkQuality: PeerLink;
}
